"""Probes: what the child observes after the cells ran, as plain JSON.

Each probe takes its typed parameters and a `Context` and returns its typed
result, both declared in `observe.protocol`. Probes
work on copies where they would otherwise change the submission's objects.
Inputs are generated from grader-chosen seeds; expectations never come here.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...i18n import _
from ..protocol import (
    PROBES,
    Apply,
    AutogradFunctionParams,
    AutogradFunctionResult,
    CallParams,
    CallResult,
    GradientParams,
    GradientResult,
    Located,
    ModuleParams,
    ModuleResult,
    PredictParams,
    PredictResult,
    ProbeParams,
    RecordedParams,
    RecordedResult,
    ScriptParams,
    ScriptResult,
    TrainingParams,
    TrainingResult,
    TrajectoryParams,
    TrajectoryResult,
    ValueParams,
    ValueResult,
)
from . import datasets, fixtures, ops
from .locate import defined_in_cells, fit_input, locate
from .recorder import AUGMENTATIONS, Recorder, transform_names
from .scripts import ScriptNotFound
from .scripts import probe_script as _script
from .serialize import to_json


@dataclass
class Context:
    namespace: dict[str, Any]
    recorder: Recorder
    seed: int
    data_root: str | None = None


class NotFound(Exception):
    """The locator found nothing; the message says what was looked for."""


class StudentFault(Exception):
    """What the submission gave cannot be used as the check needs (a probe's deliberate
    failure); the message says why in the student's terms. Any other exception a probe
    raises from the grader's own code is a grader error (see `faults`)."""


def _one(params: Located, ctx: Context) -> tuple[str, Any]:
    found = locate(params.locator, ctx.namespace, ctx.recorder, ctx.seed)
    if not found:
        raise NotFound(params.locator.not_found())
    return found[0]


def make_tensor(spec: Any, seed: int) -> Any:
    """Build a probe argument from its JSON description (see `fixtures`)."""
    return fixtures.build(spec, seed)


def probe_value(params: ValueParams, ctx: Context) -> ValueResult:
    """Candidates for a value locator, each with where it was found and whether only the
    locator's `search` found it (no name or pattern hinted at it)."""
    locator = params.locator
    found = locate(locator, ctx.namespace, ctx.recorder, ctx.seed)
    hints_only = locator.model_copy(update={"search": False})
    unsearched = locate(hints_only, ctx.namespace, ctx.recorder, ctx.seed)
    hinted = {id(v) for _name, v in unsearched}
    return {
        "candidates": [
            {"where": where, "value": to_json(v), "searched": id(v) not in hinted}
            for where, v in found
        ]
    }


def probe_module(params: ModuleParams, ctx: Context) -> ModuleResult:
    """Structure of a located model: parameters, traced operations, output."""
    import torch

    where, module = _one(params, ctx)
    named = list(module.named_parameters())
    result: ModuleResult = {
        "where": where,
        "class": type(module).__name__,
        "param_names": [n for n, _param in named],
        "param_shapes": [list(p.shape) for _name, p in named],
        "param_count": sum(p.numel() for _name, p in named),
        "trainable_count": sum(p.numel() for _name, p in named if p.requires_grad),
    }
    if params.input:
        x = fit_input(module, make_tensor(params.input, ctx.seed), ctx.recorder)
        copied = copy.deepcopy(module).eval()
        with torch.no_grad():
            traced, out = ops.trace(copied, x)
        result["ops"] = traced
        result["output"] = to_json(out) if isinstance(out, torch.Tensor) else {"type": "other"}
    return result


def _reinitialise(module: Any, seed: int) -> None:
    import torch

    with torch.no_grad():
        for index, param in enumerate(module.parameters()):
            generator = torch.Generator().manual_seed(seed + 1000 + index)
            fan_in = param[0].numel() if param.dim() > 1 else param.shape[0]
            bound = 1.0 / math.sqrt(max(fan_in, 1))
            param.copy_(torch.rand(param.shape, generator=generator) * 2 * bound - bound)


