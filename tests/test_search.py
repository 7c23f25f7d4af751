"""Functions under the student's own names are found by what they compute."""

from __future__ import annotations

import pytest

from graders.judge.kinds.models import FunctionCheck
from graders.judge.routing import route
from graders.judge.verdict import RunView, Seen
from graders.observe.protocol import ProbeRequest
from graders.rubric.models import Rubric

from .conftest import sandbox

pytestmark = pytest.mark.slow

CELLS = [
    "import numpy as np\ndef act_sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
    "def act_tanh(z):\n    return np.tanh(z)\ndef forever(z):\n    while True:\n        pass",
    "def two(a, b):\n    return a + b",
]


def _search_probe(names: list[str], exclude: list[str] = ()) -> dict:
    locator = {"kind": "function", "names": names, "search": True, "exclude": list(exclude)}
    arguments = {"locator": locator, "args": [{"tensor": [0.0, 1.0], "numpy": True}]}
    return sandbox(CELLS, [ProbeRequest("c", "call", arguments)], cell_timeout=10).probes["c"]


def test_every_own_function_of_the_right_arity_is_tried_within_a_time_limit() -> None:
    record = _search_probe(["sigmoid"])
    assert record["ok"]
    candidates = {c["where"]: c for c in record["value"]["candidates"]}
    assert set(candidates) == {"`act_sigmoid`", "`act_tanh`", "`forever`"}
    assert candidates["`act_sigmoid`"]["result"]["data"][1] == pytest.approx(0.7310586)
    assert "ran past" in candidates["`forever`"]["error"]


def test_functions_named_by_other_checks_are_left_to_them() -> None:
    record = _search_probe(["sigmoid"], exclude=["act_tanh", "forever"])
    assert [c["where"] for c in record["value"]["candidates"]] == ["`act_sigmoid`"]


def _check() -> FunctionCheck:
    return FunctionCheck(
        id="sigmoid",
        kind="function",
        points=1,
        target={"kind": "function", "names": ["sigmoid"], "search": True},
        calls=[{"args": [0]}],
    )


def _candidates(*results: tuple[str, float]) -> Seen:
    found = [{"where": w, "result": {"type": "number", "value": r}} for w, r in results]
    return Seen({"call0": {"ok": True, "value": {"where": "search", "candidates": found}}})


EXPECTED = Seen(
    {"expected:call0": {"ok": True, "value": {"result": {"type": "number", "value": 0.5}}}}
)


def test_the_candidate_that_agrees_with_the_reference_is_judged() -> None:
    verdict = _check().judge(
        _candidates(("`tanh_`", 0.0), ("`logistic_`", 0.5)), EXPECTED, RunView()
    )
    assert verdict.fraction == 1
    assert verdict.message.startswith("`logistic_` (found by what it computes)")


def test_no_candidate_agreeing_is_not_found_naming_what_was_tried() -> None:
    verdict = _check().judge(_candidates(("`tanh_`", 0.0)), EXPECTED, RunView())
    assert verdict.fraction == 0
    assert (
        verdict.message == "not found: no function named `sigmoid`, and none of `tanh_` computes it"
    )


def test_routing_tells_a_search_which_names_other_checks_take() -> None:
    rubric = Rubric(
        assignment="a",
        title="t",
        questions=[
            {
                "id": "q1",
                "title": "t",
                "points": 2,
                "checks": [
                    _check().model_dump(),
                    {
                        **_check().model_dump(),
                        "id": "tanh",
                        "target": {"kind": "function", "names": ["tanh"]},
                    },
                ],
            }
        ],
    )
    searching = [r for r in route(rubric).requests if r.params["locator"].get("search")]
    assert [r.params["locator"]["exclude"] for r in searching] == [["tanh"]]


def test_a_search_on_some_calls_only_is_judged_per_candidate() -> None:
    check = FunctionCheck(
        id="derivative",
        kind="function",
        points=1,
        target={"kind": "function", "names": ["derivative"], "search": True},
        calls=[{"args": [0]}, {"args": [0, 1]}],
    )
    missing = {"ok": False, "not_found": True, "error": "no function takes 1 argument(s)"}
    found = [{"where": "`slope`", "result": {"type": "number", "value": 0.5}}]
    seen = Seen(
        {"call0": missing, "call1": {"ok": True, "value": {"where": "search", "candidates": found}}}
    )
    expected = Seen(
        {
            f"expected:call{i}": {"ok": True, "value": {"result": {"type": "number", "value": 0.5}}}
            for i in (0, 1)
        }
    )
    verdict = check.judge(seen, expected, RunView())
    assert verdict.fraction == 0.5 and verdict.message.startswith(
        "`slope` (found by what it computes)"
    )
