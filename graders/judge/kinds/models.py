"""Checks on models and functions: architecture, gradients, behaviour on grader inputs."""

from __future__ import annotations

import math
from fnmatch import fnmatchcase
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from ...i18n import _, either
from ...observe.protocol import (
    AutogradFunctionParams,
    Call,
    CallParams,
    GradientParams,
    ModuleParams,
    Request,
    ScriptParams,
)
from ..compare import NotNumeric, all_close, close, numbers, parts, show
from ..verdict import RunView, Seen, Verdict, not_graded
from .base import CheckBase, Locator, Strict


def _lcs(ops: list[str], pattern: list[str]) -> int:
    """Length of the longest common subsequence, tokens matched as glob patterns."""
    table = [[0] * (len(pattern) + 1) for _ in range(len(ops) + 1)]
    for i, op in enumerate(ops):
        for j, token in enumerate(pattern):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if fnmatchcase(op, token) else max(table[i][j + 1], table[i + 1][j])
            )
    return table[-1][-1]


def _run_model(target: Locator, input: list[int] | dict[str, Any]) -> Request:
    """Locate a model and run it on a random batch of shape `input`, or on the batch a
    fixture spec such as `{"tensor": [[0, 1]]}` describes."""
    spec = input if isinstance(input, dict) else {"randn": input}
    return ModuleParams(locator=target, input=spec).request()


class ArchitectureCheck(CheckBase):
    """The operations a model's forward pass runs, against accepted layer patterns.

    Operations are traced strings such as `conv2d(3,32,k3,s1,p1)`; patterns are
    glob patterns (`conv2d(3,32,k3,s1,p[01])`). `every` requires each operation
    matching a key to be directly followed by one matching its value. A near
    miss earns partial credit: each missing, extra or wrong operation costs
    twice its share of the pattern.
    """

    kind: Literal["architecture"]
    target: Locator
    input: list[int]
    conventions: dict[str, list[str]] = Field(default_factory=dict)
    every: dict[str, str] = Field(default_factory=dict)
    ignore: list[str] = Field(default_factory=lambda: ["flatten", "dropout*"])

    @model_validator(mode="after")
    def _something_to_check(self) -> ArchitectureCheck:
        if not self.conventions and not self.every:
            raise ValueError(_("give `conventions` (accepted layer patterns) or `every`"))
        return self

    def requests(self) -> dict[str, Request]:
        return {"target": _run_model(self.target, self.input)}

    def answers(self, expected: Seen) -> dict[str, Any]:
        return {name: pattern for name, pattern in self.conventions.items()}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        if not seen.ok("target"):
            return Verdict(0, _("not found: {error}").format(error=seen.error("target")))
        model = seen.value("target")
        ops = [
            op for op in model.get("ops", []) if not any(fnmatchcase(op, i) for i in self.ignore)
        ]
        where = f"{model['where']}: "
        fractions = []
        messages = []
        convention, details = None, []
        if self.conventions:
            verdict = self._pattern(ops, where)
            if verdict.fraction == 1 and not self.every:
                return verdict
            fractions.append(verdict.fraction)
            messages.append(verdict.message)
            convention = verdict.convention
            details += [verdict.detail] if verdict.detail else []
        if self.every:
            fraction, message = self._every(ops)
            fractions.append(fraction)
            messages.append(where + message if not messages else message)
        return Verdict(
            float(np.mean(fractions)),
            "; ".join(messages),
            detail="; ".join(
                [*details, _("traced operations: {operations}").format(operations=", ".join(ops))]
            ),
            convention=convention,
        )

    def _pattern(self, ops: list[str], where: str) -> Verdict:
        best_name, best = "", -1.0
        for name, pattern in self.conventions.items():
            errors = max(len(ops), len(pattern)) - _lcs(ops, pattern)
            score = max(0.0, 1 - 2 * errors / max(len(pattern), 1))
            if score > best:
                best_name, best = name, score
        found = " -> ".join(ops) or _("no layers")
        if best == 1:
            matches = (
                _("{found}: matches (convention: {convention})")
                if len(self.conventions) > 1
                else _("{found}: matches")
            )
            message = where + matches.format(found=found, convention=best_name)
            return Verdict(1, message, convention=best_name)
        expected = " | ".join(" -> ".join(p) for p in self.conventions.values())
        if self.visibility == "public":
            message = _("found {found}; expected {expected}")
            return Verdict(best, where + message.format(found=found, expected=expected))
        return Verdict(
            best,
            where + _("found {found}, which differs from the required layers").format(found=found),
            detail=_("expected {expected}").format(expected=expected),
        )

    def _every(self, ops: list[str]) -> tuple[float, str]:
        total = followed = 0
        for first, then in self.every.items():
            for i, op in enumerate(ops):
                if fnmatchcase(op, first):
                    total += 1
                    if i + 1 < len(ops) and fnmatchcase(ops[i + 1], then):
                        followed += 1
        rules = ", ".join(
            _("{first} followed by {then}").format(first=a, then=b) for a, b in self.every.items()
        )
        if total == 0:
            return 0.0, _("no layer matching {patterns} found").format(
                patterns=", ".join(self.every)
            )
        message = _("{followed} of {total} layers satisfy: {rules}")
        return followed / total, message.format(followed=followed, total=total, rules=rules)


