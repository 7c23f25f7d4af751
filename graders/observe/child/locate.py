"""Find the object a check is about: by name hints, by type, and by what was recorded.

What a locator asks is declared, field by field, in `observe.locator.Locator`.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
import types
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from ..locator import Locator
from . import ops
from .recorder import Recorder

MAX_CANDIDATES = 50


_MISSING = object()


def _lookup(namespace: dict[str, Any], name: str) -> Any:
    """A variable, or an attribute path such as `x.grad` (the value, or _MISSING)."""
    root, *attributes = name.split(".")
    value = namespace.get(root, _MISSING)
    for attribute in attributes:
        if value is _MISSING:
            break
        try:
            value = getattr(value, attribute, _MISSING)
        except Exception:  # noqa: BLE001 - a property of the submission's object failed
            value = _MISSING
    return value


def lookup_in(namespace: dict[str, Any], name: str) -> Any:
    """A variable or attribute path (`w1.grad`) in `namespace`, or None."""
    value = _lookup(namespace, name)
    return None if value is _MISSING else value


def _named(namespace: dict[str, Any], locator: Locator) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for name in locator.names:
        value = _lookup(namespace, name)
        if value is not _MISSING and value is not None:
            found.append((name, value))
    patterns = [re.compile(p, re.IGNORECASE) for p in locator.patterns]
    for name, value in namespace.items():
        if any(p.fullmatch(name) for p in patterns) and all(name != n for n, _ in found):
            found.append((name, value))
    return found


def _is_plain_value(value: Any) -> bool:
    if _is_tensor(value):
        return True
    return not isinstance(value, (types.ModuleType, type)) and not callable(value)


def _is_tensor(value: Any) -> bool:
    import torch

    return isinstance(value, torch.Tensor)


def _runs(module: Any, x: Any) -> bool:
    import torch

    was_training = module.training
    try:
        module.eval()
        with torch.no_grad():
            module(x)
        return True
    except Exception:
        return False
    finally:
        module.train(was_training)


def fit_input(module: Any, x: Any, recorder: Recorder | None) -> Any:
    """`x`, or `x` reshaped to a per-sample shape the submission itself fed `module` (a
    flat `(N, 784)` for an MLP of 28x28 images, say) when the module fails on `x`."""
    shapes = recorder.input_shapes.get(id(module), []) if recorder is not None else []
    if not shapes or x.dim() < 2 or _runs(module, x):
        return x
    per_sample = x[0].numel()
    for shape in shapes:
        if math.prod(shape) == per_sample:
            reshaped = x.reshape(x.shape[0], *shape)
            if _runs(module, reshaped):
                return reshaped
    return x


def runs_on(module: Any, shape: list[int], seed: int, recorder: Recorder | None = None) -> bool:
    """Whether `module` maps a random batch of `shape` (or of the same images in the shape
    the submission fed it) without an error."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(*shape, generator=generator)
    return _runs(module, fit_input(module, x, recorder))


def runs_through(
    module: Any, shape: list[int], patterns: list[str], seed: int, recorder: Recorder | None = None
) -> bool:
    """Whether the forward pass on a batch of `shape` runs operations matching `patterns`."""
    import torch

    try:
        generator = torch.Generator().manual_seed(seed)
        x = fit_input(module, torch.randn(*shape, generator=generator), recorder)
        with torch.no_grad():
            traced, _ = ops.trace(copy.deepcopy(module).eval(), x)
    except Exception:
        return False
    position = 0
    for op in traced:
        if position < len(patterns) and fnmatchcase(op, patterns[position]):
            position += 1
    return position == len(patterns)


TRAINING_FILTERS = ("trained", "optimizers", "augmented", "regularized", "lr", "from_loader")


def _training_filters(locator: Locator) -> list[str]:
    return [k for k in TRAINING_FILTERS if getattr(locator, k)]


