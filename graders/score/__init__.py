"""Turn verdicts into points: per check, per question, per submission."""

from .scoring import CheckResult, QuestionResult, SubmissionResult, score_question

__all__ = ["CheckResult", "QuestionResult", "SubmissionResult", "score_question"]