class GradientCheck(CheckBase):
    """Gradients of the located model against the reference model's, on grader weights.

    The probe copies the model, sets its parameters from the grader's seed,
    calls `zero_grad()`, then backpropagates an MSE loss for a grader input and
    target: the gradients of both models must agree, and `zero_grad()` must
    leave them empty (None or zero).
    """

    kind: Literal["gradient"]
    target: Locator
    reference: Locator | None = None
    input: list[int]
    output: list[int]
    params: list[int] = Field(default_factory=list)
    check_zero_grad: bool = True
    rtol: float = Field(default=1e-4, ge=0)
    atol: float = Field(default=1e-6, ge=0)

    def _request(self, locator: Locator) -> Request:
        return GradientParams(
            locator=locator,
            input={"randn": self.input},
            target={"randn": self.output, "seed": 1},
            params=self.params,
        ).request()

    def requests(self) -> dict[str, Request]:
        return {"target": self._request(self.target)}

    def reference_requests(self) -> dict[str, Request]:
        return {"expected": self._request(self.reference or self.target)}

    def answers(self, expected: Seen) -> dict[str, Any]:
        if not expected.ok("expected"):
            return {}
        return {"expected": [numbers(g).tolist() for g in expected.value("expected")["grads"]]}

    def bundle_expectations(self, expected: Seen) -> dict[str, dict[str, Any]]:
        """The reference gradients alone."""
        if not expected.ok("expected"):
            return {}
        return {"expected": {"ok": True, "value": {"grads": expected.value("expected")["grads"]}}}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        if not seen.ok("target"):
            error = seen.error("target")
            return Verdict(0, _("could not compute gradients: {error}").format(error=error))
        if not expected.ok("expected"):
            return not_graded(_("the reference solution gave no gradients for this check"))
        mine, theirs = seen.value("target"), expected.value("expected")
        parts, notes = [], []
        if self.check_zero_grad:
            empty = all(mine["empty_after_zero_grad"])
            parts.append(empty)
            notes.append(
                _("zero_grad() empties the gradients")
                if empty
                else _("gradients were not empty after zero_grad()")
            )
        for number, (g, e) in enumerate(zip(mine["grads"], theirs["grads"])):
            try:
                same = close(numbers(g), numbers(e), self.rtol, self.atol)
            except NotNumeric:
                same = False
            parts.append(same)
            parameter = self.params[number] if self.params else number
            note = (
                _("parameter {number} gradient matches")
                if same
                else _("parameter {number} gradient differs")
            )
            notes.append(note.format(number=parameter))
        missing = len(theirs["grads"]) - len(mine["grads"])
        parts += [False] * max(0, missing)
        fraction = sum(parts) / max(len(parts), 1)
        return Verdict(fraction, f"{mine['where']}: " + "; ".join(notes))


