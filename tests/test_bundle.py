"""Self-check bundles carry what public checks compare, and nothing a hidden check or a
numeric question would give away."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graders.assignments import Assignment, get_assignment
from graders.bundle import make_bundle, read_bundle, write_bundle
from graders.engine import Expectations, Grader, Options
from graders.judge.kinds.base import CheckBase, Compared
from graders.judge.verdict import RunView, Seen
from graders.load import read_submission, with_entry
from graders.rubric import Rubric

from .conftest import ROOT
from .test_checks import make

ASSIGNMENTS = ["cnn-basics", "autograd", "pytorch-apis", "ann-cnn-lab", "midterm-2022"]
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# Keys of a probe record that say how it was observed, not what the reference computed.
NOT_VALUES = {"seconds", "shape", "dtype", "length"}


def _numbers(value: Any) -> list[float]:
    """Every number in a JSON value, without the structure keys (shapes, timings)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        return [n for k, v in value.items() if k not in NOT_VALUES for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []


def _canonical(number: float) -> float:
    """The number at float32 precision: a float32 and a float64 answer compare equal."""
    with np.errstate(over="ignore"):
        return float(np.float32(number))


def _distinctive(number: float) -> bool:
    """Whole numbers below 100 (shapes, points, indices) and decimals of at most three
    significant digits (learning rates, thresholds, tolerances) are everywhere in a rubric:
    a search for them says nothing."""
    if number.is_integer():
        return abs(number) >= 100
    return _canonical(float(f"{number:.3g}")) != number


def _protected(rubric: Rubric, expectations: Expectations) -> dict[str, set[float]]:
    """Per check, the numbers a bundle must not carry: the expected values of every hidden
    check and of every `value` check (an answer to a numeric question). The results of a
    hidden function or gradient check's reference call that a public check also compares
    are public by the rubric's design (autograd's Q6 gradients are Q5's)."""
    public_requests = {
        json.dumps(request, sort_keys=True)
        for question in rubric.questions
        for check in question.checks
        if check.visibility == "public" and check.kind != "value"
        for request in check.reference_requests().values()
    }
    out: dict[str, set[float]] = {}
    for question in rubric.questions:
        for check in question.checks:
            if check.visibility == "public" and check.kind != "value":
                continue
            records = {
                local: record
                for local, record in expectations.get(f"{question.id}/{check.id}", {}).items()
                if isinstance(check, Compared)
                or json.dumps(check.reference_requests()[local], sort_keys=True)
                not in public_requests
            }
            values = _expected_values(check, records)
            numbers = {c for c in map(_canonical, _numbers(values)) if _distinctive(c)}
            if numbers:
                out[f"{question.id}/{check.id}"] = numbers
    return out


def _expected_values(check: CheckBase, records: dict[str, Any]) -> list[Any]:
    """What a check compares with: the reference quantity of a compared check (a parameter
    count, not the model's shapes), else every value its reference records hold."""
    if isinstance(check, Compared):
        accepted = check.expectations(Seen(records)).values()
        return [np.asarray(v).ravel().tolist() for v in accepted if v is not None]
    return [record.get("value") for record in records.values()]


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[Assignment, Expectations, dict[str, Any]]]:
    """Each assignment, its full expectations and its bundle (one reference run each)."""
    out = {}
    for name in ASSIGNMENTS:
        assignment = get_assignment(name)
        expectations = Grader(assignment).expectations()
        out[name] = (assignment, expectations, make_bundle(assignment))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_bundle_carries_no_hidden_expected_value_and_no_numeric_answer(
    built: dict[str, tuple[Assignment, Expectations, dict[str, Any]]], name: str
) -> None:
    assignment, expectations, bundle = built[name]
    assert bundle["expectations"], "a bundle without expectations tests nothing"
    text = json.dumps(bundle)
    carried = {_canonical(float(m)) for m in NUMBER.findall(text)}
    leaked = {
        key: sorted(numbers & carried)[:5]
        for key, numbers in _protected(assignment.rubric, expectations).items()
        if numbers & carried
    }
    assert leaked == {}