def probe_gradient(params: GradientParams, ctx: Context) -> GradientResult:
    """Gradients of an MSE loss on grader-chosen weights, inputs and targets.

    Works on a copy of the located model: its parameters are set from the
    grader's seed, `zero_grad()` is called (and what it left is reported), then
    one forward and backward pass runs.
    """
    import torch

    where, module = _one(params, ctx)
    model = copy.deepcopy(module)
    model.train()
    _reinitialise(model, ctx.seed)
    for param in model.parameters():
        param.grad = torch.ones_like(param)
    model.zero_grad()
    parameters = list(model.parameters())
    indices = params.params or list(range(len(parameters)))
    empty = [parameters[i].grad is None or not bool(parameters[i].grad.any()) for i in indices]
    x = fit_input(module, make_tensor(params.input, ctx.seed), ctx.recorder)
    target = make_tensor(params.target, ctx.seed)
    out = model(x)
    loss = ((out - target.reshape(out.shape)) ** 2).mean()
    loss.backward()
    grads = [to_json(parameters[i].grad) for i in indices]
    return {
        "where": where,
        "empty_after_zero_grad": empty,
        "grads": grads,
        "loss": float(loss.detach()),
    }


MAX_SEARCHED_FUNCTIONS = 12
SEARCH_CALL_SECONDS = 2.0


def _call(function: Any, params: CallParams, ctx: Context) -> tuple[Any, dict[str, Any]]:
    """Call `function` on the grader's arguments as the rubric describes them; when that
    fails, tensors are passed again as numpy arrays and arrays as tensors, so numpy code and
    torch code are graded alike, then lists of parameters as dicts keyed in order of use
    (`params["w1"]`), then two arguments in the other order. Returns what the rubric asks
    to observe of the result, and how the function computed it (see `_method`)."""

    def arguments(convert: Callable[[Any], Any]) -> tuple[list[Any], dict[str, Any]]:
        args = [convert(make_tensor(a, ctx.seed)) for a in params.args]
        kwargs = {k: convert(make_tensor(v, ctx.seed)) for k, v in params.kwargs.items()}
        return args, kwargs

    recorder = ctx.recorder
    args, kwargs = arguments(lambda value: value)
    before = (recorder.backward_calls + recorder.gradient_calls, recorder.function_applies)
    try:
        result = function(*args, **kwargs)
    except Exception:
        retries = [arguments(fixtures.other_kind), arguments(fixtures.keyed_in_order_of_use)]
        retries = [r for r in retries if _kinds(r) != _kinds((args, kwargs))]
        if len(args) == 2 and not kwargs:  # `perceptron(x, w)` for the notebook's (w, x)
            retries += [(args[::-1], {}), (arguments(fixtures.other_kind)[0][::-1], {})]
        if not retries:
            raise
        for number, (args, kwargs) in enumerate(retries, start=1):
            try:
                result = function(*args, **kwargs)
                break
            except Exception:
                if number == len(retries):
                    raise
    method = _method([*args, *kwargs.values()], before, recorder)
    observe = params.observe
    if observe == "moments":
        return _moments(result), method
    if observe:
        return to_json(_apply(result, observe, ctx)), method
    return to_json(result), method


def _kinds(call: tuple[list[Any], dict[str, Any]]) -> list[type]:
    args, kwargs = call
    return [type(a) for a in [*args, *kwargs.values()]]


def _method(arguments: list[Any], before: tuple[int, int], recorder: Any) -> dict[str, Any]:
    """How a call computed its result: whether it ran autograd (`backward()` or
    `torch.autograd.grad`), whether it applied a custom `torch.autograd.Function`, and the
    library of the arrays it was given (numpy, torch, or None without arrays)."""
    import numpy as np
    import torch

    libraries = {
        "numpy" if isinstance(a, np.ndarray) else "torch"
        for a in arguments
        if isinstance(a, (np.ndarray, torch.Tensor))
    }
    return {
        "autograd": recorder.backward_calls + recorder.gradient_calls > before[0],
        "custom_function": recorder.function_applies > before[1],
        "library": libraries.pop() if len(libraries) == 1 else None,
    }