class Method(Strict):
    """How the question asks the function to compute its result, observed while it runs:
    with autograd (`backward()` or `torch.autograd.grad`) or by hand, through a custom
    `torch.autograd.Function` or not, on numpy arrays or torch tensors. A call computed
    another way does not agree, and a searched function computing it another way answers
    another question."""

    autograd: bool | None = None
    custom_function: bool | None = None
    library: Literal["numpy", "torch"] | None = None

    def problem(self, seen: dict[str, Any] | None) -> str | None:
        """Why a call computed `seen` the wrong way (None: the way asked, or not observed)."""
        if not seen:
            return None
        if self.autograd is not None and seen["autograd"] != self.autograd:
            return (
                _("computed with autograd; the question asks for the gradients by hand")
                if seen["autograd"]
                else _("computed without autograd; the question asks for autograd's gradients")
            )
        if self.custom_function is not None and seen["custom_function"] != self.custom_function:
            return (
                _("applies a custom autograd Function the question does not ask for")
                if seen["custom_function"]
                else _("applies no custom autograd Function")
            )
        if self.library is not None and seen["library"] not in (None, self.library):
            return _("works on {found} arrays only; the question asks for {wanted}").format(
                found=seen["library"], wanted=self.library
            )
        return None


def _loss_did_not_fall(path: list[float | None] | None) -> str | None:
    """Why a script's training failed, from its loss at the first and at the last backward
    pass on its own data (None: it fell, or was not observed)."""
    if not path:
        return None
    first, last = path
    if first is None:
        return None
    if last is None:
        return _(
            "the training diverged: the loss went from {first:.3g} to one that is not finite"
        ).format(first=first)
    if last >= first:
        return _(
            "the training did not lower the loss ({first:.3g} at the first backward(), "
            "{last:.3g} at the last)"
        ).format(first=first, last=last)
    return None


class Script(ScriptParams):
    """Where the submission has no such function: its script's variables, judged by a
    relation the grader computes from the student's own data (the fields: `ScriptParams`)."""

    @model_validator(mode="after")
    def _known_relation(self) -> Script:
        from ...observe.child.relations import RELATIONS

        relation = RELATIONS.get(self.relation)
        if relation is None:
            raise ValueError(
                _("unknown relation {relation!r}; known: {known}").format(
                    relation=self.relation, known=", ".join(RELATIONS)
                )
            )
        unknown = set(self.outputs) - set(relation.outputs)
        unknown |= set(self.inputs) - set(relation.inputs)
        if unknown:
            raise ValueError(
                _("relation {relation!r} has no role {roles}").format(
                    relation=self.relation, roles=", ".join(sorted(unknown))
                )
            )
        return self

    def judge(self, seen: Seen, function_error: str) -> Verdict:
        if not seen.ok("script"):
            message = _("not found: {error}; in the script: {script_error}").format(
                error=function_error, script_error=seen.error("script")
            )
            return Verdict(0, message, found=False)
        found = seen.value("script")
        notes = []
        for role, error in found["errors"].items():
            name = found["found"].get(role)
            label = f"`{name}`" if name and not found["state"].endswith("backward()") else role
            if isinstance(error, float) and error <= self.rtol:
                notes.append(_("{label} agrees").format(label=label))
            elif name is None and not found["state"].endswith("backward()"):
                notes.append(_("no variable holds {role}").format(role=role))
            elif error == "inf":
                notes.append(_("{label} differs (not finite)").format(label=label))
            else:
                differs = _("{label} differs (relative error {error:.2g})")
                notes.append(differs.format(label=label, error=error))
        fraction = found["matched"] / len(self.outputs)
        if self.descent and not found["descended"]:
            notes.append(_("no gradient-descent step w -= lr * grad found"))
            fraction = 0.0
        elif self.descent and (rise := _loss_did_not_fall(found.get("loss_path"))):
            notes.append(rise)
            fraction = 0.0
        message = f"{found['where']}, {found['state']}: " + "; ".join(notes)
        return Verdict(fraction, message)