@pytest.mark.slow
def test_cnn_basics_bundle_has_no_parameter_count(built) -> None:
    _, expectations, bundle = built["cnn-basics"]
    assert expectations["q1/parameter-count"]["expected"]["value"]["param_count"] == 61706
    assert 61706.0 not in {float(m) for m in NUMBER.findall(json.dumps(bundle))}


def _shape_check() -> CheckBase:
    return make(
        "shape",
        visibility="public",
        target={"kind": "module", "names": ["net"]},
        input=[1, 1, 32, 32],
        expect={"reference": {"kind": "module", "names": ["net"]}},
    )


def _module_record(output_shape: list[int]) -> dict[str, Any]:
    size = int(np.prod(output_shape))
    return {
        "ok": True,
        "value": {
            "where": "`net`",
            "param_shapes": [[6, 1, 5, 5], [6]],
            "param_count": 61706,
            "ops": ["conv2d(1,6,k5,s1,p0)"],
            "output": {
                "type": "tensor",
                "shape": output_shape,
                "dtype": "float32",
                "data": [0.125] * size,
            },
        },
    }


def test_shape_check_bundles_the_shape_alone() -> None:
    check = _shape_check()
    expected = Seen({"expected": _module_record([1, 10])})
    bundled = check.bundle_expectations(expected)
    assert bundled == {
        "expected": {"ok": True, "value": {"output": {"type": "shape", "value": [1, 10]}}}
    }
    for found in ([1, 10], [1, 9]):
        seen = Seen({"target": _module_record(found)})
        full = check.judge(seen, expected, RunView())
        from_bundle = check.judge(seen, Seen(bundled), RunView())
        assert (full.fraction, full.message) == (from_bundle.fraction, from_bundle.message)


@pytest.mark.parametrize(
    ("measure", "kept"),
    [
        ("count", {"param_count": 61706}),
        ("tensors", {"param_shapes": [None, None]}),
        ("shape", {"param_shapes": [[6, 1, 5, 5], None]}),
    ],
)
def test_parameters_check_bundles_the_measured_field_alone(measure: str, kept: dict) -> None:
    check = make(
        "parameters",
        visibility="public",
        target={"kind": "module", "names": ["net"]},
        measure=measure,
        expect={"reference": {"kind": "module", "names": ["net"]}},
    )
    expected = Seen({"expected": _module_record([1, 10])})
    bundled = check.bundle_expectations(expected)
    assert bundled == {"expected": {"ok": True, "value": kept}}
    assert check.expectations(Seen(bundled)) == check.expectations(expected)


def test_a_failed_reference_observation_is_left_out() -> None:
    check = _shape_check()
    assert check.bundle_expectations(Seen({"expected": {"ok": False, "error": "x"}})) == {}


def _scores(result) -> dict[str, tuple[str, float]]:
    return {f"{q.id}/{c.id}": (c.status, c.score) for q in result.questions for c in q.checks}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["autograd", "midterm-2022"])
def test_examples_score_the_same_from_a_bundle(built, name: str, tmp_path: Path) -> None:
    assignment, expectations, _ = built[name]
    path = tmp_path / f"{name}.dlgrade.json"
    write_bundle(assignment, path)
    options = Options(public_only=True, fast=True)
    full = Grader(assignment, options)
    bundled = Grader(read_bundle(path), options)
    assert [r.id for r in bundled.routing.requests] == [r.id for r in full.routing.requests]
    examples = sorted((ROOT / "submissions_example" / name).iterdir())
    statuses = set()
    for example in examples:
        submission = with_entry(read_submission(example), full.rubric.entry)
        if submission.error:
            continue
        run = full.observe(submission, full.routing, options.budget)
        from_full = full.judge(submission, run, full.routing, expectations)
        from_bundle = bundled.judge(submission, run, bundled.routing, bundled.expectations())
        assert _scores(from_bundle) == _scores(from_full), example.name
        statuses |= {status for status, _ in _scores(from_full).values()}
    assert {"pass", "fail"} <= statuses  # the examples test both ways
