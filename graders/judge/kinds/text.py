"""Checks on text: printed output, and free-text answers collected for a TA."""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from ...i18n import _, localized
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
    """A free-text answer for a TA: collected, never scored automatically."""

    scored: ClassVar[bool] = False

    kind: Literal["manual"]
    prompt: str
    prompt_ko: str | None = None
    collect: str = Field(default="", description="regex selecting the markdown cells to collect")

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        pattern = re.compile(self.collect, re.IGNORECASE | re.MULTILINE) if self.collect else None
        cells = [c for c in run.markdown if pattern is None or pattern.search(c)]
        text = "\n\n".join(cells)[:MAX_COLLECTED]
        note = (
            _("{count} text cell(s) collected").format(count=len(cells))
            if cells
            else _("no written answer found")
        )
        prompt = localized(self.prompt, self.prompt_ko)
        message = _("for the TA: {prompt} ({note})").format(prompt=prompt, note=note)
        return Verdict(0, message, status=MANUAL, collected=text)