def probe_call(params: CallParams, ctx: Context) -> CallResult:
    """Call a located function on grader-chosen arguments (see `_call`); a built module
    (a model, a loss object) of a hinted name is no such function.

    With the locator's `search` and no function of the hinted names, every function the
    submission defined that takes that many arguments is called, each within a short
    time limit, and all their results are returned: the grader, which knows the
    expectation, takes the one that agrees (work found by what it computes)."""
    import torch

    locator = params.locator
    found = locate(locator, ctx.namespace, ctx.recorder, ctx.seed)
    found = [(w, f) for w, f in found if not isinstance(f, torch.nn.Module)]  # a model, a loss
    if found:
        where, function = found[0]
        result, method = _call(function, params, ctx)
        return {"where": where, "result": result, "method": method}
    if not locator.search:
        raise NotFound(locator.not_found())
    arity = len(params.args)
    candidates = []
    excluded = set(locator.exclude)
    for name, function in _own_functions(ctx.namespace, arity):
        if name in excluded:
            continue
        try:
            result, method = _within(SEARCH_CALL_SECONDS, lambda f=function: _call(f, params, ctx))
        except (Exception, _SearchTimeout) as exc:  # noqa: BLE001 - a failing candidate is no answer
            candidates.append({"where": f"`{name}`", "error": f"{type(exc).__name__}: {exc}"[:200]})
            continue
        candidates.append({"where": f"`{name}`", "result": result, "method": method})
    if not candidates:
        raise NotFound(
            _("{not_found}, and no function of the submission takes {count} argument(s)").format(
                not_found=locator.not_found(), count=arity
            )
        )
    return {"where": "search", "candidates": candidates}


def _own_functions(namespace: dict[str, Any], arity: int) -> list[tuple[str, Any]]:
    """Functions the submission's cells defined that accept `arity` positional arguments,
    and its model classes whose constructor does (a class answers `TwoLayerFC(3072, 100, 10)`
    under another name)."""
    import inspect

    import torch

    found = []
    for name, value in namespace.items():
        code = getattr(value, "__code__", None)
        if isinstance(value, type) and issubclass(value, torch.nn.Module):
            code = getattr(value.__init__, "__code__", None)
        if name.startswith("_") or code is None or not code.co_filename.startswith("<cell"):
            continue
        try:
            inspect.signature(value).bind(*range(arity))
        except (TypeError, ValueError):
            continue
        found.append((name, value))
    return found[:MAX_SEARCHED_FUNCTIONS]


class _SearchTimeout(BaseException):
    """A searched candidate ran past its short time limit (not an Exception: the retry with
    other argument types must not swallow it)."""


def _within(seconds: float, run: Callable[[], Any]) -> Any:
    """Run `run` under a short timer, then give the probe's own timer back what is left."""
    import signal
    import time

    def expire(signum: int, frame: Any) -> None:
        raise _SearchTimeout(f"ran past {seconds:g} s")

    remaining = signal.getitimer(signal.ITIMER_REAL)[0]
    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, min(seconds, remaining) if remaining else seconds)
    try:
        return run()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if remaining:
            left = remaining - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.01))


def _moments(result: Any) -> list[dict[str, Any]]:
    """Shape, mean and standard deviation of a returned tensor, of each tensor of a returned
    list, or of each weight (parameter of two or more dimensions) of a returned model."""
    import torch

    if isinstance(result, torch.nn.Module):
        tensors = [p for p in result.parameters() if p.dim() > 1]
    elif isinstance(result, (list, tuple)):
        tensors = [torch.as_tensor(t) for t in result]
    else:
        tensors = [torch.as_tensor(result)]
    return [
        {
            "shape": list(t.shape),
            "mean": float(t.detach().double().mean()) if t.numel() else 0.0,
            "std": float(t.detach().double().std()) if t.numel() > 1 else 0.0,
            "requires_grad": bool(t.requires_grad),
        }
        for t in tensors
    ]