def _unbuilt_classes(
    namespace: dict[str, Any], locator: Locator, recorder: Recorder, built: list[Any]
) -> list[tuple[str, Any]]:
    """A fresh instance of each model class the submission defined but never built
    (constructed without arguments): where no model fits, its class may still show the
    layers asked for."""
    classes = {type(module) for module in built}
    found = []
    for cls, name in _own_model_classes(namespace, locator).items():
        if cls in classes:
            continue
        try:
            instance = _built_quietly(cls, [], recorder)
        except Exception:  # noqa: BLE001 - a class that needs arguments is left alone
            continue
        found.append((f"a `{name}()` built by the grader (the submission built none)", instance))
    return found


def _built_quietly(cls: type, arguments: list[Any], recorder: Recorder) -> Any:
    """An instance of `cls` the grader builds, not recorded as one of the submission's."""
    recorder.quiet = True
    try:
        return cls(*arguments)
    finally:
        recorder.quiet = False


def _trained_as_asked(locator: Locator, module: Any, recorder: Recorder) -> bool:
    """Whether `module` was trained the way the locator's training filters ask."""
    wanted = _training_filters(locator)
    if not wanted:
        return True
    optimizers = recorder.optimizers_of(module)
    if not optimizers:
        return False
    classes = locator.optimizers
    if classes and not any(o["class"] in classes for o in optimizers):
        return False
    lr = locator.lr
    if lr is not None and not any(_has_lr(o["object"], lr) for o in optimizers):
        return False
    if locator.from_loader and not any("dataset" in o for o in optimizers):
        return False
    if locator.augmented and not any(o["augmented"] for o in optimizers):
        return False
    if locator.regularized:
        decayed = any(o["object"].param_groups[0].get("weight_decay") for o in optimizers)
        return decayed or recorder.penalised(module)
    return True


def _has_lr(optimizer: Any, lr: float) -> bool:
    value = optimizer.param_groups[0].get("lr")
    try:
        return abs(float(value) - lr) <= 1e-9 + 1e-6 * abs(lr)
    except (TypeError, ValueError):
        return False


def _step_cells(module: Any, recorder: Recorder) -> list[int]:
    return [int(c) for o in recorder.optimizers_of(module) for c in o["steps"]]


def locate(
    locator: Locator, namespace: dict[str, Any], recorder: Recorder, seed: int
) -> list[tuple[str, Any]]:
    """Candidates for `locator`, best first, each as (where, object)."""
    kind = locator.kind
    if kind == "module":
        return _modules(locator, namespace, recorder, seed)
    if kind == "function_model":
        return _function_model(locator, namespace)
    named = _named(namespace, locator)
    if kind == "function":
        found = [(f"`{n}`", v) for n, v in named if callable(v)]
        return found[:MAX_CANDIDATES]
    found = [(f"`{n}`", v) for n, v in named if _is_plain_value(v)]
    if locator.search:
        seen = {id(v) for _, v in found}
        for name, value in namespace.items():
            if name.startswith("_") or id(value) in seen or not _is_plain_value(value):
                continue
            found.append((f"`{name}`", value))
    return found[:MAX_CANDIDATES]


