"""A TA's scores of written answers, applied to a graded submission.

The automatic result is kept as judged (in the journal); the marks are applied
whenever the reports are written, so that they survive grading and re-judging
again. A mark given for an earlier answer is `flagged`: its points wait again.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

from ..judge.verdict import FAIL, MANUAL, PARTIAL, PASS
from .scoring import SubmissionResult

CheckKey = tuple[str, str]  # question id, check id


@dataclass(frozen=True)
class Mark:
    """A TA's score of one written answer."""

    points: float
    comment: str = ""
    current: bool = True  # False: given for an answer that has changed since


def apply_marks(result: SubmissionResult, marks: Mapping[CheckKey, Mark]) -> SubmissionResult:
    """`result` with each manual check's mark applied (a copy; `result` is unchanged): a
    current mark scores the check, a stale one is shown flagged and scores nothing."""
    if not marks or not result.questions:
        return result
    marked = copy.deepcopy(result)
    for question in marked.questions:
        for check in question.checks:
            mark = marks.get((question.id, check.id))
            if check.scored or mark is None:
                continue
            check.comment = mark.comment
            check.flagged = not mark.current
            check.reviewed = mark.current
            if mark.current:
                check.score = round(min(max(mark.points, 0.0), check.max_score), 4)
                check.status = _status(check.score, check.max_score)
            else:
                check.score, check.status = 0.0, MANUAL
        question.score = round(sum(c.score for c in question.checks), 4)
        question.pending_manual = round(sum(c.max_score for c in question.checks if c.pending), 4)
    marked.score = round(sum(q.score for q in marked.questions), 4)
    return marked


def _status(score: float, max_score: float) -> str:
    if max_score and score >= max_score - 1e-9:
        return PASS
    return PARTIAL if score > 0 else FAIL
