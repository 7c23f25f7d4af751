"""Judge a script's variables by a relation computed from the student's own data.

A script has no function to call: its inputs (`x`, `w1`, ...) and results
(`grad_w1`, `w1.grad`, ...) are variables, often reused by later questions. The
probe looks in the names as each cell left them (the recorder's views), finds
every input role by its name hints or else by its shape, and compares the
student's results with the relation's at the state they belong to: the weights
as they are, the weights before the last update `w -= lr * grad`, or the
weights at a backward pass the recorder saw. Only the relative differences
leave the child.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from ...i18n import _
from ..protocol import ScriptParams
from .locate import fits, lookup_in
from .recorder import Recorder
from .relations import RELATIONS, Relation

LEARNING_RATE_NAMES = ("learning_rate", "lr", "alpha", "eta", "step_size", "learningrate")
MAX_COMBINATIONS = 64
DESCENT_TOLERANCE = 1e-3


class ScriptNotFound(Exception):
    """No scope held the relation's inputs; the message says what was searched."""


def _as_tensor(value: Any) -> Any:
    """A floating tensor of an array or tensor, in its own precision (the relation then
    computes as the student's code did: float32 rounding near convergence is large);
    None for anything else."""
    import numpy as np
    import torch

    if isinstance(value, torch.Tensor) and value.dtype in (torch.float32, torch.float64):
        return value.detach().to("cpu")
    if isinstance(value, torch.Tensor) and value.dtype.is_floating_point:
        return value.detach().to("cpu", torch.float32)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        dtype = np.float32 if value.dtype == np.float32 else np.float64
        return torch.from_numpy(np.asarray(value, dtype=dtype))
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return torch.from_numpy(np.asarray(value, dtype=np.float64))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=torch.float64)
    return None


def _of_library(value: Any, library: str | None) -> bool:
    import numpy as np
    import torch

    if library == "numpy":
        return isinstance(value, np.ndarray)
    if library == "torch":
        return isinstance(value, torch.Tensor)
    return True


def _input_sets(
    relation: Relation,
    names: dict[str, list[str]],
    scope: dict[str, Any],
    library: str | None,
    results: set[str],
) -> list[dict[str, tuple[str, Any]]]:
    """Assignments of scope variables to the relation's input roles whose sizes agree.

    A role takes the first of its name hints that fits; a role none of whose hints fits
    is searched by shape among the other variables, never among the `results` the
    student computed. With `library`, only numpy arrays or only torch tensors.
    """
    tensors = {
        n: t
        for n, v in scope.items()
        if n not in results and _of_library(v, library) and (t := _as_tensor(v)) is not None
        and t.dim()
    }  # fmt: skip
    options: list[list[tuple[str, Any]]] = []
    for role, shape in relation.inputs.items():
        named = [(n, lookup_in(scope, n)) for n in names.get(role, []) if n.split(".")[0] in scope]
        fitting = [
            (n, _as_tensor(v))
            for n, v in named
            if _of_library(v, library) and fits(shape, _as_tensor(v), {}) is not None
        ]
        searched = [(n, t) for n, t in tensors.items() if fits(shape, t, {}) is not None]
        options.append(fitting[:1] or searched)
    found = []
    for choice in itertools.islice(itertools.product(*options), 5000):
        sizes: dict[str, int] | None = {}
        for (_name, tensor), shape in zip(choice, relation.inputs.values()):
            sizes = fits(shape, tensor, sizes) if sizes is not None else None
        if sizes is not None and len({n for n, _tensor in choice}) == len(choice):
            found.append(dict(zip(relation.inputs, choice)))
            if len(found) >= MAX_COMBINATIONS:
                break
    return found


def _common_precision(values: dict[str, Any]) -> dict[str, Any]:
    """The inputs in one floating type: float64 if any of them is."""
    import torch

    wide = any(v.dtype == torch.float64 for v in values.values())
    dtype = torch.float64 if wide else torch.float32
    return {role: v.to(dtype) for role, v in values.items()}


def _relative(found: Any, want: Any) -> float:
    """Relative difference of two tensors of the same number of elements (inf otherwise)."""
    import torch

    if found is None or want is None or found.numel() != want.numel():
        return float("inf")
    found, want = found.reshape(-1).double(), want.reshape(-1).double()
    if not (torch.isfinite(found).all() and torch.isfinite(want).all()):
        return float("inf")
    scale = float(want.norm())
    return float((found - want).norm()) / max(scale, 1e-12)


