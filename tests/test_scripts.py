"""Script-style work judged by relations on the student's own variables."""

from __future__ import annotations

import pytest

from graders.judge.kinds.models import FunctionCheck, Script
from graders.judge.verdict import RunView, Seen
from graders.observe.protocol import ProbeRequest

from .conftest import sandbox

pytestmark = pytest.mark.slow

NUMPY_TRAINING = """
import numpy as np
N, D_in, H, D_out = 16, 50, 20, 5
x = np.random.randn(N, D_in); y = np.random.randn(N, D_out)
w1 = np.random.randn(D_in, H); w2 = np.random.randn(H, D_out)
learning_rate = 1e-4
for t in range(50):
    h = x.dot(w1); h_relu = np.maximum(h, 0); y_pred = h_relu.dot(w2)
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h = grad_y_pred.dot(w2.T)
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
"""

AUTOGRAD_TRAINING = """
import torch
x = torch.randn(16, 50); y = torch.randn(16, 5)
w1 = torch.randn(50, 20, requires_grad=True); w2 = torch.randn(20, 5, requires_grad=True)
learning_rate = 1e-4
for t in range(30):
    y_pred = RELU(x.mm(w1)).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
"""

MY_RELU = """
import torch
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        grad = grad_output.clone()
        grad[x < 0] = 0
        return grad * SCALE
"""


def _two_layer(**options: object) -> dict[str, object]:
    return {
        "relation": "two_layer_relu",
        "inputs": {"x": ["x"], "y": ["y"], "w1": ["w1"], "w2": ["w2"]},
        "outputs": {"grad_w1": ["grad_w1", "w1.grad"], "grad_w2": ["grad_w2", "w2.grad"]},
        **options,
    }


def _probe(cells: list[str], **options: object) -> dict[str, object]:
    result = sandbox(cells, [ProbeRequest("s", "script", _two_layer(**options))], cell_timeout=30)
    assert all(c.status == "ok" for c in result.cells), [c.error for c in result.cells]
    return result.probes["s"]


def test_manual_numpy_gradients_agree_before_the_last_update() -> None:
    record = _probe([NUMPY_TRAINING], descent=True)["value"]
    assert record["matched"] == 2 and record["descended"]
    assert "before the last update" in record["state"]


def test_a_missing_factor_of_two_is_found() -> None:
    record = _probe([NUMPY_TRAINING.replace("2.0 *", "1.0 *")])["value"]
    assert record["matched"] == 0
    assert all(abs(e - 0.5) < 1e-6 for e in record["errors"].values())


def test_an_update_with_the_wrong_sign_is_no_descent_step() -> None:
    record = _probe([NUMPY_TRAINING.replace("w1 -=", "w1 +=").replace("w2 -=", "w2 +=")])
    assert record["value"]["matched"] < 2


def test_gradients_computed_but_never_applied_are_no_descent() -> None:
    cell = NUMPY_TRAINING.replace("    w1 -= learning_rate * grad_w1\n", "").replace(
        "    w2 -= learning_rate * grad_w2\n", ""
    )
    record = _probe([cell])["value"]
    assert record["matched"] == 2 and not record["descended"]


def test_an_autograd_script_is_judged_at_its_first_backward_pass() -> None:
    cells = [AUTOGRAD_TRAINING.replace("RELU", "torch.relu")]
    record = _probe(cells, recorded=True, custom_function=False)["value"]
    assert record["matched"] == 2 and record["descended"]
    assert record["state"] == "at the first backward()"


def test_an_autograd_script_reports_its_loss_at_the_first_and_last_backward_pass() -> None:
    cells = [AUTOGRAD_TRAINING.replace("RELU", "torch.relu")]
    first, last = _probe(cells, recorded=True, custom_function=False)["value"]["loss_path"]
    assert first is not None and last is not None and last < first
    diverging = [cells[0].replace("learning_rate = 1e-4", "learning_rate = 1.0")]
    record = _probe(diverging, recorded=True, custom_function=False)["value"]
    assert record["descended"] and record["loss_path"][0] is not None
    assert record["loss_path"][1] is None  # not finite


