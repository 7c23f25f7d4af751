"""The TA's review of written answers: what a student wrote for each manual check, found in
the graded submission and shown on the review page."""
