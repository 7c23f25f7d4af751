"""ann-cnn-lab: the reference's answers agree with hand derivations and with torch itself,
the model-output check judges XOR models, and the reference earns full marks on the real data."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn as nn
from pydantic import TypeAdapter

from graders.assignments import get_assignment
from graders.cli import answers, main
from graders.engine import Grader
from graders.judge.kinds import Check
from graders.judge.verdict import RunView, Seen
from graders.observe.child.serialize import to_json
from graders.observe.protocol import ProbeRequest

from .conftest import sandbox
from .rubric_inputs import calls

CHECKS: TypeAdapter[Any] = TypeAdapter(Check)
XOR_POINTS = [[0, 0], [0, 1], [1, 0], [1, 1]]


@pytest.fixture(scope="module")
def assignment():
    return get_assignment("ann-cnn-lab")


@pytest.fixture(scope="module")
def reference(assignment) -> dict[str, Any]:
    return answers(assignment)["questions"]


def results(per_call: list[list[Any]]) -> list[float]:
    """One number per call from a function check's answers (each call: a list of parts)."""
    return [float(np.asarray(parts, dtype=float).reshape(-1)[0]) for parts in per_call]


def tau(s: float) -> int:
    return 1 if s >= 0 else -1


# -- the reference's answers ---------------------------------------------------


@pytest.mark.slow
def test_or_outputs_follow_the_slide(reference) -> None:
    by_hand = [tau(-0.5 + 1.0 * x1 + 1.0 * x2) for x1, x2 in [(0, 0), (1, 0), (0, 1), (1, 1)]]
    assert by_hand == [-1, 1, 1, 1]
    assert reference["or-perceptron"]["or-outputs"] == by_hand


@pytest.mark.slow
def test_step_and_perceptron_on_the_grader_inputs(assignment, reference) -> None:
    steps = [tau(s) for (s,) in calls(assignment, "or-perceptron", "step")]
    assert results(reference["or-perceptron"]["step"]) == steps
    assert steps[3] == 1  # tau(0) = 1
    want = []
    for w, x in calls(assignment, "or-perceptron", "perceptron"):
        want.append(tau(w[0] + sum(wi * xi for wi, xi in zip(w[1:], x))))
    assert results(reference["or-perceptron"]["perceptron"]) == want
    assert want[:4] == [-1, 1, -1, 1]  # OR on (0, 0), (1, 0); AND on (1, 0), (1, 1)


@pytest.mark.slow
def test_single_layer_cost_is_ln_2(reference) -> None:
    assert reference["xor-single-layer"]["cost"] == pytest.approx(math.log(2), abs=1e-5)
    assert reference["xor-single-layer"]["outputs"] == {"near": 0.5}


@pytest.mark.slow
def test_xor_mlp_parameter_count_by_hand(reference) -> None:
    layers = [(2, 10), (10, 10), (10, 10), (10, 1)]
    assert reference["xor-mlp"]["parameter-count"] == sum(i * o + o for i, o in layers) == 261


@pytest.mark.slow
def test_cross_entropy_table_with_ln(reference) -> None:
    answers = reference["cross-entropy"]
    per_sample = [-math.log(0.6), -math.log(0.6), -math.log(0.3)]
    assert answers["per-sample"] == pytest.approx(per_sample, rel=1e-9)
    assert [round(v, 2) for v in answers["per-sample"]] == [0.51, 0.51, 1.20]
    assert answers["mean"] == pytest.approx(sum(per_sample) / 3, rel=1e-9)
    assert round(answers["mean"], 2) == 0.74


@pytest.mark.slow
def test_cross_entropy_example_in_both_conventions(reference) -> None:
    example = reference["cross-entropy"]["example"]
    assert example["ln"] == pytest.approx(-math.log(0.7), rel=1e-9)
    assert example["log10"] == pytest.approx(-math.log10(0.7), rel=1e-9)
    assert round(example["log10"], 6) == 0.154902  # the slide prints 0.154901


@pytest.mark.slow
def test_cross_entropy_function_on_the_grader_distributions(assignment, reference) -> None:
    found = reference["cross-entropy"]["function"]
    for log, name in ((math.log, "ln"), (math.log10, "log10")):
        want = [
            -sum(pi * log(qi) for pi, qi in zip(p, q) if pi)
            for p, q in calls(assignment, "cross-entropy", "function")
        ]
        assert results(found[name]) == pytest.approx(want, rel=1e-9)


def conv2d_size(n: int, f: int, stride: int, padding: int) -> int:
    """The side of nn.Conv2d's actual output for an n x n input."""
    conv = nn.Conv2d(1, 1, f, stride=stride, padding=padding)
    with torch.no_grad():
        return conv(torch.zeros(1, 1, n, n)).shape[-1]


@pytest.mark.slow
def test_conv_output_sizes_are_what_conv2d_gives(assignment, reference) -> None:
    formula = reference["conv-output-size"]["formula"]
    grader_calls = calls(assignment, "conv-output-size", "formula")
    assert results(formula["floor"]) == [conv2d_size(*args) for args in grader_calls]
    unrounded = [(n + 2 * p - f) / s + 1 for n, f, s, p in grader_calls]
    assert results(formula["unrounded"]) == pytest.approx(unrounded)
    assert any(u != int(u) for u in unrounded)  # strides that do not fit are asked


@pytest.mark.slow
def test_the_slide_examples_of_the_output_size(reference) -> None:
    answers = reference["conv-output-size"]
    assert answers["example"] == [conv2d_size(4, 3, 1, 1)] * 2 == [4, 4]
    assert answers["strides"]["floor"] == [conv2d_size(7, 3, s, 0) for s in (1, 2, 3)]
    assert answers["strides"]["floor"] == [5, 3, 2]
    assert answers["strides"]["unrounded"] == pytest.approx([5, 3, 4 / 3 + 1])


