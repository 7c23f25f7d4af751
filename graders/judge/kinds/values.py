"""Checks on values: numbers and vectors, shapes, parameter counts, choices."""

from __future__ import annotations

import re
from typing import Any, Literal

import numpy as np
from pydantic import Field

from ...i18n import _
from ...observe.protocol import ModuleParams, Request, ValueParams
from ..compare import NotNumeric, numbers, shape_of, show
from ..verdict import RunView, Seen, Verdict
from .base import CheckBase, Compared, Locator, Strict, correct

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def printed_sequences(stdout: str) -> list[tuple[np.ndarray, str]]:
    """The numbers of the printed output in the order printed, then each column of every
    printed table (consecutive lines alike but for their numbers, such as
    `x=(0,1)  s=0.5  tau(s)=1` once per input), each with where it was read."""
    lines = stdout.splitlines()
    rows = [[float(m) for m in _NUMBER.findall(line)] for line in lines]
    skeletons = [_NUMBER.sub("#", line).strip() for line in lines]
    flat = np.array([number for row in rows for number in row], dtype=float)
    sequences = [(flat, _("printed output"))]
    start = 0
    while start < len(rows):
        end = start
        while end + 1 < len(rows) and skeletons[end + 1] == skeletons[start]:
            end += 1
        if end > start and len(rows[start]) > 1:
            table = np.array(rows[start : end + 1], dtype=float)
            for column in range(table.shape[1]):
                place = _(
                    "printed output (column {column} of the table printed from line {line})"
                ).format(column=column + 1, line=start + 1)
                sequences.append((table[:, column], place))
        start = end + 1
    return sequences

Property = Literal["finite", "positive", "scalar", "probabilities"]


