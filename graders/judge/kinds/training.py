"""Checks on how the submission trains: optimizers, updates, losses, augmentation, L2."""

from __future__ import annotations

import re
from typing import Any, Literal

import numpy as np
from pydantic import Field

from ...i18n import _, either
from ...observe.protocol import (
    ModuleParams,
    RecordedParams,
    Request,
    TrainingParams,
    TrajectoryParams,
)
from ..verdict import RunView, Seen, Verdict
from .base import CheckBase, Locator

RECORDED: Request = RecordedParams().request()


def _recorded(seen: Seen) -> dict[str, Any] | None:
    return seen.value("recorded") if seen.ok("recorded") else None


def _nothing_recorded(seen: Seen) -> Verdict:
    return Verdict(0, _("nothing was recorded: {error}").format(error=seen.error("recorded")))


def _no_model(seen: Seen) -> Verdict:
    return Verdict(0, _("no model found: {error}").format(error=seen.error("training")))


class _UsesRecord(CheckBase):
    def requests(self) -> dict[str, Request]:
        return {"recorded": RECORDED}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        recorded = _recorded(seen)
        if recorded is None:
            return _nothing_recorded(seen)
        return self.judge_recorded(recorded)

    def judge_recorded(self, recorded: dict[str, Any]) -> Verdict:
        raise NotImplementedError


def _close(a: Any, b: Any) -> bool:
    try:
        return bool(np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-6, atol=1e-12))
    except (TypeError, ValueError):
        return a == b


class OptimizerCheck(_UsesRecord):
    """An optimizer of a given class with given hyper-parameters was constructed (and stepped).

    With `stepped`, its first recorded step must have moved a parameter the way
    its update rule says (SGD: w - lr*g, with Nesterov momentum w - lr*(1+momentum)*g;
    Adam's first step: w - lr*g/(|g|+eps)).
    With `steps`, it must have taken exactly that many steps in all. With
    `target`, only the optimizers of that model count.
    """

    kind: Literal["optimizer"]
    classes: list[str] = Field(min_length=1)
    hyper: dict[str, Any] = Field(default_factory=dict)
    stepped: bool = False
    steps: int | None = Field(default=None, ge=1)
    target: Locator | None = None
    dataset: Literal["mnist", "fashion-mnist", "cifar10"] | None = Field(
        default=None, description="the data its training needs: not graded where it is missing"
    )

    def requests(self) -> dict[str, Request]:
        if self.target is None:
            return super().requests()
        return {"training": TrainingParams(locator=self.target).request()}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        if self.target is None:
            return super().judge(seen, expected, run)
        if not seen.ok("training"):
            return _no_model(seen)
        training = seen.value("training")
        return self.judge_recorded({"optimizers": training["optimizer_records"]})

    def answers(self, expected: Seen) -> dict[str, Any]:
        return {"optimizer": self.classes[0], **self.hyper}

    def judge_recorded(self, recorded: dict[str, Any]) -> Verdict:
        same_class = [o for o in recorded["optimizers"] if o["class"] in self.classes]
        if not same_class:
            found = ", ".join(sorted({o["class"] for o in recorded["optimizers"]})) or _("none")
            message = _("no {wanted} optimizer was constructed (found: {found})")
            return Verdict(0, message.format(wanted=either(self.classes), found=found))
        best, best_wrong = None, None
        for optimizer in same_class:
            wrong = [k for k, v in self.hyper.items() if not _close(optimizer["hyper"].get(k), v)]
            if best_wrong is None or len(wrong) < len(best_wrong):
                best, best_wrong = optimizer, wrong
        assert best is not None and best_wrong is not None
        name = (
            _("{optimizer} for {model} (cell {cell})")
            if best.get("model")
            else _("{optimizer} (cell {cell})")
        ).format(optimizer=best["class"], model=best.get("model"), cell=best["cell"] + 1)
        if best_wrong:
            setting = (
                _("{name}={value} (expected {expected})")
                if self.visibility == "public"
                else "{name}={value}"
            )
            shown = ", ".join(
                setting.format(name=k, value=best["hyper"].get(k), expected=self.hyper[k])
                for k in best_wrong
            )
            message = _("{optimizer}: wrong hyper-parameters: {settings}")
            return Verdict(0.5, message.format(optimizer=name, settings=shown))
        if self.stepped:
            verdict = self._step(best, name)
        else:
            settings = ", ".join(f"{k}={v}" for k, v in self.hyper.items())
            message = (
                _("{optimizer} with {settings}") if settings else _("{optimizer} with its settings")
            )
            verdict = Verdict(1, message.format(optimizer=name, settings=settings))
        if verdict.fraction < 1 or self.steps is None:
            return verdict
        taken = sum(best["steps"].values())
        if taken != self.steps:
            message = _("{optimizer} took {taken} steps, expected {expected}")
            return Verdict(0.5, message.format(optimizer=name, taken=taken, expected=self.steps))
        return Verdict(1, verdict.message + "; " + _("{count} steps").format(count=taken))

    def _step(self, optimizer: dict[str, Any], name: str) -> Verdict:
        samples = optimizer["step_samples"]
        if not samples:
            message = _("{optimizer} was constructed but never took a step")
            return Verdict(0.5, message.format(optimizer=name))
        sample = samples[0]
        before, grad, after = (np.asarray(sample[k], float) for k in ("before", "grad", "after"))
        hyper = optimizer["hyper"]
        lr = float(hyper.get("lr", 0))
        g = grad + float(hyper.get("weight_decay", 0) or 0) * before
        if optimizer["class"] == "Adam":
            predicted = before - lr * g / (np.abs(g) + float(hyper.get("eps", 1e-8)))
        elif hyper.get("nesterov"):
            # The first step's momentum buffer is the gradient itself.
            predicted = before - lr * (1 + float(hyper.get("momentum", 0))) * g
        else:
            predicted = before - lr * g
        if np.allclose(after, predicted, rtol=1e-4, atol=1e-7):
            message = _("{optimizer}: its step moved the weights as expected")
            return Verdict(1, message.format(optimizer=name))
        message = _("{optimizer}: its first step did not move the weights as its rule says")
        return Verdict(0.5, message.format(optimizer=name))


