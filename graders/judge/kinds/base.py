"""What every check kind shares: identity, points, visibility, and expectations.

A check names the probes it needs (`requests`), the probes whose answers on
the reference run give its expectations (`reference_requests`), and judges the
two (`judge`). Only probe parameters go to the child; expectations stay here.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from ...i18n import _
from ...observe.locator import Locator, Strict
from ...observe.protocol import Request
from ..compare import NotNumeric, close, show
from ..verdict import RunView, Seen, Verdict, not_graded


class Expectation(Strict):
    """An expected value: a literal, or what the same probe finds in the reference run."""

    value: Any = None
    reference: Locator | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Expectation:
        if (self.value is None) == (self.reference is None):
            raise ValueError(_("give exactly one of `value` or `reference`"))
        return self


class CheckBase(Strict):
    """Fields every check has; kinds add their own, and say what they are capable of
    (`scored`, `datasets`) so that no other module tells kinds apart by name."""

    scored: ClassVar[bool] = True  # False: collected for a TA, never scored automatically

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    kind: str
    points: float = Field(ge=0)
    visibility: Literal["public", "hidden"] = "hidden"
    title: str = ""
    title_ko: str | None = None

    def datasets(self) -> set[str]:
        """The datasets judging this check needs (it is not graded where one is missing)."""
        dataset = getattr(self, "dataset", None)
        return {dataset} if dataset else set()

    def requests(self) -> dict[str, Request]:
        """Probes to run on the submission, by local name."""
        return {}

    def reference_requests(self) -> dict[str, Request]:
        """Probes to run on the reference to learn the expectations."""
        return {}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        raise NotImplementedError

    def answers(self, expected: Seen) -> dict[str, Any]:
        """The reference answers this check knows, by convention name, as JSON."""
        return {}

    def bundle_expectations(self, expected: Seen) -> dict[str, dict[str, Any]]:
        """The expectation records a self-check bundle carries for this check: only the
        fields `judge` reads (none for a kind that reads no expectation)."""
        return {}


class Compared(CheckBase):
    """A check that compares one observed quantity with one or more accepted ones."""

    target: Locator
    expect: Expectation | None = None
    conventions: dict[str, Expectation] | None = None
    rtol: float = Field(default=1e-4, ge=0)
    atol: float = Field(default=1e-6, ge=0)

    @model_validator(mode="after")
    def _has_expectation(self) -> Compared:
        if self.expect is None and not self.conventions and not self._has_own_test():
            raise ValueError(_("give `expect` or `conventions`"))
        if self.expect is not None and self.conventions:
            raise ValueError(_("give `expect` or `conventions`, not both"))
        return self

    def _has_own_test(self) -> bool:
        return False

    def accepted(self) -> dict[str, Expectation]:
        if self.conventions:
            return dict(self.conventions)
        return {"expected": self.expect} if self.expect is not None else {}

    def observe(self, locator: Locator) -> Request:
        raise NotImplementedError

    def quantity(self, value: Any) -> Any:
        """The compared quantity from a probe's answer."""
        return value

    def bundled(self, value: Any) -> Any:
        """The part of a reference observation that `quantity` reads."""
        raise NotImplementedError(f"kind {self.kind!r} does not say what a bundle keeps")

    def bundle_expectations(self, expected: Seen) -> dict[str, dict[str, Any]]:
        return {
            name: {"ok": True, "value": self.bundled(expected.value(name))}
            for name, e in self.accepted().items()
            if e.reference is not None and expected.ok(name)
        }

    def requests(self) -> dict[str, Request]:
        return {"target": self.observe(self.target)}

    def reference_requests(self) -> dict[str, Request]:
        return {
            name: self.observe(e.reference)
            for name, e in self.accepted().items()
            if e.reference is not None
        }

    def expectations(self, expected: Seen) -> dict[str, Any]:
        """Each accepted value by convention name (None where the reference failed)."""
        out: dict[str, Any] = {}
        for name, e in self.accepted().items():
            if e.value is not None:
                out[name] = e.value
            elif expected.ok(name):
                out[name] = self.quantity(expected.value(name))
            else:
                out[name] = None
        return out

    def answers(self, expected: Seen) -> dict[str, Any]:
        return {k: _jsonable(v) for k, v in self.expectations(expected).items() if v is not None}

    def matches(self, found: Any, expected: Any) -> bool:
        try:
            return close(
                np.asarray(found, dtype=float),
                np.asarray(expected, dtype=float),
                self.rtol,
                self.atol,
            )
        except (TypeError, ValueError):
            return found == expected

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        if not seen.ok("target"):
            return Verdict(0, _("not found: {error}").format(error=seen.error("target")))
        try:
            found = self.quantity(seen.value("target"))
        except (NotNumeric, KeyError) as exc:
            return Verdict(
                0, _("found something that is not comparable ({problem})").format(problem=exc)
            )
        return self.verdict_for(found, self.expectations(expected))

    def verdict_for(self, found: Any, accepted: dict[str, Any], where: str = "") -> Verdict:
        usable = {k: v for k, v in accepted.items() if v is not None}
        if not usable:
            return not_graded(_("the reference solution gave no expectation for this check"))
        shown = _render(found)
        for name, value in usable.items():
            if self.matches(found, value):
                convention = None if name == "expected" else name
                return Verdict(1, where + correct(shown, convention), convention=convention)
        listing = "; ".join(
            _render(v) if k == "expected" else f"{k}: {_render(v)}" for k, v in usable.items()
        )
        if self.visibility == "public":
            found_expected = _("found {found}, expected {expected}")
            return Verdict(0, where + found_expected.format(found=shown, expected=listing))
        return Verdict(
            0,
            where + _("found {found}, which is not the expected value").format(found=shown),
            detail=_("expected {expected}").format(expected=listing),
        )


def correct(shown: str, convention: str | None) -> str:
    """The message for a value `shown` that is right (under `convention`, where named)."""
    if convention is None:
        return _("{value}: correct").format(value=shown)
    return _("{value}: correct (convention: {convention})").format(
        value=shown, convention=convention
    )


def _render(value: Any) -> str:
    try:
        return show(value)
    except (TypeError, ValueError):
        return repr(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value
