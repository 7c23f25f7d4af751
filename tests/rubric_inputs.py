"""The grader's own inputs of a rubric's checks, built as the child builds them."""

from __future__ import annotations

from typing import Any

from graders.assignments import Assignment
from graders.observe.child.fixtures import build


def check_of(assignment: Assignment, question: str, check: str) -> Any:
    """The check `question/check` of the assignment's rubric."""
    found = next(q for q in assignment.rubric.questions if q.id == question)
    return next(c for c in found.checks if c.id == check)


def calls(assignment: Assignment, question: str, check: str) -> list[list[Any]]:
    """The arguments of each call of a function check."""
    seed = assignment.rubric.seed
    return [build(call.args, seed) for call in check_of(assignment, question, check).calls]
