"""Answers written as bare literals: a cell holding only `True`, `False`, `"O"` or `"X"`.

Exam solutions answer true/false items so, one cell per item. The source is read,
never run: a cell counts when its only statement is such a literal (comments aside).
"""

from __future__ import annotations

import ast
from typing import Any

CHOICE_STRINGS = {"O", "X", "T", "F", "TRUE", "FALSE"}


def answer_cells(cells: list[str]) -> list[Any]:
    """The bare true/false answers of the cells that hold nothing else, in cell order."""
    answers = []
    for source in cells:
        try:
            body = ast.parse(source).body
        except SyntaxError:
            continue
        if len(body) != 1 or not isinstance(body[0], ast.Expr):
            continue
        value = body[0].value
        if not isinstance(value, ast.Constant):
            continue
        if isinstance(value.value, bool) or (
            isinstance(value.value, str) and value.value.strip().upper() in CHOICE_STRINGS
        ):
            answers.append(value.value)
    return answers