class FunctionCheck(CheckBase):
    """A function of the submission against the reference's, on grader-chosen inputs.

    `conventions` names other reference functions whose results are also
    accepted (a sum or a mean, say); the convention agreeing on most calls counts.

    A call observing `moments` agrees when shapes match, each standard deviation is
    within `spread` (relative) of the reference's and each mean within sampling noise
    of the reference's: random initialisations are judged by their distribution.
    """

    kind: Literal["function"]
    target: Locator
    reference: Locator | None = None
    conventions: dict[str, Locator] = Field(default_factory=dict)
    calls: list[Call] = Field(min_length=1)
    rtol: float = Field(default=1e-4, ge=0)
    atol: float = Field(default=1e-6, ge=0)
    spread: float = Field(default=0.15, gt=0, description="relative tolerance on moments' std")
    method: Method | None = None
    script: Script | None = None
    inline: list[str] = Field(
        default_factory=list,
        description="checks of the same question whose passing shows the work done inline: "
        "where no function is found, this check takes their verdict",
    )

    def _requests(self, locator: Locator, prefix: str = "") -> dict[str, Request]:
        return {
            f"{prefix}call{i}": CallParams(locator=locator, **dict(call)).request()
            for i, call in enumerate(self.calls)
        }

    def _references(self) -> dict[str, Locator]:
        if self.conventions:
            return dict(self.conventions)
        return {"expected": self.reference or self.target}

    def requests(self) -> dict[str, Request]:
        requests = self._requests(self.target)
        if self.script is not None:
            requests["script"] = self.script.request()
        return requests

    def reference_requests(self) -> dict[str, Request]:
        requests: dict[str, Request] = {}
        for name, locator in self._references().items():
            requests.update(self._requests(locator, prefix=f"{name}:"))
        return requests

    def answers(self, expected: Seen) -> dict[str, Any]:
        out = {}
        for name in self._references():
            results = []
            for i in range(len(self.calls)):
                key = f"{name}:call{i}"
                if self.calls[i].observe == "moments" and expected.ok(key):
                    results.append(expected.value(key)["result"])
                    continue
                try:
                    results.append([p.tolist() for p in parts(expected.value(key)["result"])])
                except (KeyError, NotNumeric):
                    results.append(None)
            out[name] = results
        return out

    def bundle_expectations(self, expected: Seen) -> dict[str, dict[str, Any]]:
        """The result of each call the reference answered, and nothing else of its records."""
        return {
            key: {"ok": True, "value": {"result": expected.value(key)["result"]}}
            for name in self._references()
            for key in (f"{name}:call{i}" for i in range(len(self.calls)))
            if expected.ok(key)
        }

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        searched = self._searched(seen)
        if searched is None:
            return self._judge_found(seen, expected)
        verdicts = {name: self._judge_found(found, expected) for name, found in searched.items()}
        best = max(verdicts, key=lambda name: verdicts[name].fraction)
        verdict = verdicts[best]
        if verdict.status == "not_graded":
            return verdict
        if verdict.fraction == 0:
            hints = either([f"`{n}`" for n in self.target.names])
            problem = (
                _("no function named {names}, and none of {tried} computes it")
                if hints
                else _("no function named of the hinted names, and none of {tried} computes it")
            ).format(names=hints, tried=", ".join(searched))
            if self.script is not None:
                return self.script.judge(seen, problem)
            return Verdict(0, _("not found: {error}").format(error=problem), found=False)
        verdict.message = _("{name} (found by what it computes): {message}").format(
            name=best, message=verdict.message
        )
        return verdict

    def _searched(self, seen: Seen) -> dict[str, Seen] | None:
        """Per candidate function of a search, its calls' records (None: no search ran)."""
        names: list[str] = []
        for number in range(len(self.calls)):
            record = seen.records.get(f"call{number}", {})
            if record.get("ok") and "candidates" in record.get("value", {}):
                found = [c["where"] for c in record["value"]["candidates"]]
                names += [name for name in found if name not in names]
        if not names:
            return None
        per_name: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in names}
        for number in range(len(self.calls)):
            record = seen.records.get(f"call{number}", {})
            candidates = record.get("value", {}).get("candidates", []) if record.get("ok") else []
            by_name = {c["where"]: c for c in candidates}
            for name in names:
                candidate = by_name.get(name)
                key = f"call{number}"
                if candidate is None:
                    per_name[name][key] = {"ok": False, "error": seen.error(key)}
                elif "error" in candidate:
                    per_name[name][key] = {"ok": False, "error": candidate["error"]}
                else:
                    value = {k: candidate[k] for k in ("result", "method") if k in candidate}
                    per_name[name][key] = {"ok": True, "value": {"where": name, **value}}
        return {name: Seen(records) for name, records in per_name.items()}

    def _judge_found(self, seen: Seen, expected: Seen) -> Verdict:
        best: tuple[int, str, list[str]] | None = None
        for name in self._references():
            right, notes = self._agreement(seen, expected, name)
            if right < 0:
                return not_graded(_("the reference solution failed on this check's inputs"))
            if best is None or right > best[0]:
                best = (right, name, notes)
        assert best is not None
        right, name, notes = best
        names = [f"call{i}" for i in range(len(self.calls))]
        errors = {seen.error(n) for n in names if not seen.ok(n)}
        if not any(seen.ok(n) for n in names) and len(errors) == 1:
            if seen.not_found(names[0]) and self.script is not None:
                return self.script.judge(seen, errors.pop())
            if seen.not_found(names[0]):
                return Verdict(0, _("not found: {error}").format(error=errors.pop()), found=False)
            return Verdict(0, _("every call failed: {error}").format(error=errors.pop()))
        convention = name if self.conventions and right else None
        message = (
            _("{right} of {total} calls agree with the reference (convention: {convention})")
            if convention
            else _("{right} of {total} calls agree with the reference")
        ).format(right=right, total=len(self.calls), convention=convention)
        return Verdict(right / len(self.calls), "; ".join([message, *notes]), convention=convention)

    def _agreement(self, seen: Seen, expected: Seen, name: str) -> tuple[int, list[str]]:
        """Calls agreeing with reference `name` (-1 if it failed) and notes on the others."""
        right, notes = 0, []
        for number in range(len(self.calls)):
            key = f"{name}:call{number}"
            if not expected.ok(key):
                return -1, []
            call = _("call {number}: {problem}")
            if not seen.ok(f"call{number}"):
                notes.append(call.format(number=number + 1, problem=seen.error(f"call{number}")))
                continue
            method = seen.value(f"call{number}").get("method")
            if self.method and (way := self.method.problem(method)) is not None:
                notes.append(call.format(number=number + 1, problem=way))
                continue
            if self.calls[number].observe == "moments":
                problem = self._moments_differ(
                    seen.value(f"call{number}")["result"], expected.value(key)["result"]
                )
                if problem is None:
                    right += 1
                else:
                    notes.append(call.format(number=number + 1, problem=problem))
                continue
            try:
                found = parts(seen.value(f"call{number}")["result"])
                want = parts(expected.value(key)["result"])
            except NotNumeric as exc:
                returned = _("call {number}: returned {value}")
                notes.append(returned.format(number=number + 1, value=exc))
                continue
            if all_close(found, want, self.rtol, self.atol):
                right += 1
            elif self.visibility == "public":
                got = _("call {number}: got {found}, expected {expected}")
                shown = {"found": _show(found), "expected": _show(want)}
                notes.append(got.format(number=number + 1, **shown))
            else:
                differs = _("call {number}: result differs from the reference")
                notes.append(differs.format(number=number + 1))
        return right, notes

    def _moments_differ(
        self, found: list[dict[str, Any]], want: list[dict[str, Any]]
    ) -> str | None:
        """Why the moments of a call's tensors differ from the reference's (None: they agree)."""
        if len(found) != len(want):
            return _("{found} tensor(s), expected {expected}").format(
                found=len(found), expected=len(want)
            )
        for number, (mine, theirs) in enumerate(zip(found, want), start=1):
            shape = tuple(mine["shape"])
            label = (
                _("tensor {number} {shape}") if len(want) > 1 else _("the {shape} tensor")
            ).format(number=number, shape=shape)
            if mine["shape"] != theirs["shape"]:
                message = _("{label}: expected shape {shape}")
                return message.format(label=label, shape=tuple(theirs["shape"]))
            std, wanted = mine["std"], theirs["std"]
            if abs(std - wanted) > self.spread * wanted + self.atol:
                message = _("{label} has std {std:.4g}, expected {wanted:.4g}")
                return message.format(label=label, std=std, wanted=wanted)
            # Two sample means of n draws each differ by about std * sqrt(2 / n).
            size = max(1, int(np.prod(mine["shape"])))
            if abs(mine["mean"] - theirs["mean"]) > 5 * wanted / math.sqrt(size) + self.atol:
                message = _("{label} has mean {mean:.4g}, expected about 0")
                return message.format(label=label, mean=mine["mean"])
        return None


