"""Turn verdicts into points: per check, per question, per submission."""

from .manual import CheckKey, Mark, apply_marks
from .scoring import CheckResult, GraderFault, QuestionResult, SubmissionResult, score_question

__all__ = [
    "CheckKey",
    "Mark",
    "apply_marks",
    "CheckResult",
    "GraderFault",
    "QuestionResult",
    "SubmissionResult",
    "score_question",
]