@pytest.mark.slow
def test_reference_earns_full_marks_but_for_the_training_data(assignment) -> None:
    result = Grader(assignment).verify()
    failing = [
        (q.id, c.id, c.message)
        for q in result.questions
        for c in q.checks
        if c.scored and c.kind not in ("accuracy", "progress") and c.status != "pass"
    ]
    assert failing == []
    assert result.pending_manual == 0  # nothing the code missed, so nothing to read by hand


# -- model_output: classes and near ----------------------------------------------


def make(**fields: Any) -> Any:
    return CHECKS.validate_python(
        {"id": "c", "kind": "model_output", "points": 1, "target": {"kind": "module"}, **fields}
    )


def judged(check: Any, output: Any) -> Any:
    record = {"ok": True, "value": {"where": "`model`", "output": to_json(output)}}
    return check.judge(Seen({"target": record}), Seen({}), RunView(stdout="", markdown=[]))


def test_model_output_runs_a_fixture_batch_or_a_random_one() -> None:
    fixture = make(input={"tensor": XOR_POINTS}, classes=[0, 1, 1, 0])
    assert fixture.requests()["target"][1]["input"] == {"tensor": XOR_POINTS}
    shaped = make(input=[4, 2], near=0.5)
    assert shaped.requests()["target"][1]["input"] == {"randn": [4, 2]}


def test_model_output_needs_something_to_check() -> None:
    with pytest.raises(ValueError, match="give `shape`, `rows`, `classes` or `near`"):
        make(input=[4, 2])


@pytest.mark.parametrize(
    ("output", "fraction"),
    [
        (torch.tensor([[0.01], [0.98], [0.97], [0.02]]), 1),
        (torch.tensor([[0.5], [0.5], [0.5], [0.5]]), 0),  # not above the threshold
        (torch.tensor([[0.01], [0.98], [0.97], [0.9]]), 0),
        (torch.tensor([[2.0, -1.0], [0.0, 3.0], [-1.0, 1.0], [5.0, 4.0]]), 1),  # argmax
    ],
)
def test_model_output_classes(output: torch.Tensor, fraction: float) -> None:
    check = make(input={"tensor": XOR_POINTS}, classes=[0, 1, 1, 0], visibility="public")
    verdict = judged(check, output)
    assert verdict.fraction == fraction
    if not fraction:
        assert "expected [0, 1, 1, 0]" in verdict.message


def test_model_output_classes_hidden_keep_the_answer() -> None:
    check = make(input={"tensor": XOR_POINTS}, classes=[0, 1, 1, 0])
    verdict = judged(check, torch.full((4, 1), 0.9))
    assert verdict.fraction == 0
    assert "predicts [1, 1, 1, 1]" in verdict.message and "[0, 1, 1, 0]" not in verdict.message


def test_model_output_near_a_value() -> None:
    check = make(input={"tensor": XOR_POINTS}, near=0.5, atol=0.01)
    assert judged(check, torch.tensor([[0.5], [0.505], [0.4951], [0.5]])).fraction == 1
    assert judged(check, torch.tensor([[0.5], [0.52], [0.5], [0.5]])).fraction == 0


def test_model_output_parts_share_the_credit() -> None:
    check = make(input={"tensor": XOR_POINTS}, shape=[4, 1], classes=[0, 1, 1, 0])
    assert judged(check, torch.tensor([0.0, 1.0, 1.0, 0.0])).fraction == 0.5


XOR_CELLS = [
    "import torch\nimport torch.nn as nn",
    # Hidden units OR and NAND, then AND: XOR with hand-set weights.
    """
mlp = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
with torch.no_grad():
    mlp[0].weight.copy_(torch.tensor([[20.0, 20.0], [-20.0, -20.0]]))
    mlp[0].bias.copy_(torch.tensor([-10.0, 30.0]))
    mlp[2].weight.copy_(torch.tensor([[20.0, 20.0]]))
    mlp[2].bias.copy_(torch.tensor([-30.0]))
flat = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
with torch.no_grad():
    flat[0].weight.zero_()
    flat[0].bias.zero_()
""",
]


@pytest.mark.parametrize(
    ("name", "fields", "fraction"),
    [
        ("mlp", {"classes": [0, 1, 1, 0]}, 1),
        ("flat", {"classes": [0, 1, 1, 0]}, 0),
        ("flat", {"near": 0.5, "atol": 1e-6}, 1),
        ("mlp", {"near": 0.5, "atol": 0.01}, 0),
    ],
)
def test_model_output_on_xor_points_in_the_sandbox(
    name: str, fields: dict, fraction: float
) -> None:
    check = make(target={"kind": "module", "names": [name]}, input={"tensor": XOR_POINTS}, **fields)
    probe, params = check.requests()["target"]
    result = sandbox(XOR_CELLS, [ProbeRequest(id="target", probe=probe, params=params)])
    seen = Seen({"target": result.probes["target"]})
    verdict = check.judge(seen, Seen({}), RunView(stdout="", markdown=[]))
    assert verdict.fraction == fraction, verdict.message


# -- the real data -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.data
def test_reference_earns_full_marks_on_the_real_data(real_data_root, capsys) -> None:
    """What `grade --self` judges, on the real data (the full budget's hour of training is
    `tests/benchmarks/verify_full.py`)."""
    data = ["--data-dir", str(real_data_root.path)]
    assert main(["verify", "ann-cnn-lab", "--self", *data]) == 0
    out = capsys.readouterr().out
    assert re.search(r"ann-cnn-lab: ([\d.]+) / \1 full marks \(public checks, fast budget\)", out)
