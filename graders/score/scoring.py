"""Points from verdicts. Manual checks are listed with their points pending, outside the score.

A check the grader failed on (status `grader_error`) scores nothing, and its submission's
total is incomplete: it counts only the checks that were graded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..i18n import _, localized, ngettext
from ..judge.verdict import GRADER_ERROR, Verdict
from ..rubric.models import Question

OUTPUT_KEPT = 20_000


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
    traceback: str = ""  # a grader error's, for the TA
    scored: bool = True  # False: a written answer for the TA, its points not counted here


@dataclass
class GraderFault:
    """One grader error of a submission, for the TA's log."""

    place: str  # "q4/value", or "submission" when the whole run or its judging failed
    error: str
    traceback: str


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
    grader_error: str | None = None  # the whole submission could not be graded: why, one line
    grader_traceback: str = ""
    output: str = ""  # what the run printed (its last OUTPUT_KEPT characters)
    submitted: bool = True  # False: a student on the roster who handed nothing in
    stopped: str | None = None  # why the run ended early, in one line

    @property
    def full_marks(self) -> bool:
        return self.error is None and not self.faults() and abs(self.score - self.max_score) < 1e-9

    @property
    def grader_errors(self) -> int:
        """The checks not graded because of a grader error."""
        return sum(c.status == GRADER_ERROR for q in self.questions for c in q.checks)

    def faults(self) -> list[GraderFault]:
        """Every grader error of this submission, with its traceback."""
        found = []
        if self.grader_error:
            found.append(GraderFault("submission", self.grader_error, self.grader_traceback))
        for question in self.questions:
            for check in question.checks:
                if check.status == GRADER_ERROR and not self.grader_error:
                    found.append(
                        GraderFault(f"{question.id}/{check.id}", check.detail, check.traceback)
                    )
        return found

    def incomplete(self) -> str:
        """Why the total is incomplete ("2 checks not graded: grader error"; "not graded:
        grader error" when the whole submission was not), or ""."""
        count = self.grader_errors
        if self.grader_error:
            return _("not graded: grader error")
        if not count:
            return ""
        return ngettext(
            "{count} check not graded: grader error",
            "{count} checks not graded: grader error",
            count,
        ).format(count=count)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "grader_errors": self.grader_errors}


def score_question(question: Question, verdicts: dict[str, Verdict]) -> QuestionResult:
    """Points per check (its share times the verdict's fraction), summed per question."""
    checks = []
    for check in question.checks:
        verdict = verdicts[check.id]
        manual = not check.scored
        checks.append(
            CheckResult(
                id=check.id,
                kind=check.kind,
                scored=check.scored,
                title=localized(check.title, check.title_ko),
                visibility=check.visibility,
                status=verdict.status,
                score=0.0 if manual else round(check.points * verdict.fraction, 2),
                max_score=0.0 if manual else check.points,
                message=verdict.message,
                detail=verdict.detail,
                convention=verdict.convention,
                collected=verdict.collected,
                traceback=verdict.traceback,
            )
        )
    return QuestionResult(
        id=question.id,
        title=localized(question.title, question.title_ko),
        score=round(sum(c.score for c in checks), 4),
        max_score=question.auto_points,
        pending_manual=question.points - question.auto_points,
        checks=checks,
    )
