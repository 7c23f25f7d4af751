"""Checks on trained models: test accuracy (overall and per class) and training progress.

The child only returns predictions; accuracy is computed here, against test
labels that never enter the sandbox.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from ...i18n import _
from ...observe.protocol import PredictParams, Request, TrainingParams
from ..verdict import RunView, Seen, Verdict, not_graded
from .base import CheckBase, Locator, Strict


class Thresholds(Strict):
    """Full marks at or above `full`, nothing at or below `zero`, linear in between."""

    full: float = Field(ge=0, le=1)
    zero: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.zero > self.full:
            raise ValueError(_("`zero` must not be above `full`"))
        return self

    def fraction(self, value: float) -> float:
        if value >= self.full:
            return 1.0
        if value <= self.zero or self.full == self.zero:
            return 0.0
        return (value - self.zero) / (self.full - self.zero)


def full_run(bar: float) -> str:
    """What a verdict under the fast budget means for the TA's run, which trains as written."""
    return _("a full run, trained as written, needs {bar:.0%}").format(bar=bar)


def describe_budget(budget: dict[str, int]) -> str:
    return _(
        "under the fast budget (about {images} images per pass, "
        "{epochs} training pass(es), {test_images} test images)"
    ).format(**budget)


class AccuracyCheck(CheckBase):
    """Test accuracy of a trained model, with partial credit between two thresholds.

    `budget` gives the thresholds that apply when training ran under the fast
    budget (`grade --self`); `per_class` requires every class to reach a minimum;
    `epochs` is the most passes over the training data the model may have taken.
    """

    kind: Literal["accuracy"]
    dataset: Literal["mnist", "fashion-mnist", "cifar10"]
    target: Locator
    accuracy: Thresholds
    budget: Thresholds | None = None
    per_class: float | None = Field(default=None, ge=0, le=1)
    per_class_budget: float = Field(default=0.0, ge=0, le=1)
    epochs: int | None = Field(default=None, ge=1)

    def requests(self) -> dict[str, Request]:
        return {"predictions": PredictParams(locator=self.target, dataset=self.dataset).request()}

    def answers(self, expected: Seen) -> dict[str, Any]:
        return {"accuracy_for_full_marks": self.accuracy.full}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        labels = run.test_labels.get(self.dataset)
        if labels is None:
            message = _("{dataset} test labels are not available to the grader")
            return not_graded(message.format(dataset=self.dataset))
        if not seen.ok("predictions"):
            error = seen.error("predictions")
            return Verdict(0, _("no predictions: {error}").format(error=error))
        observed = seen.value("predictions")
        predictions = np.asarray(observed["predictions"], dtype=np.int64)
        truth = np.asarray(labels)[: len(predictions)]
        if predictions.size == 0:
            message = _("{where}: no predictions were made")
            return Verdict(0, message.format(where=observed["where"]))
        if self.epochs is not None and observed.get("epochs", 0) > self.epochs:
            message = _("{where}: trained for {epochs} epochs, more than the {allowed} allowed")
            return Verdict(
                0,
                message.format(
                    where=observed["where"], epochs=observed["epochs"], allowed=self.epochs
                ),
            )
        accuracy = float(np.mean(predictions == truth))
        thresholds = self.accuracy
        measured = dict(where=observed["where"], accuracy=accuracy, count=len(truth))
        prefix = _("{where}: test accuracy {accuracy:.1%} on {count} images").format(**measured)
        bar = _("full marks from {full:.0%}").format(full=thresholds.full)
        if run.budget and self.budget is not None:
            thresholds = self.budget
            prefix = _("{where}: test accuracy {accuracy:.1%} on {count} images {budget}").format(
                **measured, budget=describe_budget(run.budget)
            )
            bar = _("full marks from {full:.0%} under it; {full_run}").format(
                full=thresholds.full, full_run=full_run(self.accuracy.full)
            )
        fraction = thresholds.fraction(accuracy)
        message = f"{prefix} ({bar})"
        if self.per_class is not None:
            minimum = self.per_class_budget if run.budget and self.budget else self.per_class
            per_class = [
                float(np.mean(predictions[truth == c] == c)) if np.any(truth == c) else 0.0
                for c in range(int(truth.max()) + 1)
            ]
            low = [(c, a) for c, a in enumerate(per_class) if a < minimum]
            share = 1 - len(low) / len(per_class)
            fraction = (fraction + share) / 2
            worst = ", ".join(
                _("class {number}: {accuracy:.0%}").format(number=c, accuracy=a) for c, a in low[:4]
            )
            message += "; " + (
                _("every class at least {minimum:.0%}")
                if not low
                else _("{count} class(es) below {minimum:.0%} ({worst})")
            ).format(minimum=minimum, count=len(low), worst=worst)
        if observed.get("checkpoint"):
            checkpoint = observed["checkpoint"]
            message += "; " + _("weights from {checkpoint}").format(checkpoint=checkpoint)
        return Verdict(fraction, message)


