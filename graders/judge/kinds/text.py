"""Checks on text: printed output, and free-text answers collected for a TA."""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from ...i18n import _
from ..verdict import MANUAL, RunView, Seen, Verdict
from .base import CheckBase

MAX_COLLECTED = 4000


class OutputCheck(CheckBase):
    """Regular expressions the submission's printed output must contain (one share each)."""

    kind: Literal["output"]
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                problem = _("bad regular expression {pattern!r}: {error}")
                raise ValueError(problem.format(pattern=pattern, error=exc)) from exc
        return patterns

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        missing = [p for p in self.patterns if not re.search(p, run.stdout, re.MULTILINE)]
        found = len(self.patterns) - len(missing)
        total = len(self.patterns)
        if missing and self.visibility == "public":
            message = _("{found} of {total} expected outputs printed; missing: {patterns}").format(
                found=found, total=total, patterns="; ".join(repr(p) for p in missing)
            )
        else:
            message = _("{found} of {total} expected outputs printed").format(
                found=found, total=total
            )
        return Verdict(found / len(self.patterns), message)


class ManualCheck(CheckBase):
    """A free-text answer for a TA: collected, never scored automatically.

    With `recovers`, it has no points of its own: where the checks it names (the same work
    in code) missed points, a TA may give them for that work done by hand in the prose, as
    the course documents do it."""

    scored: ClassVar[bool] = False

    kind: Literal["manual"]
    prompt: str
    prompt_ko: str | None = None
    collect: str = Field(default="", description="regex selecting the markdown cells to collect")
    recovers: list[str] = Field(
        default_factory=list,
        description="automatic checks of the same question whose missed points a TA may give "
        "for the same work written out by hand",
    )

    @model_validator(mode="after")
    def _recovering_has_no_points(self) -> ManualCheck:
        if self.recovers and self.points:
            raise ValueError(
                _("check {check}: a check that `recovers` others has no points of its own").format(
                    check=self.id
                )
            )
        return self

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        pattern = re.compile(self.collect, re.IGNORECASE | re.MULTILINE) if self.collect else None
        cells = [c for c in run.markdown if pattern is None or pattern.search(c)]
        text = "\n\n".join(cells)[:MAX_COLLECTED]
        note = (
            _("{count} text cell(s) collected").format(count=len(cells))
            if cells
            else _("no written answer found")
        )
        # The prompt says what a full answer holds: for the TA's page, never the student's.
        message = _("for the TA to read ({note})").format(note=note)
        return Verdict(0, message, status=MANUAL, collected=text)