class UpdateCheck(CheckBase):
    """Weight updates seen between cells: w <- w - lr * grad, by hand and/or by an optimizer."""

    kind: Literal["update"]
    target: Locator
    param: int = 0
    lr: float
    require: list[Literal["manual", "optimizer"]] = Field(min_length=1)

    def requests(self) -> dict[str, Request]:
        return {
            "trajectory": TrajectoryParams(locator=self.target, param=self.param).request()
        }

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        if not seen.ok("trajectory"):
            return Verdict(0, _("not found: {error}").format(error=seen.error("trajectory")))
        trajectory = seen.value("trajectory")
        points = trajectory["points"]
        found: set[str] = set()
        for prev, cur in zip(points, points[1:]):
            if cur["value"] == prev["value"] or cur["grad"] is None:
                continue
            before, after = np.asarray(prev["value"]), np.asarray(cur["value"])
            grads = [np.asarray(cur["grad"])]
            if prev["grad"] is not None:
                grads.append(np.asarray(prev["grad"]))
            if any(np.allclose(after, before - self.lr * g, rtol=1e-4, atol=1e-7) for g in grads):
                stepped = str(cur["cell"]) in trajectory["optimizer_steps"]
                found.add("optimizer" if stepped else "manual")
        parts = [kind in found for kind in self.require]
        described = {"manual": _("a manual update"), "optimizer": _("an optimizer step")}
        seen_text = ", ".join(described[k] for k in self.require if k in found) or _("no update")
        missing = ", ".join(described[k] for k in self.require if k not in found)
        message = _("{where}: found {found} with lr={lr:g}").format(
            where=trajectory["where"], found=seen_text, lr=self.lr
        )
        if missing:
            message += "; " + _("missing {missing}").format(missing=missing)
        return Verdict(sum(parts) / len(parts), message)


