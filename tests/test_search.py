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


# -- how a function computed its result ------------------------------------------------------

TWO_LAYER_CELLS = [
    "import numpy as np\nimport torch",
    # by hand, in numpy; by hand, in torch; with autograd; through a custom Function
    "def by_hand_numpy(x, w):\n    h = np.maximum(x @ w, 0)\n    return h.sum(), (x.T @ (h > 0))",
    "def by_hand_torch(x, w):\n    h = (x.mm(w)).clamp(min=0)\n"
    "    return h.sum(), x.t().mm((h > 0).to(x.dtype))",
    "def with_autograd(x, w):\n    w = w.clone().requires_grad_(True)\n"
    "    s = x.mm(w).clamp(min=0).sum()\n    s.backward()\n    return s.item(), w.grad",
    "class Clamp(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, a):\n"
    "        ctx.save_for_backward(a)\n        return a.clamp(min=0)\n    @staticmethod\n"
    "    def backward(ctx, g):\n        (a,) = ctx.saved_tensors\n        return g * (a > 0)\n"
    "def with_custom(x, w):\n    w = w.clone().requires_grad_(True)\n"
    "    s = Clamp.apply(x.mm(w)).sum()\n    s.backward()\n    return s.item(), w.grad",
]


def test_each_candidate_says_how_it_computed_its_result() -> None:
    locator = {"kind": "function", "names": ["two_layer"], "search": True}
    arguments = {
        "locator": locator,
        "args": [
            {"randn": [4, 3], "seed": 1, "numpy": True},
            {"randn": [3, 2], "seed": 2, "numpy": True},
        ],
    }
    result = sandbox(TWO_LAYER_CELLS, [ProbeRequest("c", "call", arguments)], cell_timeout=20)
    methods = {c["where"]: c["method"] for c in result.probes["c"]["value"]["candidates"]}
    assert methods["`by_hand_numpy`"] == {
        "autograd": False,
        "custom_function": False,
        "library": "numpy",
    }
    assert methods["`by_hand_torch`"] == {
        "autograd": False,
        "custom_function": False,
        "library": "torch",
    }
    assert methods["`with_autograd`"] == {
        "autograd": True,
        "custom_function": False,
        "library": "torch",
    }
    assert methods["`with_custom`"] == {
        "autograd": True,
        "custom_function": True,
        "library": "torch",
    }


def test_a_search_for_a_custom_autograd_function_finds_the_submissions_own() -> None:
    locator = {"kind": "function", "names": ["MyReLU"], "search": True}
    arguments = {"locator": locator, "operation": "relu", "input": {"randn": [3, 4]}}
    result = sandbox(TWO_LAYER_CELLS, [ProbeRequest("f", "autograd_function", arguments)])
    record = result.probes["f"]
    assert record["ok"] and record["value"]["where"].startswith("`Clamp`")
    assert record["value"]["gradcheck"] and record["value"]["backward_error"] < 1e-12


def _method_check(**method: object) -> FunctionCheck:
    return FunctionCheck(
        id="gradients",
        kind="function",
        points=1,
        target={"kind": "function", "names": ["two_layer_torch"], "search": True},
        calls=[{"args": [0]}],
        method=method,
    )


def _with_methods(*candidates: tuple[str, dict]) -> Seen:
    found = [
        {"where": w, "result": {"type": "number", "value": 0.5}, "method": m} for w, m in candidates
    ]
    return Seen({"call0": {"ok": True, "value": {"where": "search", "candidates": found}}})


BY_HAND = {"autograd": False, "custom_function": False, "library": "torch"}
AUTOGRAD = {"autograd": True, "custom_function": False, "library": "torch"}
CUSTOM = {"autograd": True, "custom_function": True, "library": "torch"}


def test_the_candidate_computing_it_the_way_asked_is_taken() -> None:
    seen = _with_methods(("`net_autograd`", AUTOGRAD), ("`net_torch`", BY_HAND))
    by_hand = _method_check(autograd=False).judge(seen, EXPECTED, RunView())
    assert by_hand.fraction == 1 and by_hand.message.startswith("`net_torch`")
    with_autograd = _method_check(autograd=True, custom_function=False).judge(
        seen, EXPECTED, RunView()
    )
    assert with_autograd.fraction == 1 and with_autograd.message.startswith("`net_autograd`")


def test_a_function_computing_it_another_way_answers_no_other_question() -> None:
    only_custom = _with_methods(("`net_custom`", CUSTOM))
    verdict = _method_check(autograd=True, custom_function=False).judge(
        only_custom, EXPECTED, RunView()
    )
    assert verdict.fraction == 0
    numpy_only = _with_methods(("`net_numpy`", {**BY_HAND, "library": "numpy"}))
    assert _method_check(library="torch").judge(numpy_only, EXPECTED, RunView()).fraction == 0


def test_a_named_function_computing_it_another_way_is_told_why() -> None:
    check = _method_check(autograd=False)
    record = {"where": "`two_layer_torch`", "result": {"type": "number", "value": 0.5}}
    seen = Seen({"call0": {"ok": True, "value": {**record, "method": AUTOGRAD}}})
    verdict = check.judge(seen, EXPECTED, RunView())
    assert verdict.fraction == 0
    assert "computed with autograd; the question asks for the gradients by hand" in verdict.message
