"""Relations: what a script's variables must satisfy, computed from the student's own data.

Work written as a top-level script (loops over `w1`, `w2`, `grad_w1`) has no
function the grader could call on its own inputs. Such work is judged by
consistency instead: a relation maps the student's inputs (found by role) to
what they determine (the loss, its gradients), computed by the grader in
double precision with autograd. The probe compares the student's outputs with
these; only the differences leave the child.

Each relation declares its input roles with shapes whose string entries are
sizes that must agree (`["N", "D_in"]`), the roles that are weights a training
loop updates, and which output is the gradient of which weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Shape = list[int | str]


@dataclass(frozen=True)
class Relation:
    """Outputs determined by inputs: `compute(inputs) -> outputs`, on float64 tensors."""

    inputs: dict[str, Shape]
    outputs: tuple[str, ...]
    compute: Callable[[dict[str, Any]], dict[str, Any]]
    weights: tuple[str, ...] = ()
    gradients: dict[str, str] = field(default_factory=dict)  # output role -> weight role


def _leaves(inputs: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    return {
        role: value.detach().clone().requires_grad_(role in roles) for role, value in inputs.items()
    }


def _mul_add_sum(inputs: dict[str, Any]) -> dict[str, Any]:
    """c = sum(x * y + z) and its gradients by x, y and z."""
    import torch

    leaves = _leaves(inputs, ("x", "y", "z"))
    c = (leaves["x"] * leaves["y"] + leaves["z"]).sum()
    grads = torch.autograd.grad(c, [leaves["x"], leaves["y"], leaves["z"]])
    return {"c": c.detach(), "grad_x": grads[0], "grad_y": grads[1], "grad_z": grads[2]}


def _rnn_step(inputs: dict[str, Any]) -> dict[str, Any]:
    """next_h = tanh(W_x x^T + W_h h^T) and the gradients of next_h.sum()."""
    import torch

    roles = ("x", "prev_h", "w_x", "w_h")
    leaves = _leaves(inputs, roles)
    next_h = torch.tanh(leaves["w_x"] @ leaves["x"].t() + leaves["w_h"] @ leaves["prev_h"].t())
    grads = torch.autograd.grad(next_h.sum(), [leaves[r] for r in roles])
    return {"next_h": next_h.detach(), **{f"grad_{r}": g for r, g in zip(roles, grads)}}


def _two_layer_relu(inputs: dict[str, Any]) -> dict[str, Any]:
    """loss = sum((relu(x w1) w2 - y)^2) and its gradients by w1 and w2."""
    import torch

    leaves = _leaves(inputs, ("w1", "w2"))
    y_pred = (leaves["x"] @ leaves["w1"]).clamp(min=0) @ leaves["w2"]
    loss = (y_pred - leaves["y"]).pow(2).sum()
    grad_w1, grad_w2 = torch.autograd.grad(loss, [leaves["w1"], leaves["w2"]])
    outputs = {"loss": loss.detach(), "y_pred": y_pred.detach()}
    return {**outputs, "grad_w1": grad_w1, "grad_w2": grad_w2}


RELATIONS: dict[str, Relation] = {
    "mul_add_sum": Relation(
        inputs={"x": ["N", "D"], "y": ["N", "D"], "z": ["N", "D"]},
        outputs=("c", "grad_x", "grad_y", "grad_z"),
        compute=_mul_add_sum,
    ),
    "rnn_step": Relation(
        inputs={"x": [1, "D"], "prev_h": [1, "H"], "w_x": ["H", "D"], "w_h": ["H", "H"]},
        outputs=("next_h", "grad_x", "grad_prev_h", "grad_w_x", "grad_w_h"),
        compute=_rnn_step,
    ),
    "two_layer_relu": Relation(
        inputs={"x": ["N", "D_in"], "y": ["N", "D_out"], "w1": ["D_in", "H"], "w2": ["H", "D_out"]},
        outputs=("loss", "y_pred", "grad_w1", "grad_w2"),
        compute=_two_layer_relu,
        weights=("w1", "w2"),
        gradients={"grad_w1": "w1", "grad_w2": "w2"},
    ),
}
