"""Reports: the table on screen, the gradebook, results.json and per-student feedback."""