def _learning_rates(scope: dict[str, Any]) -> list[float]:
    rates = []
    for name in LEARNING_RATE_NAMES:
        value = scope.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 10:
            rates.append(float(value))
    return rates


def _states(
    relation: Relation,
    inputs: dict[str, tuple[str, Any]],
    grads: dict[str, tuple[str, Any]],
    scope: dict[str, Any],
    tracked: list[dict[str, Any] | None],
    params: ScriptParams,
) -> list[tuple[str, dict[str, Any], dict[str, Any], bool]]:
    """(description, inputs, the student's gradients, whether a descent step led here)
    for each state the student's results may belong to. `params.recorded` adds the
    backward passes the recorder saw of the weights (`tracked`, see `_tracked_weights`)."""
    values = {role: tensor for role, (_, tensor) in inputs.items()}
    student = {role: tensor for role, (_, tensor) in grads.items()}
    custom = params.custom_function
    states = [] if custom else [(_("at the final values"), values, student, False)]
    weights = relation.weights
    by_weight = {w: g for g, w in relation.gradients.items()}
    if weights and not custom and all(by_weight[w] in student for w in weights):
        for rate in _learning_rates(scope):
            before = dict(values)
            for weight in weights:
                step = rate * student[by_weight[weight]].to(values[weight].dtype)
                before[weight] = values[weight] + step.reshape(values[weight].shape)
            last = _("before the last update w -= {rate:g} * grad").format(rate=rate)
            states.append((last, before, student, True))
    if weights and params.recorded and all(tracked):
        for moment, when in (
            ("first", _("at the first backward()")),
            ("last", _("at the last backward()")),
        ):
            before = dict(values)
            recorded = {}
            for weight, step in zip(weights, tracked):
                value, grad = step[moment]
                before[weight] = _as_tensor(value).to(values[weight].dtype)
                recorded[by_weight[weight]] = _as_tensor(grad)
            descended = _descended(tracked) if moment == "first" else False
            states.append((when, before, recorded, descended))
    return states


def _tracked_weights(
    relation: Relation,
    inputs: dict[str, tuple[str, Any]],
    scope: dict[str, Any],
    recorder: Recorder,
    custom: bool | None,
) -> list[dict[str, Any] | None]:
    """The recorder's backward-pass record of each of the relation's weights (None where
    it has none, or where its graph did not run a custom Function as `custom` asks)."""
    tracked = [_tracked(recorder, scope, inputs[w][0]) for w in relation.weights]
    if custom is not None:
        tracked = [t if t and t["custom_function"] == custom else None for t in tracked]
    return tracked


def _loss_path(
    relation: Relation, values: dict[str, Any], tracked: list[dict[str, Any] | None]
) -> list[float | None] | None:
    """The relation's loss at the weights of the first and of the last backward pass the
    recorder saw, on the student's own data (None where it saw fewer than two passes, or
    the relation has no loss); a loss that is not finite is None."""
    steps = [step for step in tracked if step is not None and step["calls"] >= 2]
    if "loss" not in relation.outputs or not tracked or len(steps) < len(tracked):
        return None
    path: list[float | None] = []
    for moment in ("first", "last"):
        state = dict(values)
        for weight, step in zip(relation.weights, steps):
            state[weight] = _as_tensor(step[moment][0]).to(values[weight].dtype)
        try:
            loss = float(relation.compute(state)["loss"])
        except (RuntimeError, ValueError, KeyError):
            return None
        path.append(loss if math.isfinite(loss) else None)
    return path