def _modules(
    locator: Locator, namespace: dict[str, Any], recorder: Recorder, seed: int
) -> list[tuple[str, Any]]:
    import torch

    def is_model(value: Any) -> bool:
        """A module with parameters: not a loss, not a parameter-free transform."""
        if not isinstance(value, torch.nn.Module):
            return False
        if isinstance(value, torch.nn.modules.loss._Loss):
            return False
        return any(True for _ in value.parameters())

    if locator.build is not None:
        return _constructed(locator, namespace, recorder, seed)
    candidates: list[tuple[str, Any]] = [(f"`{n}`", v) for n, v in _named(namespace, locator)]
    candidates += [
        (f"`{n}`", v) for n, v in namespace.items() if not n.startswith("_") and is_model(v)
    ]
    class_names = set(locator.class_names)
    for module in reversed(recorder.root_modules()):
        where = f"the {type(module).__name__} built in cell {recorder.cell_of(module) + 1}"
        candidates.append((where, module))
    unlike: set[int] = {
        id(module)
        for other in locator.unlike
        for _, module in _modules(other, namespace, recorder, seed)
    }
    shape = locator.accepts

    def accepted_of(
        of_class: Any, traces: list[str], among: list[tuple[str, Any]] | None = None
    ) -> list[tuple[str, Any]]:
        seen = set(unlike)
        accepted: list[tuple[str, Any]] = []
        for where, module in candidates if among is None else among:
            if id(module) in seen or not is_model(module):
                continue
            seen.add(id(module))
            if not of_class(type(module)):
                continue
            if shape is not None and not runs_on(module, shape, seed, recorder):
                continue
            if not _trained_as_asked(locator, module, recorder):
                continue
            if traces and not runs_through(module, shape or [1], traces, seed, recorder):
                continue
            accepted.append((where, module))
            if len(accepted) >= MAX_CANDIDATES:
                break
        return accepted

    traces = locator.traces

    def named_class(cls: type) -> bool:
        return not class_names or cls.__name__ in class_names

    accepted = accepted_of(named_class, traces)
    if not accepted and class_names and _searches_classes(locator):
        own = set(_own_model_classes(namespace, locator))
        accepted = accepted_of(lambda cls: cls in own, [*traces, *locator.identify])
    if not accepted and not _training_filters(locator):
        unbuilt = _unbuilt_classes(namespace, locator, recorder, [m for _, m in candidates])
        accepted = accepted_of(named_class, traces, unbuilt)
        candidates += unbuilt  # a near miss is looked for among both, the built ones first
    if not accepted and traces and locator.near:
        loose = [pattern.split("(")[0] + "*" for pattern in traces]
        accepted = [
            (f"{where} (the nearest to the layers asked for)", module)
            for where, module in accepted_of(named_class, loose)
        ]
    prefer = locator.prefer
    if prefer:
        preferred = [runs_through(m, shape or [1], prefer, seed, recorder) for _, m in accepted]
        accepted = [c for c, p in zip(accepted, preferred) if p] + [
            c for c, p in zip(accepted, preferred) if not p
        ]
    if locator.earliest:
        accepted.sort(key=lambda c: min(_step_cells(c[1], recorder), default=1 << 30))
    elif locator.latest:
        accepted.sort(key=lambda c: -max(_step_cells(c[1], recorder), default=-1))
    return accepted[:1]


def _constructed(
    locator: Locator, namespace: dict[str, Any], recorder: Recorder, seed: int
) -> list[tuple[str, Any]]:
    """A fresh instance of the first named model class, built with `build`; with a search,
    else of the first class the submission defined that builds with those arguments and
    runs `identify` on `accepts`."""
    import torch

    arguments = locator.build
    shown = ", ".join(map(repr, arguments))

    def build(cls: type) -> Any:
        return _built_quietly(cls, arguments, recorder)

    for name, value in _named(namespace, locator):
        if isinstance(value, type) and issubclass(value, torch.nn.Module):
            return [(f"`{name}({shown})`", build(value))]
    if not _searches_classes(locator):
        return []
    for cls, name in _own_model_classes(namespace, locator).items():
        try:
            instance = build(cls)
        except Exception:  # noqa: BLE001 - a class built another way is not this model
            continue
        shape = locator.accepts or [1]
        if runs_through(instance, shape, locator.identify, seed, recorder):
            return [(f"`{name}({shown})` (found by its layers)", instance)]
    return []


def _searches_classes(locator: Locator) -> bool:
    return bool(locator.search and locator.identify)


def _own_model_classes(namespace: dict[str, Any], locator: Locator) -> dict[Any, str]:
    """The `nn.Module` classes the submission's cells defined, by class, with their names;
    none that the locator's `exclude` names (another question's class)."""
    import torch

    excluded = set(locator.exclude)
    found: dict[Any, str] = {}
    for name, value in namespace.items():
        if (
            isinstance(value, type)
            and issubclass(value, torch.nn.Module)
            and name not in excluded
            and value.__name__ not in excluded
            and defined_in_cells(value)
        ):
            found.setdefault(value, name)
    return found