class ProgressCheck(CheckBase):
    """The training loss of a model went down: the mean of its last tenth against its first.

    Under the fast budget a network that learns may only have begun to: there, a loss that
    falls short of `budget` but falls steadily (a least-squares slope over the steps at
    least `STEADY_T` standard errors below zero) also earns full marks, while a loss that
    only wanders (a network that does not learn) does not.
    """

    STEADY_T: ClassVar[float] = 4.0
    STEADY_STEPS: ClassVar[int] = 30

    kind: Literal["progress"]
    target: Locator
    dataset: Literal["mnist", "fashion-mnist", "cifar10"] | None = Field(
        default=None, description="the data training needs: not graded where it is missing"
    )
    decrease: float = Field(default=0.1, gt=0, lt=1)
    budget: float | None = Field(default=None, gt=0, lt=1, description="decrease under budget")

    def requests(self) -> dict[str, Request]:
        return {"training": TrainingParams(locator=self.target).request()}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        if not seen.ok("training"):
            error = seen.error("training")
            return Verdict(0, _("no trained model found: {error}").format(error=error))
        training = seen.value("training")
        losses = np.asarray(training["losses"], dtype=float)
        where = training["where"]
        if losses.size < 4:
            message = _("{where}: too few training losses were recorded ({count})")
            return Verdict(0, message.format(where=where, count=losses.size))
        tenth = max(1, losses.size // 10)
        first, last = float(losses[:tenth].mean()), float(losses[-tenth:].mean())
        drop = (first - last) / first if first > 0 else 0.0
        shown = f"{drop:.1%}" if abs(drop) < 0.1 else f"{drop:.0%}"
        message = _(
            "{where}: training loss went from {first:.3g} to {last:.3g} "
            "({shown} lower) over {steps} steps"
        ).format(where=where, first=first, last=last, shown=shown, steps=training["steps"])
        wanted = self.decrease
        bar = _("full marks from {full:.0%}").format(full=wanted)
        if run.budget and self.budget is not None:
            wanted = self.budget
            bar = _("full marks from {full:.0%} under the fast budget; {full_run}").format(
                full=wanted, full_run=full_run(self.decrease)
            )
        fraction = min(1.0, max(0.0, drop / wanted))
        message += f" ({bar})"
        if run.budget and fraction < 1 and losses.size >= self.STEADY_STEPS:
            t = _slope_t(losses)
            if drop > 0 and t <= -self.STEADY_T:
                steady = _(
                    "{message}, but falling steadily (slope {slope:.1f} standard errors below "
                    "zero): learning, as far as the fast budget lets it"
                )
                return Verdict(1.0, steady.format(message=message, slope=-t))
            message += "; " + _(
                "not a steady fall either (slope {slope:.1f} standard errors below zero, "
                "{needed:g} needed)"
            ).format(slope=-t, needed=self.STEADY_T)
        return Verdict(fraction, message)


def _slope_t(losses: np.ndarray) -> float:
    """The least-squares slope of the losses over their steps, in standard errors."""
    steps = np.arange(losses.size, dtype=float)
    steps -= steps.mean()
    slope = float(steps @ (losses - losses.mean()) / (steps @ steps))
    residuals = losses - losses.mean() - slope * steps
    spread = float(np.sqrt(residuals @ residuals / max(losses.size - 2, 1) / (steps @ steps)))
    return slope / spread if spread > 0 else (-np.inf if slope < 0 else 0.0)