def _apply(model: Any, observe: Apply, ctx: Context) -> Any:
    """Run a returned model on the grader's input with the grader's parameters, each loaded
    into the parameter of its shape (a matrix also into its transpose's shape)."""
    import torch

    if not isinstance(model, torch.nn.Module):
        raise StudentFault(
            _("returned a {type}, not a torch.nn.Module").format(type=type(model).__name__)
        )
    values = [fixtures.build(spec, ctx.seed) for spec in observe.parameters]
    unused = list(range(len(values)))
    with torch.no_grad():
        for name, param in model.named_parameters():
            for index in unused:
                value = values[index]
                if value.shape != param.shape and value.dim() == 2:
                    value = value.t()
                if value.shape == param.shape:
                    param.copy_(value)
                    unused.remove(index)
                    break
            else:
                raise StudentFault(
                    _(
                        "parameter `{name}` of shape {shape} is not one of the grader's "
                        "{count} parameters"
                    ).format(name=name, shape=tuple(param.shape), count=len(values))
                )
        if unused:
            missing = ", ".join(str(tuple(values[i].shape)) for i in unused)
            raise StudentFault(
                _("the model has no parameter of shape {shapes}").format(shapes=missing)
            )
        return model.eval()(fixtures.build(observe.input, ctx.seed))


def _applied(function: Any) -> Any:
    """How to run a custom autograd Function: its `apply`; for an `nn.Module` that wraps
    one (a class is built without arguments), the module's own forward."""
    import torch

    if isinstance(function, type) and issubclass(function, torch.nn.Module):
        function = function()
    if isinstance(function, torch.nn.Module):
        return function
    return getattr(function, "apply", None)


def _own_autograd_functions(namespace: dict[str, Any], operation: str) -> list[tuple[str, Any]]:
    """The custom `torch.autograd.Function`s the submission's cells defined, those whose
    name mentions `operation` first (a search for `MyReLU` finds `CustomReLU`)."""
    import torch

    found = [
        (f"`{name}` (the submission's autograd Function)", value)
        for name, value in namespace.items()
        if isinstance(value, type)
        and issubclass(value, torch.autograd.Function)
        and defined_in_cells(value)
    ]
    return sorted(found, key=lambda item: operation not in item[0].lower())


def probe_autograd_function(params: AutogradFunctionParams, ctx: Context) -> AutogradFunctionResult:
    """A custom `torch.autograd.Function` against the torch operation it re-implements.

    Runs `gradcheck` in double precision, then compares the forward values and
    the input gradients of `apply` with those of the grader's operation.
    """
    import torch

    found = locate(params.locator, ctx.namespace, ctx.recorder, ctx.seed)
    if not found and params.locator.search:
        found = _own_autograd_functions(ctx.namespace, params.operation)
    if not found:
        raise NotFound(params.locator.not_found())
    where, function = found[0]
    apply = _applied(function)
    if apply is None:
        raise NotFound(
            _("{where} has no `apply`: it is not a torch.autograd.Function").format(where=where)
        )
    operation = fixtures.FUNCTIONS[params.operation]
    x = make_tensor({**params.input, "dtype": "float64"}, ctx.seed).requires_grad_(True)
    try:
        passed = bool(torch.autograd.gradcheck(apply, (x,), raise_exception=True))
        problem = ""
    except Exception as exc:  # noqa: BLE001 - gradcheck reports failure by raising
        passed, problem = False, str(exc).splitlines()[0][:200]
    weights = make_tensor({"randn": list(x.shape), "seed": 7, "dtype": "float64"}, ctx.seed)
    mine = apply(x)
    (mine_grad,) = torch.autograd.grad((mine * weights).sum(), x)
    want = operation(x)
    (want_grad,) = torch.autograd.grad((want * weights).sum(), x)
    return {
        "where": where,
        "gradcheck": passed,
        "gradcheck_problem": problem,
        "forward_error": float((mine - want).abs().max()),
        "backward_error": float((mine_grad - want_grad).abs().max()),
    }


def _hyper(group: dict[str, Any]) -> dict[str, Any]:
    keys = ("lr", "momentum", "betas", "eps", "weight_decay", "nesterov", "dampening", "alpha")
    out = {}
    for key in keys:
        if key in group:
            value = group[key]
            if hasattr(value, "item"):
                value = value.item()
            out[key] = list(value) if isinstance(value, tuple) else value
    return out


def _optimizer_record(entry: dict[str, Any], model: str | None) -> dict[str, Any]:
    return {
        "class": entry["class"],
        "cell": entry["cell"],
        "hyper": _hyper(entry["object"].param_groups[0]),
        "model": model,
        "steps": entry["steps"],
        "step_samples": entry["step_samples"],
    }


