"""Turn verdicts into points: per check, per question, per submission."""

from .scoring import CheckResult, GraderFault, QuestionResult, SubmissionResult, score_question

__all__ = ["CheckResult", "GraderFault", "QuestionResult", "SubmissionResult", "score_question"]
