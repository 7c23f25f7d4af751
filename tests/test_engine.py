"""The whole pipeline on cnn-basics: verify, answers, and what enters the child; how one
check is judged when the grader's own code failed."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from graders import engine
from graders.assignments import get_assignment
from graders.cli import answers
from graders.engine import Grader, Options
from graders.judge.verdict import GRADER_ERROR, GRADER_ERROR_MESSAGE, RunView, Seen
from graders.load import read_submission
from graders.observe.child.probes import _reinitialise, make_tensor
from graders.observe.runner import RunResult

from .conftest import EXAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assignment():
    return get_assignment("cnn-basics")


@pytest.fixture(scope="module")
def reference_answers(assignment):
    return answers(assignment)["questions"]


def test_reference_earns_full_marks(assignment) -> None:
    result = Grader(assignment).verify()
    failing = [
        (q.id, c.id, c.message)
        for q in result.questions
        for c in q.checks
        if c.kind != "manual" and c.status != "pass"
    ]
    assert failing == []
    assert result.auto_full_marks and (result.auto_score, result.auto_max) == (62, 62)
    assert result.max_score == 70 and result.pending_manual == 8  # Q1's and Q2's 4 written


def test_softmax_answer_matches_a_hand_computation(reference_answers) -> None:
    o = np.array([0.4, 2.0, 0.001, 0.32])
    expected = np.exp(o) / np.exp(o).sum()
    assert np.allclose(reference_answers["q4"]["value"], expected, atol=1e-12)
    assert math.isclose(sum(reference_answers["q4"]["value"]), 1.0)


def test_objective_answers_match_hand_derivations(reference_answers) -> None:
    q5 = reference_answers["q5"]
    squares = 0.001**2 + 0.9**2 + 0.001**2 + (1 - 0.098) ** 2
    assert q5["mse"] == pytest.approx(
        {"mean": squares / 4, "sum": squares, "half_sum": squares / 2}
    )
    binary = -(math.log(1 - 0.001) * 2 + math.log(1 - 0.9) + math.log(0.098))
    assert q5["cross-entropy"]["binary_ln"] == pytest.approx(binary)
    assert q5["cross-entropy"]["binary_log2"] == pytest.approx(binary / math.log(2))
    assert q5["cross-entropy"]["categorical_ln"] == pytest.approx(-math.log(0.098))
    assert q5["log-likelihood"] == pytest.approx(
        {"ln": -math.log(0.098), "log2": -math.log2(0.098)}
    )


def test_parameter_counts_match_the_layer_formulas(reference_answers) -> None:
    def conv(c_in, c_out, k):
        return c_in * c_out * k * k + c_out

    def linear(n_in, n_out):
        return n_in * n_out + n_out

    lenet = conv(1, 6, 5) + conv(6, 16, 5) + linear(400, 120) + linear(120, 84) + linear(84, 10)
    assert reference_answers["q1"]["parameter-count"] == lenet == 61706
    assert reference_answers["q1"]["parameter-tensors"] == 10
    assert reference_answers["q1"]["conv1-weight"] == [6, 1, 5, 5]
    assert reference_answers["q1"]["output-shape"] == [1, 10]
    convs = conv(3, 32, 3) + 3 * conv(32, 32, 3)
    # padding 0: 32 -> 30 -> 28 -> pool 14 -> 12 -> 10 -> pool 5; padding 1 keeps 32 -> 16 -> 8.
    assert reference_answers["q3.1"]["parameter-count"] == {
        "padding_0": convs + linear(32 * 5 * 5, 10),
        "padding_1": convs + linear(32 * 8 * 8, 10),
    }


class LeNet(torch.nn.Module):
    """The document's LeNet, written again here (the reference module runs as a script)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = torch.nn.Conv2d(1, 6, 5), torch.nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2 = torch.nn.Linear(400, 120), torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        relu, pool = torch.nn.functional.relu, torch.nn.functional.max_pool2d
        x = pool(relu(self.conv2(pool(relu(self.conv1(x)), 2))), 2).flatten(1)
        return self.fc3(relu(self.fc2(relu(self.fc1(x)))))


def test_gradient_answer_matches_central_differences(reference_answers) -> None:
    net = LeNet().double()
    _reinitialise(net, seed=0)
    x = make_tensor({"randn": [1, 1, 32, 32]}, 0).double()
    target = make_tensor({"randn": [1, 10], "seed": 1}, 0).double()
    bias = net.conv1.bias
    numeric = []
    for i in range(bias.numel()):
        values = []
        for step in (1e-6, -1e-6):
            with torch.no_grad():
                bias[i] += step
                values.append(((net(x) - target) ** 2).mean().item())
                bias[i] -= step
        numeric.append((values[0] - values[1]) / 2e-6)
    assert np.allclose(reference_answers["q1"]["gradients"][0], numeric, rtol=1e-3, atol=1e-7)


