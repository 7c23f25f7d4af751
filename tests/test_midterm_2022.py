"""midterm-2022: the reference earns full marks; its regression numbers agree with a
closed-form gradient and hand-written Adam and SGD, its CAM with the CAM identity,
and its true/false answers with what torch itself shows."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch

from graders.assignments import get_assignment
from graders.cli import answers
from graders.engine import Grader
from graders.observe.child.fixtures import build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assignment():
    return get_assignment("midterm-2022")


@pytest.fixture(scope="module")
def reference(assignment) -> dict[str, Any]:
    return answers(assignment)["questions"]


def test_reference_earns_full_marks(assignment) -> None:
    """Every automatic point; the 22 of the written answers (1 (1)-(3), what the maps of
    1 (4) show, the convergence argument) wait for a TA."""
    result = Grader(assignment).verify()
    assert result.auto_full_marks and (result.auto_score, result.auto_max) == (60, 60)
    assert result.max_score == 82 and result.pending_manual == 22 and not result.full_marks


def regression_path() -> dict[str, np.ndarray]:
    """Gradient and weights along the exam's path, by hand in float64."""
    torch.manual_seed(7676)
    x = torch.randn(100).sort().values
    y = 2.5 + 4 * x + torch.randn(100) * 0.5
    X = np.stack([np.ones(100), x.double().numpy()], axis=1)
    target = y.double().numpy()

    def gradient(w: np.ndarray) -> np.ndarray:  # d/dw mean((y - Xw)^2)
        return -2 / len(target) * X.T @ (target - X @ w)

    w = np.array([-5.0, 10.0])
    path = {"grad_initial": gradient(w)}
    m, v = np.zeros(2), np.zeros(2)
    beta1, beta2, lr, eps = 0.9, 0.999, 0.1, 1e-8
    for t in range(1, 6):
        g = gradient(w)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        w = w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        if t == 1:
            path["w_after_1"] = w
    path["w_after_5"] = w
    for _ in range(10):
        last = gradient(w)
        w = w - 0.2 * last
    path["w_after_15"], path["grad_final"] = w, last
    path["least_squares"] = np.linalg.lstsq(X, target, rcond=None)[0]
    return path


def test_regression_numbers_match_hand_written_adam_and_sgd(reference) -> None:
    path = regression_path()
    assert np.allclose(reference["q2.2"]["gradient"], path["grad_initial"], rtol=1e-4)
    assert np.allclose(reference["q2.2"]["weights"], path["w_after_1"], rtol=1e-4)
    assert np.allclose(reference["q2.3"]["weights"], path["w_after_5"], rtol=1e-4)
    assert np.allclose(reference["q2.4"]["weights"], path["w_after_15"], rtol=1e-4)
    # Adam's first step moves each weight by the learning rate, against the gradient's sign.
    assert np.allclose(path["w_after_1"], [-5 + 0.1, 10 - 0.1], atol=1e-6)
    # Converged (q2.5): the last gradient is a hundredth of the first, near least squares.
    shrink = np.linalg.norm(path["grad_final"]) / np.linalg.norm(path["grad_initial"])
    assert shrink < 0.01
    assert np.allclose(path["w_after_15"], path["least_squares"], atol=0.05)


def test_cam_satisfies_the_cam_identity(assignment, reference) -> None:
    question = next(q for q in assignment.rubric.questions if q.id == "q1.4")
    check = next(c for c in question.checks if c.id == "cam")
    for call, (maps,) in zip(check.calls, reference["q1.4"]["cam"]):
        body, fc, image = (build(a, assignment.rubric.seed) for a in call.args)
        maps = torch.tensor(maps, dtype=torch.float64)
        features = body(image)[0].detach()
        assert maps.shape == (fc.out_features, *features.shape[1:])
        # The mean of class c's map is its score without the bias, on pooled features.
        scores = fc.weight.detach() @ features.mean(dim=(1, 2))
        assert torch.allclose(maps.mean(dim=(1, 2)), scores.double(), atol=1e-5)


def test_normalised_maps_span_zero_to_one(reference) -> None:
    for (maps,) in reference["q1.4"]["normalised"]:
        flat = np.asarray(maps).reshape(len(maps), -1)
        assert np.allclose(flat.min(axis=1), 0) and np.allclose(flat.max(axis=1), 1)


def count(layer: torch.nn.Module) -> int:
    return sum(p.numel() for p in layer.parameters() if p.requires_grad)


def test_true_false_answers_follow_from_torch(assignment, reference) -> None:
    given = [reference[f"q3.{i}"]["answer"] for i in range(1, 11)]
    probabilities = torch.softmax(torch.tensor([3.4148, -5.0356]), dim=0)
    linear, conv = torch.nn.Linear(4, 1, bias=False), torch.nn.Conv2d(1, 1, (2, 2), bias=False)
    two_linear = torch.nn.Sequential(torch.nn.Linear(1, 8), torch.nn.Linear(8, 1))
    inputs = torch.linspace(-3, 3, 7).reshape(-1, 1)
    outputs = two_linear(inputs).detach().squeeze()
    dropped = torch.nn.Dropout(0.9)(torch.ones(100_000))
    derived = {
        5: bool(torch.allclose(probabilities, torch.tensor([0.0, 1.0]), atol=0.1)),
        6: count(torch.nn.Linear(1, 1, bias=True)) == 2,
        7: count(linear) == count(conv),
        # Two linear layers compose to an affine map: equal second differences are zero.
        8: not bool(torch.allclose(outputs.diff().diff(), torch.zeros(5), atol=1e-5)),
        9: math.isclose(float((dropped == 0).float().mean()), 0.1, abs_tol=0.02),
    }
    for item, value in derived.items():
        assert given[item - 1] is value, f"item {item}"
    assert given[9] is logistic_loss_is_convex()
    assert given[0] is False  # 3 channels in X[0].reshape(1, 3, 28, 28): colour images


def logistic_loss_is_convex() -> bool:
    """The Hessian of BCE(sigmoid(w0 + w1 x)) in (w0, w1) is positive semidefinite at
    random points (it is X^T diag(p(1-p)) X / n)."""
    torch.manual_seed(0)
    x = torch.randn(50, dtype=torch.float64)
    y = (torch.rand(50, dtype=torch.float64) < 0.5).double()

    def loss(w: torch.Tensor) -> torch.Tensor:
        p = torch.sigmoid(w[0] + w[1] * x)
        return torch.nn.functional.binary_cross_entropy(p, y)

    for _ in range(5):
        hessian = torch.autograd.functional.hessian(loss, torch.randn(2, dtype=torch.float64))
        if torch.linalg.eigvalsh(hessian).min() < -1e-10:
            return False
    return True
