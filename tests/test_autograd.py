"""autograd: the reference earns full marks, and its answers agree with hand derivations
and second implementations on the rubric's own grader inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from graders.assignments import get_assignment
from graders.cli import answers
from graders.engine import Grader

from .rubric_inputs import calls

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assignment():
    return get_assignment("autograd")


@pytest.fixture(scope="module")
def reference(assignment) -> dict[str, Any]:
    return answers(assignment)["questions"]


def as_float(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().double().numpy()
    return np.asarray(value, dtype=float)


def test_reference_earns_full_marks_but_for_the_training_data(assignment) -> None:
    result = Grader(assignment).verify()
    failing = [
        (q.id, c.id, c.message)
        for q in result.questions
        for c in q.checks
        if c.kind not in ("manual", "accuracy", "progress") and c.status != "pass"
    ]
    assert failing == []
    # 100 automatic points; 8 explanations of 2 and questions 10, 12, 14 of 5 are the TA's
    assert (result.auto_max, result.max_score, result.pending_manual) == (100, 131, 31)


def test_seed0_gradients_are_the_other_factor(reference) -> None:
    np.random.seed(0)
    x, y = np.random.randn(3, 4), np.random.randn(3, 4)
    assert np.allclose(reference["q2.1"]["seed0-grad-x"], y, atol=1e-12)
    assert np.allclose(reference["q2.1"]["seed0-grad-y"], x, atol=1e-12)
    assert np.isclose(reference["q2.1"]["seed0-grad-x"][0][0], 0.76103773)  # as printed


@pytest.mark.parametrize("question", ["q2.1", "q2.3"])
def test_backprop_gradients_are_y_x_and_ones(assignment, reference, question) -> None:
    for (x, y, z), got in zip(
        calls(assignment, question, "gradients"), reference[question]["gradients"]
    ):
        x, y, z = as_float(x), as_float(y), as_float(z)
        got = np.asarray(got, dtype=float).reshape(3, *x.shape)  # three parts of one shape
        assert np.allclose(got[0], y) and np.allclose(got[1], x)
        assert np.allclose(got[2], np.ones_like(z))


def test_derivatives_match_their_analytic_forms(assignment, reference) -> None:
    z = as_float(calls(assignment, "q1", "sigmoid-derivative")[0][0])
    s = 1 / (1 + np.exp(-z))
    assert np.allclose(reference["q1"]["sigmoid-derivative"][0], s * (1 - s), atol=1e-12)
    assert np.allclose(reference["q1"]["tanh-derivative"][0], 1 - np.tanh(z) ** 2, atol=1e-12)
    assert np.allclose(reference["q1"]["relu-derivative"][0], (z > 0).astype(float))
    numeric = reference["q1"]["numerical-derivative"]
    assert np.allclose(numeric[0], s * (1 - s), atol=1e-8)
    assert np.allclose(numeric[1], 1 - np.tanh(z) ** 2, atol=1e-8)
    assert np.allclose(numeric[2], (z > 0).astype(float), atol=1e-8)
    # The central difference of z^3 with step h is exactly 3 z^2 + h^2.
    _, small, h = calls(assignment, "q1", "numerical-derivative")[3]
    assert np.allclose(numeric[3], 3 * as_float(small) ** 2 + h**2, atol=1e-9)


def test_rnn_step_and_gradients_match_the_chain_rule(assignment, reference) -> None:
    answers = zip(
        calls(assignment, "q3", "gradients"),
        reference["q3"]["next-h"],
        reference["q3"]["gradients"],
    )
    for (x, h, w_x, w_h), (next_h_found,), grads in answers:
        x, h, w_x, w_h = (as_float(v) for v in (x, h, w_x, w_h))
        next_h = np.tanh(w_x @ x.T + w_h @ h.T)
        assert np.allclose(np.squeeze(next_h_found), np.squeeze(next_h), atol=1e-5)
        local = 1 - next_h**2  # the derivative of tanh, a column
        want = [local.T @ w_x, local.T @ w_h, local @ x, local @ h]
        for part, expected in zip(grads, want):
            assert np.allclose(part, expected, atol=1e-4)


def two_layer_loss(x, y, w1, w2) -> float:
    return float(((np.maximum(x @ w1, 0) @ w2 - y) ** 2).sum())


def test_two_layer_gradients_match_finite_differences(assignment, reference) -> None:
    rng = np.random.default_rng(0)
    for args, (loss, grad_w1, grad_w2) in zip(
        calls(assignment, "q4", "numpy-gradients"), reference["q4"]["numpy-gradients"]
    ):
        x, y, w1, w2 = (as_float(v) for v in args)
        assert loss == pytest.approx(two_layer_loss(x, y, w1, w2), rel=1e-6)
        step = 1e-4
        for grad, which in ((np.array(grad_w1), 0), (np.array(grad_w2), 1)):
            direction = rng.standard_normal(grad.shape)
            moved = [w1, w2]
            plus, minus = list(moved), list(moved)
            plus[which] = moved[which] + step * direction
            minus[which] = moved[which] - step * direction
            slope = (two_layer_loss(x, y, *plus) - two_layer_loss(x, y, *minus)) / (2 * step)
            assert slope == pytest.approx(float((grad * direction).sum()), rel=1e-4)


@pytest.mark.parametrize(
    ("check", "question"),
    [("numpy-training", "q4"), ("torch-training", "q4"), ("training", "q5"), ("training", "q6")],
)
def test_training_losses_start_at_the_loss_and_go_down(
    assignment, reference, check, question
) -> None:
    ((x, y, w1, w2, _, steps),) = calls(assignment, question, check)
    ((losses,),) = reference[question][check]
    assert len(losses) == steps
    assert losses[0] == pytest.approx(
        two_layer_loss(*(as_float(v) for v in (x, y, w1, w2))), rel=1e-5
    )
    assert all(b < a for a, b in zip(losses, losses[1:]))


def test_mlp_forward_matches_a_matrix_implementation(assignment, reference) -> None:
    for (u, x), sigmoid_out, relu_out in zip(
        calls(assignment, "q11", "sigmoid"), reference["q11"]["sigmoid"], reference["q11"]["relu"]
    ):
        for activation, got in (
            (lambda a: 1 / (1 + np.exp(-a)), sigmoid_out),
            (lambda a: np.maximum(a, 0), relu_out),
        ):
            values = as_float(x)
            for layer in as_float(u):
                values = activation(layer @ np.concatenate([[1.0], values]))
            assert np.allclose(got, values, atol=1e-12)


def test_squared_error_conventions(reference) -> None:
    output, target = np.array([0.72, 0.61]), np.array([0.0, 1.0])
    loss = reference["q11"]["loss"]
    assert loss["sum"][0] == pytest.approx([0.72**2 + 0.39**2])
    assert loss["mean"][0] == pytest.approx([((output - target) ** 2).mean()])


def test_conv_sizes_match_the_hand_derivation(reference) -> None:
    q13 = reference["q13"]
    assert q13["outputs-1"] == 32 * 32 * 10 == 10240
    assert q13["parameters-1"] == (5 * 5 * 3) * 10 + 10 == 760
    assert q13["outputs-2"] == 32 * 32 * 64 == 65536
    assert q13["parameters-2"] == (3 * 3 * 3) * 64 + 64 == 1792
    for (w, f, s, p), (size,) in zip(
        [(32, 5, 1, 2), (28, 5, 1, 0), (227, 11, 4, 0), (64, 3, 2, 1)], q13["size-formula"]
    ):
        layer = torch.nn.Conv2d(1, 1, f, stride=s, padding=p)
        assert size == layer(torch.zeros(1, 1, w, w)).shape[-1]
    for (f, d, k), (count,) in zip(
        [(5, 3, 10), (11, 3, 96), (3, 64, 128)], q13["parameter-formula"]
    ):
        assert count == sum(p.numel() for p in torch.nn.Conv2d(d, k, f).parameters())
