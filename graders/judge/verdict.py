"""What judging one check produces, and what a check sees of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import N_, _

PASS, PARTIAL, FAIL, NOT_GRADED, MANUAL = "pass", "partial", "fail", "not_graded", "manual"
GRADER_ERROR = "grader_error"  # dlgrade's own code failed: the check says nothing of the work

GRADER_ERROR_MESSAGE = N_(
    "grader error: this check could not be graded because of a fault in the grader, "
    "not in your work; your TA has been told"
)


@dataclass
class Verdict:
    """The outcome of one check.

    `message` is safe to show the student (for a hidden check it never states
    the expected value); `detail` adds what a TA needs, expectations included.
    A grader error keeps the failing code's traceback in `traceback`. `found` is false
    where the check found nothing to judge (no such function, say).
    """

    fraction: float
    message: str
    detail: str = ""
    convention: str | None = None
    status: str = ""
    collected: str | None = None
    traceback: str = ""
    found: bool = True

    def __post_init__(self) -> None:
        self.fraction = min(1.0, max(0.0, float(self.fraction)))
        if not self.status:
            self.status = PASS if self.fraction >= 1 else PARTIAL if self.fraction > 0 else FAIL


def not_graded(message: str) -> Verdict:
    return Verdict(0.0, message, status=NOT_GRADED)


def grader_error(error: str, traceback: str) -> Verdict:
    """A check that dlgrade's own code failed to grade: `error` (one line) and the
    traceback are for the TA; the student reads that the fault is the grader's."""
    return Verdict(
        0.0, _(GRADER_ERROR_MESSAGE), detail=error, status=GRADER_ERROR, traceback=traceback
    )


@dataclass
class Seen:
    """The probe records one check asked for, by the check's own names."""

    records: dict[str, dict[str, Any]]

    def ok(self, name: str) -> bool:
        return bool(self.records.get(name, {}).get("ok"))

    def value(self, name: str) -> Any:
        return self.records[name]["value"]

    def not_found(self, name: str) -> bool:
        """Whether the probe found nothing to observe (rather than failing on it)."""
        return bool(self.records.get(name, {}).get("not_found"))

    def grader_fault(self) -> tuple[str, str] | None:
        """The first probe record the child's grader code failed on: (error, traceback)."""
        for name, record in self.records.items():
            if record.get("grader_error"):
                fault = _("probe `{name}`: {error}")
                error = fault.format(name=name, error=record.get("error", ""))
                return error, record.get("traceback", "")
        return None

    def error(self, name: str) -> str:
        record = self.records.get(name)
        if record is None:
            return _("the run ended before this could be observed")
        return record.get("error", _("not observed"))


@dataclass
class RunView:
    """What a check may read of the run besides its probes."""

    stdout: str = ""
    markdown: list[str] = field(default_factory=list)
    stopped: str | None = None
    test_labels: dict[str, Any] = field(default_factory=dict)  # dataset -> true labels
    budget: dict[str, int] | None = None
    answer_cells: list[Any] = field(default_factory=list)  # bare True / "O" answers, in order