def test_answers_are_plain_json(assignment) -> None:
    data = answers(assignment)
    assert data["assignment"] == "cnn-basics"
    assert json.loads(json.dumps(data)) == data


def _captured_plans(monkeypatch, assignment, public_only: bool) -> list[str]:
    plans: list[str] = []
    real_run = engine.run

    def capture(plan, limits, **files):
        plans.append(json.dumps(plan.to_json()))
        return real_run(plan, limits, **files)

    monkeypatch.setattr(engine, "run", capture)
    grader = Grader(assignment, Options(public_only=public_only))
    grader.expectations()
    plans.clear()  # only the student's run matters here
    grader.grade(read_submission(EXAMPLES / "partial.py"))
    return plans


@pytest.mark.parametrize("public_only", [True, False])
def test_expected_values_never_enter_the_child(
    monkeypatch, assignment, reference_answers, public_only
) -> None:
    (plan,) = _captured_plans(monkeypatch, assignment, public_only)
    secrets = [
        *reference_answers["q4"]["value"],
        *reference_answers["q5"]["cross-entropy"].values(),
        reference_answers["q1"]["parameter-count"],
    ]
    for secret in secrets:
        assert repr(secret) not in plan and str(secret)[:8] not in plan


def test_public_only_run_sends_no_hidden_check(monkeypatch, assignment) -> None:
    def probes(public_only: bool) -> set[str]:
        (plan,) = _captured_plans(monkeypatch, assignment, public_only)
        return {p["probe"] for p in json.loads(plan)["probes"]}

    # gradient and trajectory probes serve hidden checks only (q1 gradients, weight updates)
    assert {"gradient", "trajectory"} <= probes(public_only=False)
    assert not {"gradient", "trajectory"} & probes(public_only=True)


def test_hidden_feedback_does_not_reveal_the_answer(assignment, reference_answers) -> None:
    result = Grader(assignment).grade(read_submission(EXAMPLES / "partial.py"))
    q4 = next(q for q in result.questions if q.id == "q4")
    value = next(c for c in q4.checks if c.id == "value")
    assert value.status == "fail" and "not the expected value" in value.message
    assert f"{reference_answers['q4']['value'][1]:.4g}" not in value.message
    assert f"{reference_answers['q4']['value'][1]:.4g}" in value.detail


def _midterm_check(question: str, check: str):
    rubric = get_assignment("midterm-2022").rubric
    return next(c for q in rubric.questions if q.id == question for c in q.checks if c.id == check)


NOTHING_RAN = RunResult(cells=[], probes={}, stdout="", stderr="", seconds=0.0)
GRADER_FAULT = {
    "ok": False,
    "grader_error": True,
    "error": "KeyError: 'locator'",
    "traceback": "Traceback (most recent call last):\nKeyError: 'locator'\n",
}


def test_any_exception_from_a_judge_is_a_grader_error_with_its_traceback(monkeypatch) -> None:
    check = _midterm_check("q3.1", "answer")

    def faulty(self, seen, expected, run):
        raise LookupError("no such table")

    monkeypatch.setattr(type(check), "judge", faulty)
    seen = Seen({"target": {"ok": True, "value": {"candidates": []}}})
    verdict = Grader._judge_one(check, seen, Seen({}), RunView(), NOTHING_RAN)
    assert verdict.status == GRADER_ERROR and verdict.fraction == 0
    assert verdict.message == GRADER_ERROR_MESSAGE
    assert verdict.detail == "judging: LookupError: no such table"
    assert 'raise LookupError("no such table")' in verdict.traceback


def test_a_probe_record_of_a_grader_fault_makes_its_check_a_grader_error() -> None:
    answer = _midterm_check("q3.1", "answer")
    verdict = Grader._judge_one(
        answer, Seen({"target": GRADER_FAULT}), Seen({}), RunView(), NOTHING_RAN
    )
    assert verdict.status == GRADER_ERROR
    assert verdict.detail == "probe `target`: KeyError: 'locator'"
    assert verdict.traceback == GRADER_FAULT["traceback"]
    count = _midterm_check("q2.1", "parameter-count")
    seen = Seen({"target": {"ok": True, "value": {"param_count": 2}}})
    verdict = Grader._judge_one(count, seen, Seen({"target": GRADER_FAULT}), RunView(), NOTHING_RAN)
    assert verdict.status == GRADER_ERROR
    assert verdict.detail == "the reference run's probe `target`: KeyError: 'locator'"
    students = Seen({"target": {"ok": False, "error": "RuntimeError: my forward is broken"}})
    verdict = Grader._judge_one(
        count, students, Seen({"target": {"ok": True}}), RunView(), NOTHING_RAN
    )
    assert verdict.status == "fail" and "my forward is broken" in verdict.message