def _mse(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    return np.mean((output - target.reshape(output.shape)) ** 2)


RELATIONS = {"mse": _mse}


class Relation(Strict):
    """An expectation computed from other values of the same submission."""

    function: Literal["mse"]
    args: list[Locator] = Field(min_length=1)


def _candidates(value: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(c["where"], c["value"]) for c in value.get("candidates", [])]


class ValueCheck(Compared):
    """A number or vector the submission computed, found by name or by search.

    With `properties` alone it checks what can be shown without the answer
    (finite, positive, a probability vector, a scalar); with `expect` or
    `conventions` it compares values. `from_output` also accepts the numbers
    printed by the submission; `alongside` names checks of the question of which one
    must earn points for the value to count (a printed ln 2 is no single-layer XOR's cost
    where no single-layer model exists).
    """

    kind: Literal["value"]
    from_output: bool = False
    alongside: list[str] = Field(
        default_factory=list,
        description="checks of the same question of which at least one must earn points for "
        "this one to count: a number alone is no answer without the work that computes it",
    )
    output_tolerance: float = Field(default=1e-3, ge=0)
    properties: list[Property] = Field(default_factory=list)
    shape: list[int] | None = None
    computed_from: Relation | None = None
    volume: bool = Field(
        default=False,
        description="a count may be given as the dimensions whose product it is (32x32x10)",
    )

    def matches(self, found: Any, expected: Any) -> bool:
        if super().matches(found, expected):
            return True
        dims = np.asarray(found, dtype=float) if self.volume else np.zeros(0)
        return bool(
            dims.ndim == 1
            and dims.size > 1
            and np.all(dims == np.round(dims))
            and np.size(expected) == 1
            and super().matches(np.prod(dims), expected)
        )

    def _has_own_test(self) -> bool:
        return bool(self.properties) or self.shape is not None or self.computed_from is not None

    def requests(self) -> dict[str, Request]:
        requests = super().requests()
        if self.computed_from:
            for number, locator in enumerate(self.computed_from.args):
                requests[f"arg{number}"] = self.observe(locator)
        return requests

    def _computed(self, seen: Seen) -> dict[str, Any]:
        assert self.computed_from is not None
        try:
            args = [
                self.quantity(seen.value(f"arg{i}")) for i in range(len(self.computed_from.args))
            ]
        except (KeyError, NotNumeric):
            return {}
        return {"expected": RELATIONS[self.computed_from.function](*args)}

    def observe(self, locator: Locator) -> Request:
        return ValueParams(locator=locator).request()

    def quantity(self, value: Any) -> Any:
        for _where, observation in _candidates(value):
            try:
                return numbers(observation)
            except NotNumeric:
                continue
        raise NotNumeric(_("no number was found"))

    def bundled(self, value: Any) -> Any:
        """The first numeric candidate alone, the one `quantity` compares."""
        for _where, observation in _candidates(value):
            try:
                numbers(observation)
            except NotNumeric:
                continue
            return {"candidates": [{"where": "reference", "value": observation}]}
        return {"candidates": []}

    def _numeric(self, seen: Seen) -> list[tuple[str, np.ndarray]]:
        """The numeric candidates of the right shape; those a name or pattern hints at
        alone when there are any (a search only stands in for a missing name)."""
        found = []
        if seen.ok("target"):
            for candidate in seen.value("target").get("candidates", []):
                try:
                    array = numbers(candidate["value"])
                except NotNumeric:
                    continue
                if self.shape is None or list(np.squeeze(array).shape) == _squeezed(self.shape):
                    found.append((candidate["where"], array, candidate.get("searched", False)))
        hinted = [(where, array) for where, array, searched in found if not searched]
        return hinted or [(where, array) for where, array, _ in found]

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        candidates = self._numeric(seen)
        if self.computed_from:
            accepted = self._computed(seen)
            if not accepted:
                needed = ", ".join(
                    _("a {target}").format(target=loc.describe())
                    for loc in self.computed_from.args
                )
                return Verdict(
                    0, _("cannot check consistency: need {needed}").format(needed=needed)
                )
        else:
            accepted = self.expectations(expected)
        if not accepted:
            return self._properties(candidates)
        for where, array in candidates:
            verdict = self.verdict_for(array, accepted, where=f"{where}: ")
            if verdict.fraction == 1:
                return verdict
        if self.from_output:
            verdict = self._from_output(run.stdout, accepted)
            if verdict is not None:
                return verdict
        if candidates:
            where, array = candidates[0]
            return self.verdict_for(array, accepted, where=f"{where}: ")
        missing = (
            _("not found: no {target} and no such numbers in the printed output")
            if self.from_output
            else _("not found: no {target}")
        )
        return Verdict(0, missing.format(target=self.target.describe()))

    def _from_output(self, stdout: str, accepted: dict[str, Any]) -> Verdict | None:
        sequences = printed_sequences(stdout)
        for name, value in accepted.items():
            if value is None:
                continue
            want = np.asarray(value, dtype=float).reshape(-1)
            tolerance = self.output_tolerance * np.maximum(1.0, np.abs(want))
            for printed, place in sequences:
                for start in range(0, max(0, printed.size - want.size + 1)):
                    if np.all(np.abs(printed[start : start + want.size] - want) <= tolerance):
                        convention = None if name == "expected" else name
                        return Verdict(
                            1, f"{place}: " + correct(show(want), convention), convention=convention
                        )
        return None

    def _properties(self, candidates: list[tuple[str, np.ndarray]]) -> Verdict:
        if not candidates:
            missing = (
                _("not found: no numeric {target} of shape {shape}")
                if self.shape
                else _("not found: no numeric {target}")
            )
            shape = tuple(self.shape) if self.shape else None
            return Verdict(0, missing.format(target=self.target.describe(), shape=shape))
        told = (
            _("{where}: {value} is {properties}")
            if self.properties
            else _("{where}: {value} is of the expected shape")
        )
        named = ", ".join(_property(p) for p in self.properties)
        for where, array in candidates:
            if all(_holds(p, array) for p in self.properties):
                return Verdict(1, told.format(where=where, value=show(array), properties=named))
        where, array = candidates[0]
        failed = ", ".join(_property(p) for p in self.properties if not _holds(p, array))
        message = _("{where}: {value} is not {properties}")
        return Verdict(0, message.format(where=where, value=show(array), properties=failed))


def _squeezed(shape: list[int]) -> list[int]:
    return [d for d in shape if d != 1]


def _property(prop: str) -> str:
    """A property's name in the reader's language."""
    names = {
        "finite": _("finite"),
        "positive": _("positive"),
        "scalar": _("scalar"),
        "probabilities": _("probabilities"),
    }
    return names[prop]


def _holds(prop: str, array: np.ndarray) -> bool:
    if prop == "finite":
        return bool(np.all(np.isfinite(array)))
    if prop == "positive":
        return bool(np.all(array > 0))
    if prop == "scalar":
        return array.size == 1
    if prop == "probabilities":
        return bool(np.all(array >= 0) and np.all(array <= 1) and abs(array.sum() - 1) < 1e-4)
    raise ValueError(prop)


class ShapeCheck(Compared):
    """The shape of a value, or of a model's output for an input of a given shape."""

    kind: Literal["shape"]
    input: list[int] | None = None

    def observe(self, locator: Locator) -> Request:
        if locator.kind == "module":
            shape = self.input or locator.accepts
            return ModuleParams(locator=locator, input={"randn": shape}).request()
        return ValueParams(locator=locator).request()

    def quantity(self, value: Any) -> Any:
        if "output" in value:
            return shape_of(value["output"])
        candidates = _candidates(value)
        if not candidates:
            raise NotNumeric(_("nothing found"))
        return shape_of(candidates[0][1])

    def bundled(self, value: Any) -> Any:
        """The shape alone, without the values of the output or of the value."""
        return {"output": {"type": "shape", "value": self.quantity(value)}}

    def matches(self, found: Any, expected: Any) -> bool:
        return list(found) == list(expected)


class ParametersCheck(Compared):
    """A model's parameters: their total count, the number of tensors, or one tensor's shape."""

    kind: Literal["parameters"]
    measure: Literal["count", "tensors", "shape", "trainable"] = "count"
    index: int = 0

    def observe(self, locator: Locator) -> Request:
        return ModuleParams(locator=locator).request()

    def quantity(self, value: Any) -> Any:
        if self.measure == "count":
            return value["param_count"]
        if self.measure == "trainable":
            return value["trainable_count"]
        if self.measure == "tensors":
            return len(value["param_shapes"])
        return value["param_shapes"][self.index]

    def bundled(self, value: Any) -> Any:
        """The measured field alone; `param_shapes` keeps its length (the number of
        tensors) and only the compared shape."""
        if self.measure == "count":
            return {"param_count": value["param_count"]}
        if self.measure == "trainable":
            return {"trainable_count": value["trainable_count"]}
        shapes: list[Any] = [None] * len(value["param_shapes"])
        if self.measure == "shape" and self.index < len(shapes):
            shapes[self.index] = value["param_shapes"][self.index]
        return {"param_shapes": shapes}

    def matches(self, found: Any, expected: Any) -> bool:
        return found == expected or list(np.atleast_1d(found)) == list(np.atleast_1d(expected))


TRUE_WORDS = {"true", "t", "o", "yes", "y", "1", "참", "맞다", "맞음"}
FALSE_WORDS = {"false", "f", "x", "no", "n", "0", "거짓", "틀리다", "틀림"}


def normalise_choice(value: Any) -> Any:
    """True/False, T/F, O/X and yes/no as booleans; other text lower-cased and stripped."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().strip(".").lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return text


def _choices(observation: dict[str, Any]) -> list[Any]:
    kind = observation.get("type")
    if kind == "list":
        return [normalise_choice(_plain(item)) for item in observation["items"]]
    if kind == "dict":  # {1: False, 2: True, ...} or {"q3_1": "X", ...}: by the items' numbers
        items = observation["items"]
        numbers = {key: _item_number(key) for key in items}
        if all(numbers.values()) and len(set(numbers.values())) == len(numbers):
            given: list[Any] = [None] * max(numbers.values())
            for key, number in numbers.items():
                given[number - 1] = normalise_choice(_plain(items[key]))
            return given
        return [normalise_choice(_plain(items[key])) for key in items]
    if kind == "str" and "," in observation["value"]:
        return [normalise_choice(part) for part in observation["value"].split(",")]
    return [normalise_choice(_plain(observation))]


def _item_number(key: str) -> int | None:
    """The item a dict key names by its last number (`"3"`, `"q3_10"`, `"3-1"`: 3, 10, 1)."""
    import re

    found = re.findall(r"\d+", key)
    return int(found[-1]) or None if found else None


def _plain(observation: dict[str, Any]) -> Any:
    if observation.get("type") in ("str", "bool", "number"):
        return observation["value"]
    return observation.get("class", "?")


class ChoiceCheck(CheckBase):
    """Multiple-choice or true/false answers, one point share per item.

    With `item` (1-based), only that answer of the list counts (a lone answer
    found under its own name counts as that item).
    """

    kind: Literal["choice"]
    target: Locator
    expect: list[Any] = Field(min_length=1)
    item: int | None = Field(default=None, ge=1)

    def requests(self) -> dict[str, Request]:
        return {"target": ValueParams(locator=self.target).request()}

    def answers(self, expected: Seen) -> dict[str, Any]:
        if self.item is not None and self.item <= len(self.expect):
            return {"expected": self.expect[self.item - 1]}
        return {"expected": self.expect}

    def judge(self, seen: Seen, expected: Seen, run: RunView) -> Verdict:
        candidates = _candidates(seen.value("target")) if seen.ok("target") else []
        if not candidates:
            return self._from_answer_cells(run)
        where, observation = candidates[0]
        given = _choices(observation)
        want = [normalise_choice(v) for v in self.expect]
        if self.item is not None:
            lone = observation.get("type") != "list" and len(given) == 1
            return self._one_item(where, given, want, lone)
        right = sum(1 for g, w in zip(given, want) if g == w)
        wrong = [str(i + 1) for i, (g, w) in enumerate(zip(given, want)) if g != w]
        message = (
            _("{where}: {right} of {total} answers correct (wrong: {wrong})")
            if wrong and self.visibility == "public"
            else _("{where}: {right} of {total} answers correct")
        ).format(where=where, right=right, total=len(want), wrong=", ".join(wrong))
        if len(given) != len(want):
            message += "; " + _("{given} answers given for {total} items").format(
                given=len(given), total=len(want)
            )
        return Verdict(right / len(want), message)

    def _from_answer_cells(self, run: RunView) -> Verdict:
        """Answers written as bare `True` / `"O"` cells, one per item, in the items' order."""
        given = [normalise_choice(v) for v in run.answer_cells]
        missing = Verdict(0, _("not found: no {target}").format(target=self.target.describe()))
        if len(given) != len(self.expect):
            return missing
        where = _("the answer cells")
        want = [normalise_choice(v) for v in self.expect]
        if self.item is not None:
            return self._one_item(where, given, want, lone=False)
        right = sum(1 for g, w in zip(given, want) if g == w)
        message = _("{where}: {right} of {total} answers correct")
        return Verdict(right / len(want), message.format(where=where, right=right, total=len(want)))

    def _one_item(self, where: str, given: list[Any], want: list[Any], lone: bool) -> Verdict:
        assert self.item is not None
        expected = want[self.item - 1] if self.item <= len(want) else want[0]
        if lone:
            answer = given[0]
        elif self.item <= len(given):
            answer = given[self.item - 1]
        else:
            message = _("{where}: no answer {item} ({given} answers given)")
            return Verdict(0, message.format(where=where, item=self.item, given=len(given)))
        if answer == expected:
            message = _("{where}: answer {item} is correct")
            return Verdict(1, message.format(where=where, item=self.item))
        message = (
            _("{where}: answer {item} is {answer}, which is wrong (expected {expected})")
            if self.visibility == "public"
            else _("{where}: answer {item} is {answer}, which is wrong")
        )
        return Verdict(
            0, message.format(where=where, item=self.item, answer=answer, expected=expected)
        )