class LossCheck(CheckBase):
    """The loss the submission trains with: a loss function it called or a criterion it built.

    With `log_probabilities`, the loss must be applied to log-probabilities: seen
    on the inputs of its calls, or, where it was never called (no data to train
    on), from a model whose forward pass ends in log_softmax. With `target`, only
    the loss calls of the cells in which that model's optimizer stepped count.
    """

    kind: Literal["loss"]
    target: Locator | None = None
    functions: list[str] = Field(min_length=1)
    criteria: list[str] = Field(default_factory=list)
    log_probabilities: bool = False
    model_input: list[int] | None = None
    input_shape: list[int] | None = None
    mean_squared: bool = Field(
        default=False,
        description="a call's value must equal the mean squared error of its input and target",
    )

    def requests(self) -> dict[str, Request]:
        requests = {"recorded": RECORDED}
        if self.target is not None:
            requests["training"] = TrainingParams(locator=self.target).request()
        if self.log_probabilities and self.model_input:
            locator = Locator(kind="module", accepts=self.model_input, traces=["*log_softmax"])
            requests["model"] = ModuleParams(locator=locator).request()
        return requests

    def answers(self, expected: Seen) -> dict[str, Any]:
        return {"loss": self.functions + self.criteria}

    def _shaped(self, entry: dict[str, Any]) -> bool:
        return any(s["input_shape"] == self.input_shape for s in entry.get("samples", []))

    def _mean_squared(self, called: list[dict[str, Any]]) -> Verdict:
        for entry in called:
            for sample in entry.get("samples", []):
                if sample.get("value") is None or sample["input_shape"] != (
                    self.input_shape or sample["input_shape"]
                ):
                    continue
                output, target = np.asarray(sample["input"]), np.asarray(sample["target"])
                if output.shape != target.shape:
                    continue
                mse = float(np.mean((output - target) ** 2))
                if np.isclose(sample["value"], mse, rtol=1e-4, atol=1e-7):
                    message = _(
                        "loss {loss:.4g} in cell {cell} is "
                        "the mean squared error of the output and the target"
                    )
                    return Verdict(1, message.format(loss=sample["value"], cell=entry["cell"] + 1))
                message = _(
                    "loss {loss:.4g} in cell {cell} is "
                    "not the mean squared error {mse:.4g} of its output and target"
                )
                return Verdict(
                    0.5, message.format(loss=sample["value"], cell=entry["cell"] + 1, mse=mse)
                )
        return Verdict(
            0, _("no MSE loss of an output and a target of the same shape was computed")
        )

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        recorded = _recorded(seen)
        if recorded is None:
            return _nothing_recorded(seen)
        called = [e for e in recorded["losses"] if e["name"] in self.functions]
        built = [c for c in recorded["criteria"] if c in self.criteria]
        if self.target is not None:
            if not seen.ok("training"):
                return _no_model(seen)
            training = seen.value("training")
            cells = set(training["cells"])
            if not cells:
                return Verdict(0, _("{model} was never trained").format(model=training["where"]))
            called = [e for e in called if e["cell"] + 1 in cells]
            built = []
            recorded = {
                **recorded,
                "losses": [e for e in recorded["losses"] if e["cell"] + 1 in cells],
                "criteria": [],
            }
        if not called and not built:
            others = sorted({e["name"] for e in recorded["losses"]} | set(recorded["criteria"]))
            message = _("no {wanted} was used (found: {found})").format(
                wanted=either(self.functions + self.criteria),
                found=", ".join(others) or _("none"),
            )
            return Verdict(0, message)
        if self.input_shape is not None:
            called = [e for e in called if self._shaped(e)]
            if not called:
                message = _("no {wanted} call on an input of shape {shape}").format(
                    wanted=either(self.functions), shape=tuple(self.input_shape)
                )
                return Verdict(0, message)
        name = called[0]["name"] if called else built[0]
        if self.mean_squared:
            return self._mean_squared(called)
        if not self.log_probabilities:
            return Verdict(1, _("{loss} was used").format(loss=name))
        if called:
            on_log = any(e.get("log_probabilities") for e in called)
        else:
            on_log = seen.ok("model")
        if not on_log:
            message = _("{loss} was used, but not on log-probabilities (add log_softmax)")
            return Verdict(0.5, message.format(loss=name))
        if called:
            return Verdict(1, _("{loss} was used on log-probabilities").format(loss=name))
        message = _("{loss} was used with {model} ending in log_softmax")
        return Verdict(1, message.format(loss=name, model=seen.value("model")["where"]))


class AugmentationCheck(_UsesRecord):
    """A random augmentation in the training transform, and none in the test transform.

    Training and test transforms are those given to datasets built with
    `train=True` / `train=False` (recorded even where the dataset could not be
    read), and transforms bound to names containing "train" or "test"/"val".
    """

    kind: Literal["augmentation"]

    def judge_recorded(self, recorded: dict[str, Any]) -> Verdict:
        datasets = [d for d in recorded["datasets"] if d["transform"]]
        named = recorded.get("transforms", [])
        train = [d for d in datasets if d["train"] is not False]
        train += [t for t in named if "train" in t["name"].lower()]
        test = [d for d in datasets if d["train"] is False]
        test += [t for t in named if re.search("test|val|eval", t["name"].lower())]
        augmented = [d for d in train if d["augmentations"]]
        if not augmented:
            message = _(
                "no training transform has a random augmentation "
                "({count} training transform(s) seen)"
            )
            return Verdict(0, message.format(count=len(train)))
        names = ", ".join(sorted({a for d in augmented for a in d["augmentations"]}))
        leaked = [d for d in test if d["augmentations"]]
        if leaked:
            message = _(
                "training transform augments ({names}), but so does the test "
                "transform: evaluate without augmentation"
            )
            return Verdict(0.5, message.format(names=names))
        message = _("training transform augments with {names}; test transform does not")
        return Verdict(1, message.format(names=names))


class RegularizationCheck(_UsesRecord):
    """L2 regularisation: an optimizer's weight decay, or a squared-norm penalty in the loss."""

    kind: Literal["regularization"]

    def judge_recorded(self, recorded: dict[str, Any]) -> Verdict:
        for optimizer in recorded["optimizers"]:
            decay = optimizer["hyper"].get("weight_decay") or 0
            if decay > 0:
                return Verdict(
                    1,
                    _("{optimizer} with weight_decay={decay:g}").format(
                        optimizer=optimizer["class"], decay=decay
                    ),
                    convention="weight_decay",
                )
        if any(g.get("parameter_penalty") for g in recorded["graphs"]):
            return Verdict(
                1,
                _("the loss adds a squared-norm penalty on the parameters"),
                convention="explicit_penalty",
            )
        return Verdict(
            0,
            _(
                "no L2 regularisation: no optimizer has weight_decay > 0 and no loss "
                "adds a penalty on the parameters"
            ),
        )
