"""Reference solutions: one module per assignment, one function per question.

Each module is also graded as a submission (`grade verify`): run top to
bottom in the sandbox, it defines the names the rubric's locators look for.
"""
