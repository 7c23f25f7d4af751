"""Checks on trained models: test accuracy (overall and per class) and training progress.

The child only returns predictions; accuracy is computed here, against test
labels that never enter the sandbox.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

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
            raise ValueError("`zero` must not be above `full`")
        return self

    def fraction(self, value: float) -> float:
        if value >= self.full:
            return 1.0
        if value <= self.zero or self.full == self.zero:
            return 0.0
        return (value - self.zero) / (self.full - self.zero)


def full_run(bar: float) -> str:
    """What a verdict under the fast budget means for the TA's run, which trains as written."""
    return f"a full run, trained as written, needs {bar:.0%}"


def describe_budget(budget: dict[str, int]) -> str:
    return (
        f"under the fast budget (about {budget['images']} images per pass, "
        f"{budget['epochs']} training pass(es), {budget['test_images']} test images)"
    )


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
            return not_graded(f"{self.dataset} test labels are not available to the grader")
        if not seen.ok("predictions"):
            return Verdict(0, f"no predictions: {seen.error('predictions')}")
        observed = seen.value("predictions")
        predictions = np.asarray(observed["predictions"], dtype=np.int64)
        truth = np.asarray(labels)[: len(predictions)]
        if predictions.size == 0:
            return Verdict(0, f"{observed['where']}: no predictions were made")
        if self.epochs is not None and observed.get("epochs", 0) > self.epochs:
            return Verdict(
                0,
                f"{observed['where']}: trained for {observed['epochs']} epochs, "
                f"more than the {self.epochs} allowed",
            )
        accuracy = float(np.mean(predictions == truth))
        thresholds = self.accuracy
        prefix = f"{observed['where']}: test accuracy {accuracy:.1%} on {len(truth)} images"
        bar = f"full marks from {thresholds.full:.0%}"
        if run.budget and self.budget is not None:
            thresholds = self.budget
            prefix += " " + describe_budget(run.budget)
            bar = f"full marks from {thresholds.full:.0%} under it; {full_run(self.accuracy.full)}"
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
            worst = ", ".join(f"class {c}: {a:.0%}" for c, a in low[:4])
            message += (
                f"; every class at least {minimum:.0%}"
                if not low
                else f"; {len(low)} class(es) below {minimum:.0%} ({worst})"
            )
        if observed.get("checkpoint"):
            message += f"; weights from {observed['checkpoint']}"
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
            return Verdict(0, f"no trained model found: {seen.error('training')}")
        training = seen.value("training")
        losses = np.asarray(training["losses"], dtype=float)
        where = training["where"]
        if losses.size < 4:
            return Verdict(0, f"{where}: too few training losses were recorded ({losses.size})")
        tenth = max(1, losses.size // 10)
        first, last = float(losses[:tenth].mean()), float(losses[-tenth:].mean())
        drop = (first - last) / first if first > 0 else 0.0
        shown = f"{drop:.1%}" if abs(drop) < 0.1 else f"{drop:.0%}"
        message = (
            f"{where}: training loss went from {first:.3g} to {last:.3g} "
            f"({shown} lower) over {training['steps']} steps"
        )
        wanted = self.decrease
        bar = f"full marks from {wanted:.0%}"
        if run.budget and self.budget is not None:
            wanted = self.budget
            bar = f"full marks from {wanted:.0%} under the fast budget; {full_run(self.decrease)}"
        fraction = min(1.0, max(0.0, drop / wanted))
        message += f" ({bar})"
        if run.budget and fraction < 1 and losses.size >= self.STEADY_STEPS:
            t = _slope_t(losses)
            if drop > 0 and t <= -self.STEADY_T:
                return Verdict(
                    1.0,
                    message + f", but falling steadily (slope {-t:.1f} standard errors below "
                    "zero): learning, as far as the fast budget lets it",
                )
            message += f"; not a steady fall either (slope {-t:.1f} standard errors below zero, "
            message += f"{self.STEADY_T:g} needed)"
        return Verdict(fraction, message)


def _slope_t(losses: np.ndarray) -> float:
    """The least-squares slope of the losses over their steps, in standard errors."""
    steps = np.arange(losses.size, dtype=float)
    steps -= steps.mean()
    slope = float(steps @ (losses - losses.mean()) / (steps @ steps))
    residuals = losses - losses.mean() - slope * steps
    spread = float(np.sqrt(residuals @ residuals / max(losses.size - 2, 1) / (steps @ steps)))
    return slope / spread if spread > 0 else (-np.inf if slope < 0 else 0.0)
