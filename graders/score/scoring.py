"""Points from verdicts. Manual checks are listed with their points pending, outside the score."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..judge.verdict import Verdict
from ..rubric.models import Question


@dataclass
class CheckResult:
    id: str
    kind: str
    title: str
    visibility: str
    status: str
    score: float
    max_score: float
    message: str
    detail: str = ""
    convention: str | None = None
    collected: str | None = None


@dataclass
class QuestionResult:
    id: str
    title: str
    score: float
    max_score: float
    pending_manual: float
    checks: list[CheckResult]


@dataclass
class SubmissionResult:
    """One graded submission, ready for the reports."""

    student: str
    path: str
    assignment: str
    score: float
    max_score: float
    questions: list[QuestionResult]
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    cells: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    public_only: bool = False
    isolation: dict[str, bool] = field(default_factory=dict)  # which sandbox barriers held

    @property
    def full_marks(self) -> bool:
        return self.error is None and abs(self.score - self.max_score) < 1e-9

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def score_question(question: Question, verdicts: dict[str, Verdict]) -> QuestionResult:
    """Points per check (its share times the verdict's fraction), summed per question."""
    checks = []
    for check in question.checks:
        verdict = verdicts[check.id]
        manual = check.kind == "manual"
        checks.append(
            CheckResult(
                id=check.id,
                kind=check.kind,
                title=check.title,
                visibility=check.visibility,
                status=verdict.status,
                score=0.0 if manual else round(check.points * verdict.fraction, 2),
                max_score=0.0 if manual else check.points,
                message=verdict.message,
                detail=verdict.detail,
                convention=verdict.convention,
                collected=verdict.collected,
            )
        )
    return QuestionResult(
        id=question.id,
        title=question.title,
        score=round(sum(c.score for c in checks), 4),
        max_score=question.auto_points,
        pending_manual=question.points - question.auto_points,
        checks=checks,
    )