def probe_recorded(params: RecordedParams, ctx: Context) -> RecordedResult:
    """What the submission built and did while it ran (see `recorder`)."""
    rec = ctx.recorder
    roots = rec.root_modules()

    def owner(optimizer: Any) -> str | None:
        ids = {id(p) for g in optimizer.param_groups for p in g["params"]}
        for module in reversed(roots):
            if ids & {id(p) for p in module.parameters()}:
                return type(module).__name__
        return None

    optimizers = [_optimizer_record(e, owner(e["object"])) for e in rec.optimizers]
    losses = [{"name": name, "cell": cell, **entry} for (name, cell), entry in rec.losses.items()]
    datasets = []
    for entry in rec.datasets:
        arguments = entry["arguments"]
        transform = arguments.get("transform")
        datasets.append(
            {
                "class": entry["class"],
                "cell": entry["cell"],
                "loaded": entry["loaded"],
                "train": arguments.get("train"),
                "transform": transform_names(transform),
                "augmentations": [n for n in transform_names(transform) if n in AUGMENTATIONS],
            }
        )
    transforms = []
    for name, value in ctx.namespace.items():
        if type(value).__module__.startswith("torchvision.transforms") and not name.startswith("_"):
            names = transform_names(value)
            transforms.append(
                {
                    "name": name,
                    "transform": names,
                    "augmentations": [n for n in names if n in AUGMENTATIONS],
                }
            )
    import torch

    criteria = sorted(
        {type(m).__name__ for m, _cell in rec.modules if isinstance(m, torch.nn.modules.loss._Loss)}
    )
    return {
        "optimizers": optimizers,
        "losses": losses,
        "criteria": criteria,
        "graphs": [{k: v for k, v in g.items() if k != "penalised_ids"} for g in rec.graphs],
        "backward_calls": rec.backward_calls,
        "datasets": datasets,
        "transforms": transforms,
        "loaders": len(rec.loaders),
    }


def probe_trajectory(params: TrajectoryParams, ctx: Context) -> TrajectoryResult:
    """Per-cell values and gradients of one parameter of a located model."""
    where, module = _one(params, ctx)
    index = params.param
    points = [
        {"cell": s["cell"], **s["params"][index]}
        for s in ctx.recorder.snapshots
        if s["module"] == id(module) and index < len(s["params"])
    ]
    steps: dict[str, list[str]] = {}
    for entry in ctx.recorder.optimizers:
        for cell in entry["steps"]:
            steps.setdefault(cell, []).append(entry["class"])
    return {"where": where, "points": points, "optimizer_steps": steps}


def _downsample(values: list[float], points: int = 200) -> list[float]:
    """At most `points` window means of a long series, keeping its shape."""
    if len(values) <= points:
        return values
    size = len(values) / points
    return [
        sum(values[int(i * size) : int((i + 1) * size)])
        / max(1, int((i + 1) * size) - int(i * size))
        for i in range(points)
    ]


def probe_training(params: TrainingParams, ctx: Context) -> TrainingResult:
    """How a located model was trained: its optimizers, their steps and the losses they
    stepped on (each loss is claimed by the optimizer step that follows it)."""
    where, module = _one(params, ctx)
    optimizers = ctx.recorder.optimizers_of(module)
    cells = sorted({int(c) for o in optimizers for c in o["steps"]})
    losses = [v for o in optimizers for v in o.get("losses", [])]
    return {
        "where": where,
        "epochs": _epochs(optimizers),
        "optimizers": [o["class"] for o in optimizers],
        "optimizer_records": [_optimizer_record(o, type(module).__name__) for o in optimizers],
        "steps": sum(n for o in optimizers for n in o["steps"].values()),
        "cells": [c + 1 for c in cells],
        "losses": _downsample(losses),
    }


def _without_augmentation(transform: Any) -> Any:
    import torchvision.transforms as T

    inner = getattr(transform, "transforms", None)
    if isinstance(inner, list):
        return T.Compose([t for t in inner if type(t).__name__ not in AUGMENTATIONS])
    return None if type(transform).__name__ in AUGMENTATIONS else transform