def _show(arrays: list[np.ndarray]) -> str:
    return show(arrays[0]) if len(arrays) == 1 else "(" + ", ".join(show(a) for a in arrays) + ")"


class AutogradFunctionCheck(CheckBase):
    """A custom `torch.autograd.Function` (its `apply`): `gradcheck` in double precision,
    and forward values and gradients equal to the torch operation it re-implements."""

    kind: Literal["autograd_function"]
    target: Locator
    operation: Literal["relu", "sigmoid", "tanh"]
    input: list[int] = Field(min_length=1)
    away_from_zero: float = Field(default=0.05, ge=0, description="keep inputs off kinks")
    atol: float = Field(default=1e-8, ge=0)

    def requests(self) -> dict[str, Request]:
        spec = {"randn": self.input, "away_from_zero": self.away_from_zero}
        params = AutogradFunctionParams(locator=self.target, operation=self.operation, input=spec)
        return {"target": params.request()}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        if not seen.ok("target"):
            return Verdict(0, _("not checked: {error}").format(error=seen.error("target")))
        found = seen.value("target")
        forward = found["forward_error"] <= self.atol
        backward = found["backward_error"] <= self.atol
        gradcheck = (
            _("gradcheck passes")
            if found["gradcheck"]
            else _("gradcheck fails ({problem})").format(problem=found["gradcheck_problem"])
        )
        forward_note = (
            _("forward equals {operation}") if forward else _("forward differs from {operation}")
        )
        backward_note = (
            _("backward equals autograd's") if backward else _("backward differs from autograd's")
        )
        notes = [gradcheck, forward_note.format(operation=self.operation), backward_note]
        fraction = (found["gradcheck"] + forward + backward) / 3
        return Verdict(fraction, f"{found['where']}: " + "; ".join(notes))