def _tracked(recorder: Recorder, scope: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The recorder's backward-pass record of the script weight bound to `name`."""
    value = scope.get(name)
    step = recorder.leaf_steps.get(id(value)) if value is not None else None
    return step if step is not None and "first" in step else None


def _descended(steps: list[dict[str, Any]]) -> bool:
    """Whether each weight moved from its first backward pass to its second by
    -lr * grad, for one learning rate lr > 0 shared by all weights."""
    rates = []
    for step in steps:
        if "second" not in step or step["first"][1] is None:
            return False
        before, grad = (_as_tensor(t) for t in step["first"])
        moved = _as_tensor(step["second"]) - before
        norm = float((grad * grad).sum())
        if norm == 0 or float(moved.norm()) == 0:
            return False
        rate = -float((moved * grad).sum()) / norm
        if rate <= 0 or float((moved + rate * grad).norm()) > DESCENT_TOLERANCE * float(
            moved.norm()
        ):
            return False
        rates.append(rate)
    return max(rates) <= min(rates) * (1 + 1e-2)


def _outputs(
    roles: dict[str, list[str]],
    scope: dict[str, Any],
    expected: dict[str, Any],
    search: bool,
    inputs: dict[str, tuple[str, Any]],
) -> dict[str, tuple[str, Any]]:
    """The student's result for each compared role: by name (`{w1}.grad` names the
    attribute of whatever variable holds the input w1), else (with `search`) the scope
    variable closest to the relation's value among those of its size."""
    bound = {role: name for role, (name, _) in inputs.items()}
    found = {}
    for role, hints in roles.items():
        names = [hint.format(**bound) if "{" in hint else hint for hint in hints]
        for name in names:
            tensor = _as_tensor(lookup_in(scope, name))
            if tensor is not None:
                found[role] = (name, tensor)
                break
        else:
            want = expected.get(role)
            if want is None or not search:
                continue
            near = [
                (_relative(t, want), n, t)
                for n, v in scope.items()
                if (t := _as_tensor(v)) is not None and t.numel() == want.numel()
            ]
            if near:
                _, name, tensor = min(near, key=lambda item: item[0])
                found[role] = (name, tensor)
    return found


def probe_script(params: ScriptParams, namespace: dict[str, Any], recorder: Recorder) -> Any:
    """The best agreement of a script's results with `params.relation` over the cells'
    scopes: per compared role its relative error, the state, and whether a descent step
    led to the final weights."""
    relation = RELATIONS[params.relation]
    inputs_named = params.inputs
    compared = params.outputs
    rtol = params.rtol
    scopes = recorder.scopes() or [(_("at the end"), namespace)]
    best: dict[str, Any] | None = None
    for label, scope in scopes:
        results = {
            name.split(".")[0] for names in compared.values() for name in names if "{" not in name
        }
        results -= {name for names in inputs_named.values() for name in names}
        for inputs in _input_sets(relation, inputs_named, scope, params.library, results):
            values = _common_precision({role: tensor for role, (_, tensor) in inputs.items()})
            inputs = {role: (name, values[role]) for role, (name, _) in inputs.items()}
            try:
                expected = relation.compute(values)
            except (RuntimeError, ValueError):
                continue
            grads = _outputs(compared, scope, expected, params.search, inputs)
            tracked = _tracked_weights(relation, inputs, scope, recorder, params.custom_function)
            path = _loss_path(relation, values, tracked)
            for state, state_inputs, results, descended in _states(
                relation, inputs, grads, scope, tracked, params
            ):
                try:
                    want = expected if state_inputs is values else relation.compute(state_inputs)
                except (RuntimeError, ValueError):
                    continue
                errors = {
                    role: _relative(_result(role, results, grads), want.get(role))
                    for role in compared
                }
                record = _record(label, inputs, grads, state, errors, descended, rtol, path)
                if best is None or _rank(record) > _rank(best):
                    best = record
                if record["matched"] == len(compared) and (descended or not params.descent):
                    return record
    if best is None:
        shapes = ", ".join(
            f"{role} {tuple(shape)}".replace("'", "") for role, shape in relation.inputs.items()
        )
        raise ScriptNotFound(
            _("no variables for {shapes} with sizes that agree").format(shapes=shapes)
        )
    return best


def _result(role: str, results: dict[str, Any], grads: dict[str, tuple[str, Any]]) -> Any:
    """The student's value for `role` in a state: its own gradients, else the found output."""
    if role in results:
        return results[role]
    return grads[role][1] if role in grads else None


def _record(
    scope: str,
    inputs: dict[str, tuple[str, Any]],
    grads: dict[str, tuple[str, Any]],
    state: str,
    errors: dict[str, float],
    descended: bool,
    rtol: float,
    loss_path: list[float | None] | None,
) -> dict[str, Any]:
    names = ", ".join(f"`{name}`" for name, _ in inputs.values())
    return {
        "where": _("the script's {names} ({scope})").format(names=names, scope=scope),
        "state": state,
        "found": {role: name for role, (name, _) in grads.items()},
        "errors": {role: (e if e != float("inf") else "inf") for role, e in errors.items()},
        "matched": sum(e <= rtol for e in errors.values()),
        "descended": descended,
        "loss_path": loss_path,
    }


def _rank(record: dict[str, Any]) -> tuple[int, bool, float]:
    total = sum(e if isinstance(e, float) else 1e9 for e in record["errors"].values())
    return record["matched"], record["descended"], -total