def _test_transform(name: str, module: Any, ctx: Context) -> Any:
    """The submission's own test-time transform for dataset `name` and this model.

    The transform of the test split it built, when all its test splits agree;
    else the transform the model was trained with, minus random augmentations;
    else the first test split's; else a plain ToTensor.
    """
    import torchvision.transforms as T

    wanted = ctx.recorder.catalogue[name]["class"]
    tests = [
        d["arguments"]["transform"]
        for d in ctx.recorder.datasets
        if d["class"] == wanted
        and d["arguments"].get("train") is False
        and d["arguments"].get("transform") is not None
    ]
    if tests and len({repr(t) for t in tests}) == 1:
        return tests[0]
    for optimizer in ctx.recorder.optimizers_of(module):
        transform = getattr(optimizer.get("dataset"), "transform", None)
        if transform is not None and _without_augmentation(transform) is not None:
            return _without_augmentation(transform)
    return tests[0] if tests else T.ToTensor()


def _load_checkpoint(model: Any, pattern: str) -> str | None:
    import glob

    import torch

    for path in sorted(glob.glob(pattern)):
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            if isinstance(state, dict) and "state_dict" in state:
                state = state["state_dict"]
            model.load_state_dict(state)
            return path
        except Exception:  # noqa: BLE001 - try the next file
            continue
    return None


def _epochs(optimizers: list[dict[str, Any]]) -> int:
    """The passes over training loaders in which any of these optimizers stepped."""
    return len(set().union(*(o.get("passes", set()) for o in optimizers)))


def probe_predict(params: PredictParams, ctx: Context) -> PredictResult:
    """Class predictions of a located model on the test split, with the submission's own
    test transform (images flattened for a model of flat vectors). The labels stay with
    the grader: only predictions leave."""
    import torch

    if ctx.data_root is None:
        raise NotFound(
            _("no data root: {dataset} is not available to the grader").format(
                dataset=params.dataset
            )
        )
    where, module = _one(params, ctx)
    ctx.recorder.quiet = True
    try:
        model = copy.deepcopy(module)
        loaded = _load_checkpoint(model, params.checkpoint) if params.checkpoint else None
        transform = _test_transform(params.dataset, module, ctx)
        class_name = ctx.recorder.catalogue[params.dataset]["class"]
        test = datasets.test_set(class_name, ctx.data_root, transform)
        limit = min(len(test), params.limit or len(test))
        subset = torch.utils.data.Subset(test, range(limit))
        loader = torch.utils.data.DataLoader(subset, batch_size=params.batch_size)
        model.eval()
        predictions: list[int] = []
        flat = False
        with torch.no_grad():
            for images, _labels in loader:
                if not flat:
                    try:
                        scores = model(images)
                    except Exception as exc:  # noqa: BLE001 - a model of flat vectors (x.view(-1, 784))
                        flat, first_error = True, exc
                if flat:
                    try:
                        scores = model(images.flatten(1))
                    except Exception:  # noqa: BLE001 - not a model of flat vectors either
                        raise first_error from None
                predictions += scores.argmax(dim=1).tolist()
    finally:
        ctx.recorder.quiet = False
    return {
        "where": where,
        "predictions": predictions,
        "epochs": _epochs(ctx.recorder.optimizers_of(module)),
        "transform": transform_names(transform),
        "checkpoint": loaded,
    }


def probe_script(params: ScriptParams, ctx: Context) -> ScriptResult:
    """A script's results against a relation on its own data (see `scripts`)."""
    try:
        return _script(params, ctx.namespace, ctx.recorder)
    except ScriptNotFound as exc:
        raise NotFound(str(exc)) from None


IMPLEMENTATIONS: dict[type[ProbeParams], Callable[[Any, Context], Any]] = {
    ValueParams: probe_value,
    ModuleParams: probe_module,
    GradientParams: probe_gradient,
    CallParams: probe_call,
    AutogradFunctionParams: probe_autograd_function,
    RecordedParams: probe_recorded,
    TrajectoryParams: probe_trajectory,
    TrainingParams: probe_training,
    PredictParams: probe_predict,
    ScriptParams: probe_script,
}
if set(IMPLEMENTATIONS) != {spec.params for spec in PROBES.values()}:
    raise ImportError("the child implements other probes than `observe.protocol` declares")


def answer(params: ProbeParams, ctx: Context) -> Any:
    """Run the probe these parameters are for."""
    return IMPLEMENTATIONS[type(params)](params, ctx)
