"""Points from verdicts. A manual check (a written answer) carries its points pending until a
TA scores it (`apply_marks`); until then the submission's total is provisional.

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
    scored: bool = True  # False: a written answer, scored by a TA (see `reviewed`)
    reviewed: bool = False  # a manual check a TA has scored for the current answer
    comment: str = ""  # the TA's comment on a manual check
    flagged: bool = False  # scored for an earlier answer: to be reviewed again

    @property
    def pending(self) -> bool:
        """A written answer whose points wait for a TA."""
        return not self.scored and not self.reviewed and self.max_score > 0


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
    def pending_manual(self) -> float:
        """Points of written answers no TA has scored yet: while any, the total is
        provisional."""
        return round(sum(q.pending_manual for q in self.questions), 4)

    @property
    def auto_score(self) -> float:
        return round(sum(c.score for q in self.questions for c in q.checks if c.scored), 4)

    @property
    def auto_max(self) -> float:
        return round(sum(c.max_score for q in self.questions for c in q.checks if c.scored), 4)

    @property
    def full_marks(self) -> bool:
        """Every point earned, the TA's included."""
        return (
            self.auto_full_marks and not self.pending_manual and _same(self.score, self.max_score)
        )

    @property
    def auto_full_marks(self) -> bool:
        """Every automatically graded point earned, read without errors (what `grade verify`
        asks of a reference; written answers are the TA's)."""
        return self.error is None and not self.faults() and _same(self.auto_score, self.auto_max)

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

    def provisional(self) -> str:
        """Why the total is not final yet ("pending manual: 8 points"), or ""."""
        if not self.pending_manual:
            return ""
        return ngettext(
            "pending manual: {points:g} point",
            "pending manual: {points:g} points",
            _plural(self.pending_manual),
        ).format(points=self.pending_manual)

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "grader_errors": self.grader_errors,
            "pending_manual": self.pending_manual,
            "provisional": bool(self.pending_manual),
        }


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


def _plural(points: float) -> int:
    """The number that picks a plural form for `points` (1 only for exactly one)."""
    return 1 if _same(points, 1) else 2


def score_question(question: Question, verdicts: dict[str, Verdict]) -> QuestionResult:
    """Points per check (its share times the verdict's fraction), summed per question. A
    written answer's points wait for a TA; so do the points a check that `recovers` others
    may give back, where those missed some."""
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
                max_score=check.points,
                message=verdict.message,
                detail=verdict.detail,
                convention=verdict.convention,
                collected=verdict.collected,
                traceback=verdict.traceback,
            )
        )
    by_id = {c.id: c for c in checks}
    for check, result in zip(question.checks, checks):
        recovered = getattr(check, "recovers", [])
        if recovered:
            missed = sum(by_id[i].max_score - by_id[i].score for i in recovered)
            result.max_score = round(missed, 4)
            if not result.max_score:
                result.message = _("nothing for the TA to give back: the code earned these points")
    return QuestionResult(
        id=question.id,
        title=localized(question.title, question.title_ko),
        score=round(sum(c.score for c in checks), 4),
        max_score=question.points,
        pending_manual=round(sum(c.max_score for c in checks if c.pending), 4),
        checks=checks,
    )