class ModelOutputCheck(CheckBase):
    """What a model returns for a grader batch: its shape, what its rows are, the classes
    it predicts, or how close every output is to a value.

    `input` is a shape (a random batch) or a fixture spec (`{tensor: [[0, 0], [0, 1]]}`).
    `classes` are the predictions every row must give: output > `threshold` for a
    single output column, the argmax otherwise. `near` requires every output within
    `atol` of it.
    """

    kind: Literal["model_output"]
    target: Locator
    input: list[int] | dict[str, Any]
    shape: list[int] | None = None
    rows: Literal["log_probabilities", "probabilities"] | None = None
    classes: list[int] | None = None
    threshold: float = 0.5
    near: float | None = None
    atol: float = Field(default=1e-3, ge=0)

    @model_validator(mode="after")
    def _something_to_check(self) -> ModelOutputCheck:
        if self.shape is None and self.rows is None and self.classes is None and self.near is None:
            raise ValueError(_("give `shape`, `rows`, `classes` or `near`"))
        if isinstance(self.input, list) and not self.input:
            raise ValueError(_("`input` needs a shape or a fixture spec"))
        return self

    def requests(self) -> dict[str, Request]:
        return {"target": _run_model(self.target, self.input)}

    def answers(self, expected: Seen) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.classes is not None:
            out["classes"] = self.classes
        if self.near is not None:
            out["near"] = self.near
        return out

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        if not seen.ok("target"):
            return Verdict(0, _("not found: {error}").format(error=seen.error("target")))
        model = seen.value("target")
        try:
            output = numbers(model["output"])
        except NotNumeric as exc:
            message = _("{where}: the output is {value}")
            return Verdict(0, message.format(where=model["where"], value=exc))
        held, notes = [], []
        if self.shape is not None:
            same = list(output.shape) == self.shape
            held.append(same)
            note = (
                _("output shape {shape}") if same else _("output shape {shape}, expected {wanted}")
            )
            notes.append(note.format(shape=tuple(output.shape), wanted=tuple(self.shape)))
        rows = output.reshape(output.shape[0], -1) if output.ndim else output.reshape(1, 1)
        if self.rows is not None:
            values = np.exp(rows) if self.rows == "log_probabilities" else rows
            holds = bool(np.all(values >= -1e-6) and np.allclose(values.sum(axis=1), 1, atol=1e-4))
            held.append(holds)
            notes.append(_rows_note(self.rows, holds))
        if self.classes is not None:
            same, note = self._classes(rows)
            held.append(same)
            notes.append(note)
        if self.near is not None:
            holds = bool(np.all(np.abs(rows - self.near) <= self.atol))
            held.append(holds)
            shown = show(rows.reshape(-1))
            note = (
                _("outputs {shown} are within {atol:g} of {near:g}")
                if holds
                else _("outputs {shown} are not all within {atol:g} of {near:g}")
            )
            notes.append(note.format(shown=shown, atol=self.atol, near=self.near))
        return Verdict(sum(held) / len(held), f"{model['where']}: " + "; ".join(notes))

    def _classes(self, rows: np.ndarray) -> tuple[bool, str]:
        """Whether the predicted classes are `classes`, and a note saying which they are."""
        assert self.classes is not None
        if rows.shape[1] == 1:
            predicted = (rows[:, 0] > self.threshold).astype(int).tolist()
        else:
            predicted = rows.argmax(axis=1).tolist()
        same = predicted == list(self.classes)
        if same:
            return True, _("predicts {predicted}").format(predicted=predicted)
        if self.visibility == "public":
            message = _("predicts {predicted}, expected {expected}")
            return False, message.format(predicted=predicted, expected=list(self.classes))
        message = _("predicts {predicted}, which are not the expected classes")
        return False, message.format(predicted=predicted)


def _rows_note(rows: str, holds: bool) -> str:
    """Whether a model's output rows are (log-)probabilities, as a note."""
    notes = {
        ("log_probabilities", True): _("rows are log-probabilities"),
        ("log_probabilities", False): _("rows are not log-probabilities"),
        ("probabilities", True): _("rows are probabilities"),
        ("probabilities", False): _("rows are not probabilities"),
    }
    return notes[rows, holds]