def defined_in_cells(cls: type) -> bool:
    """Whether the submission's cells wrote `cls` (its `__init__` or its `forward`)."""
    code = getattr(getattr(cls, "__init__", None), "__code__", None)
    forward = getattr(getattr(cls, "forward", None), "__code__", None)
    return any(c is not None and c.co_filename.startswith("<cell") for c in (code, forward))


def _function_model(locator: Locator, namespace: dict[str, Any]) -> list[tuple[str, Any]]:
    """The located function and its parameters wrapped as one model (or nothing): with
    `accepts`, the first set of parameters of those shapes that it runs a batch with."""
    import torch

    functions = [(n, v) for n, v in _named(namespace, locator) if callable(v)]
    if not functions:
        return []
    name, function = functions[0]
    shape = locator.accepts
    for where, params in _parameters(locator.params or [], namespace):
        model = FunctionModel(function, params)
        if shape is not None:
            try:
                with torch.no_grad():
                    model(torch.zeros(*shape))
            except Exception:  # noqa: BLE001 - these parameters are not the ones it takes
                continue
        return [(f"`{name}` with {where}", model)]
    return []


def fits(shape: list[Any], tensor: Any, sizes: dict[str, int]) -> dict[str, int] | None:
    """The size bindings under which `tensor` has `shape` (None if it cannot)."""
    if not _is_tensor(tensor) or tensor.dim() != len(shape):
        return None
    bound = dict(sizes)
    for wanted, size in zip(shape, tensor.shape):
        if isinstance(wanted, str):
            if bound.setdefault(wanted, size) != size:
                return None
        elif wanted != size:
            return None
    return bound


def _parameters(
    shapes: list[list[Any]], namespace: dict[str, Any]
) -> Iterator[tuple[str, list | dict]]:
    """Tensors with these shapes, each set as (where, params): a list or tuple variable
    holding them (or a dict, in its order, passed on as the dict), then one variable per
    shape (chosen so that the named sizes agree), at most `MAX_CANDIDATES` sets."""
    for name, value in namespace.items():
        held = list(value.values()) if isinstance(value, dict) else value
        if isinstance(held, (list, tuple)) and len(held) == len(shapes):
            sizes: dict[str, int] | None = {}
            for shape, tensor in zip(shapes, held):
                sizes = fits(shape, tensor, sizes) if sizes is not None else None
            if sizes is not None:
                yield f"`{name}`", value if isinstance(value, dict) else list(value)
    tensors = [(n, v) for n, v in namespace.items() if not n.startswith("_") and _is_tensor(v)]

    def search(position: int, sizes: dict[str, int], chosen: list[str]) -> Iterator[list[str]]:
        if position == len(shapes):
            yield chosen
            return
        for name, tensor in tensors:
            bound = fits(shapes[position], tensor, sizes) if name not in chosen else None
            if bound is not None:
                yield from search(position + 1, bound, [*chosen, name])

    for names in itertools.islice(search(0, {}, []), MAX_CANDIDATES):
        yield ", ".join(f"`{n}`" for n in names), [namespace[n] for n in names]


class FunctionModel:
    """`function(x, params)` as a model that predictions can run (no recorded module)."""

    def __init__(self, function: Any, params: list[Any] | dict[str, Any]) -> None:
        self.function, self.params = function, params

    def __call__(self, x: Any) -> Any:
        return self.function(x, self.params)

    def eval(self) -> FunctionModel:
        return self

    def parameters(self) -> Any:
        return iter(self.params.values() if isinstance(self.params, dict) else self.params)

    def named_parameters(self) -> Any:
        if isinstance(self.params, dict):
            return ((f"params[{k!r}]", p) for k, p in self.params.items())
        return ((f"params[{i}]", p) for i, p in enumerate(self.params))