def test_a_descent_whose_loss_does_not_fall_earns_nothing() -> None:
    script = Script(**_two_layer(descent=True, recorded=True))
    found = {
        "where": "the script's `x`, `y`, `w1`, `w2` (after cell 1)",
        "state": "at the first backward()",
        "found": {"grad_w1": "w1.grad", "grad_w2": "w2.grad"},
        "errors": {"grad_w1": 0.0, "grad_w2": 0.0},
        "matched": 2,
        "descended": True,
    }
    falling = Seen({"script": {"ok": True, "value": {**found, "loss_path": [30.0, 2.0]}}})
    assert script.judge(falling, "no function").fraction == 1.0
    diverged = Seen({"script": {"ok": True, "value": {**found, "loss_path": [30.0, None]}}})
    verdict = script.judge(diverged, "no function")
    assert verdict.fraction == 0.0
    assert "the training diverged: the loss went from 30 to one that is not finite" in (
        verdict.message
    )
    stuck = Seen({"script": {"ok": True, "value": {**found, "loss_path": [30.0, 31.0]}}})
    assert "did not lower the loss (30 at the first backward(), 31 at the last)" in (
        script.judge(stuck, "no function").message
    )


def test_a_custom_function_with_a_wrong_backward_disagrees() -> None:
    cells = [MY_RELU.replace("SCALE", "2"), AUTOGRAD_TRAINING.replace("RELU", "MyReLU.apply")]
    record = _probe(cells, recorded=True, custom_function=True)["value"]
    assert record["matched"] == 1  # w2's gradient does not pass through the ReLU
    assert record["errors"]["grad_w1"] > 0.1


def test_only_graphs_with_a_custom_function_count_when_asked() -> None:
    cells = [AUTOGRAD_TRAINING.replace("RELU", "torch.relu")]
    result = _probe(cells, recorded=True, custom_function=True)
    assert not result["ok"] or result["value"]["matched"] == 0


def test_names_reused_by_a_later_cell_are_read_as_the_earlier_cell_left_them() -> None:
    later = "x = 'text'\nw1 = None\ny = [1, 2]"
    record = _probe([NUMPY_TRAINING, later], descent=True)["value"]
    assert record["matched"] == 2 and "after cell 1" in record["where"]


def test_renamed_inputs_are_found_by_shape() -> None:
    cell = (
        NUMPY_TRAINING.replace("x.", "data.").replace("x =", "data =").replace("y_pred", "out")
        .replace("- y)", "- target)").replace("y = ", "target = ")
    )
    assert " x" not in cell and " y " not in cell
    record = _probe([cell], descent=True)["value"]
    assert record["matched"] == 2 and "`data`" in record["where"]


def test_no_script_variables_is_not_found_with_what_was_searched() -> None:
    result = _probe(["a = 1"])
    assert result["not_found"]
    assert "w1 (D_in, H)" in result["error"]


def _check(**script: object) -> FunctionCheck:
    return FunctionCheck(
        id="grads",
        kind="function",
        points=3,
        target={"kind": "function", "names": ["two_layer_numpy"]},
        calls=[{"args": [1]}],
        script=Script(**_two_layer(**script)),
    )


def _seen(record: dict[str, object]) -> Seen:
    missing = {"ok": False, "not_found": True, "error": "no function `two_layer_numpy`"}
    return Seen({"call0": missing, "script": {"ok": True, "value": record}})


EXPECTED = Seen({"expected:call0": {"ok": True, "value": {"result": 1.0}}})


def test_a_script_that_agrees_earns_the_function_checks_points() -> None:
    record = {
        "where": "the script's `x`, `y`, `w1`, `w2` (after cell 3)",
        "state": "before the last update w -= 1e-06 * grad",
        "found": {"grad_w1": "grad_w1", "grad_w2": "dW2"},
        "errors": {"grad_w1": 1e-7, "grad_w2": 1e-7},
        "matched": 2,
        "descended": True,
    }
    verdict = _check(descent=True).judge(_seen(record), EXPECTED, RunView())
    assert verdict.fraction == 1
    assert "`dW2` agrees" in verdict.message and "after cell 3" in verdict.message


def test_a_script_without_a_descent_step_earns_nothing_for_training() -> None:
    record = {
        "where": "the script's `x`, `y`, `w1`, `w2` (after cell 3)",
        "state": "at the final values",
        "found": {"grad_w1": "grad_w1", "grad_w2": "grad_w2"},
        "errors": {"grad_w1": 1e-7, "grad_w2": 0.5},
        "matched": 1,
        "descended": False,
    }
    assert _check().judge(_seen(record), EXPECTED, RunView()).fraction == 0.5
    training = _check(descent=True).judge(_seen(record), EXPECTED, RunView())
    assert training.fraction == 0 and "no gradient-descent step" in training.message
    assert "`grad_w2` differs (relative error 0.5)" in training.message


def test_a_rubric_naming_an_unknown_relation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown relation"):
        Script(relation="three_layer", outputs={"grad": ["g"]})
    with pytest.raises(ValueError, match="no role grad_w3"):
        Script(relation="two_layer_relu", outputs={"grad_w3": ["g"]})
