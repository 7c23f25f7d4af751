"""Probes in the sandbox: grader-chosen arguments, numpy or torch code, custom autograd
Functions, attribute paths, and models picked by how they were trained."""

from __future__ import annotations

from typing import Any

import numpy as np

from graders.observe.protocol import ProbeRequest

from .conftest import sandbox


def answers(cells: list[str], *probes: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Run `cells`, then each probe; their records in order."""
    requests = [ProbeRequest(id=f"p{i}", probe=p, params=q) for i, (p, q) in enumerate(probes)]
    result = sandbox(cells, requests)
    return [result.probes[f"p{i}"] for i in range(len(probes))]


def call(name: str, *args: Any) -> tuple[str, dict[str, Any]]:
    return "call", {"locator": {"kind": "function", "names": [name]}, "args": list(args)}


def result_of(record: dict[str, Any]) -> np.ndarray:
    assert record["ok"], record
    value = record["value"]["result"]
    return np.array(value["data"]).reshape(value["shape"])


NUMPY_AND_TORCH = """
import numpy as np
import torch

def numpy_only(x):
    return x.dot(np.ones(x.shape[1])).copy()  # tensors have no .copy()

def torch_only(x):
    return x.sum(dim=1)  # numpy's sum has no `dim`

def derivative(f, z, eps=1e-6):
    return (f(z + eps) - f(z - eps)) / (2 * eps)
"""


def test_a_call_retries_with_the_other_array_kind() -> None:
    tensor = {"tensor": [[1.0, 2.0], [3.0, 4.0]]}
    array = {**tensor, "numpy": True, "dtype": "float64"}
    records = answers(
        [NUMPY_AND_TORCH],
        call("numpy_only", tensor),
        call("torch_only", array),
        call("derivative", {"function": "sigmoid"}, {**array, "tensor": [0.0, 1.0]}),
    )
    assert result_of(records[0]).tolist() == [3.0, 7.0]
    assert result_of(records[1]).tolist() == [3.0, 7.0]
    sigmoid = 1 / (1 + np.exp(-np.array([0.0, 1.0])))
    assert np.allclose(result_of(records[2]), sigmoid * (1 - sigmoid), atol=1e-8)


def test_a_call_that_fails_both_ways_reports_the_error() -> None:
    (record,) = answers([NUMPY_AND_TORCH], call("numpy_only", {"tensor": [1.0]}))
    assert not record["ok"] and "Error" in record["error"]


AUTOGRAD_FUNCTIONS = """
import torch

class GoodReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        grad = grad.clone()
        grad[x < 0] = 0
        return grad

class WrongReLU(GoodReLU):
    @staticmethod
    def backward(ctx, grad):
        return grad * 0.5
"""


def test_autograd_function_probe_runs_gradcheck_and_compares_with_the_operation() -> None:
    def probe(name: str) -> tuple[str, dict[str, Any]]:
        locator = {"kind": "function", "names": [name]}
        spec = {"randn": [3, 4], "away_from_zero": 0.05}
        return "autograd_function", {"locator": locator, "operation": "relu", "input": spec}

    good, wrong = answers([AUTOGRAD_FUNCTIONS], probe("GoodReLU"), probe("WrongReLU"))
    assert good["value"]["gradcheck"] and good["value"]["backward_error"] == 0
    assert good["value"]["forward_error"] == 0
    assert not wrong["value"]["gradcheck"] and wrong["value"]["backward_error"] > 0.1
    assert "Jacobian mismatch" in wrong["value"]["gradcheck_problem"]


TWO_MODELS = """
import torch
from torch.utils.data import DataLoader, TensorDataset

x, y = torch.randn(32, 5), torch.randn(32, 1)
whole = torch.nn.Linear(5, 1)
batched = torch.nn.Linear(5, 1)
first = torch.optim.SGD(whole.parameters(), lr=1e-3)
for _ in range(20):
    loss = ((whole(x) - y) ** 2).sum()   # a hand-written loss: its backward root is kept
    first.zero_grad()
    loss.backward()
    first.step()
second = torch.optim.SGD(batched.parameters(), lr=1e-2)
for xb, yb in DataLoader(TensorDataset(x, y), batch_size=8):
    torch.nn.functional.mse_loss(batched(xb), yb).backward()
    second.step()
    second.zero_grad()
"""


def test_models_are_told_apart_by_learning_rate_and_loader() -> None:
    def training(**locator: Any) -> tuple[str, dict[str, Any]]:
        return "training", {"locator": {"kind": "module", "accepts": [1, 5], **locator}}

    by_lr, by_loader, value = answers(
        [TWO_MODELS],
        training(lr=1e-3),
        training(from_loader=True),
        ("value", {"locator": {"names": ["whole.weight.grad"]}}),
    )
    assert by_lr["value"]["where"] == "`whole`" and by_lr["value"]["steps"] == 20
    assert len(by_lr["value"]["losses"]) == 20  # the manual losses were recorded
    assert by_lr["value"]["optimizer_records"][0]["hyper"]["lr"] == 1e-3
    assert by_loader["value"]["where"] == "`batched`" and by_loader["value"]["steps"] == 4
    assert value["value"]["candidates"][0]["where"] == "`whole.weight.grad`"


CS231N_STYLE = """
import torch
import torch.nn as nn
import torch.nn.functional as F

def two_layer_fc(x, params):
    w1, w2 = params
    return F.relu(x.flatten(1).mm(w1)).mm(w2)

w1 = torch.randn(12, 7)
w2 = torch.randn(7, 3)
decoy = torch.randn(5, 3)  # fits (H, 3) only if H were 5

class Net(nn.Module):
    def __init__(self, n_in, n_out, kaiming=True):
        super().__init__()
        self.fc = nn.Linear(n_in, n_out)
        if kaiming:
            nn.init.kaiming_normal_(self.fc.weight)

    def forward(self, x):
        return self.fc(x.flatten(1))

def random_weight(shape):
    return torch.randn(shape) * (2 / shape[0]) ** 0.5
"""


def test_a_function_and_its_parameters_make_one_model() -> None:
    (record,) = answers(
        [CS231N_STYLE],
        (
            "module",
            {
                "locator": {"kind": "function_model", "names": ["two_layer_fc"],
                            "params": [[12, "H"], ["H", 3]]},
                "input": {"randn": [2, 3, 2, 2]},
            },
        ),
    )  # fmt: skip
    assert record["ok"], record
    assert record["value"]["where"] == "`two_layer_fc` with `w1`, `w2`"
    assert record["value"]["output"]["shape"] == [2, 3]


def test_a_model_class_is_built_fresh_with_the_grader_arguments() -> None:
    identity = [[1.0, 0, 0, 0, 0, 0], [0, 1.0, 0, 0, 0, 0]]
    built, moments, applied = answers(
        [CS231N_STYLE, "model = Net(12, 3)"],
        ("module", {"locator": {"kind": "module", "names": ["Net"], "build": [20, 4]}}),
        ("call", {"locator": {"kind": "function", "names": ["Net"]}, "args": [4000, 10],
                  "observe": "moments"}),
        ("call", {"locator": {"kind": "function", "names": ["Net"]}, "args": [6, 2],
                  "observe": {"parameters": [{"tensor": identity}, {"tensor": [0.5, -0.5]}],
                              "input": {"tensor": [[[1.0, 2, 3], [4, 5, 6]]]}}}),
    )  # fmt: skip
    assert built["value"]["where"] == "`Net(20, 4)`" and built["value"]["param_count"] == 84
    (weight,) = moments["value"]["result"]
    assert weight["shape"] == [10, 4000] and abs(weight["std"] - (2 / 4000) ** 0.5) < 1e-3
    output = applied["value"]["result"]
    assert output["shape"] == [1, 2] and output["data"] == [1.5, 1.5]


def test_a_returned_model_needs_every_grader_parameter() -> None:
    (record,) = answers(
        [CS231N_STYLE],
        ("call", {"locator": {"kind": "function", "names": ["Net"]}, "args": [6, 2],
                  "observe": {"parameters": [{"randn": [2, 6]}], "input": {"randn": [1, 6]}}}),
    )  # fmt: skip
    assert not record["ok"] and "`fc.bias` of shape (2,)" in record["error"]


TRAINED_IN_CELLS = """
import torch, torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
data = DataLoader(TensorDataset(torch.randn(64, 4), torch.randint(0, 2, (64,))), batch_size=8)
first, second = nn.Linear(4, 2), nn.Linear(4, 2)
def train(model, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        for x, y in data:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
        with torch.no_grad():
            seen = sum(len(x) for x, _ in data)  # a validation pass: not an epoch
"""


def test_epochs_and_the_latest_trained_model() -> None:
    latest, earliest = answers(
        [TRAINED_IN_CELLS, "train(second, 3)", "train(first, 2)"],
        ("training", {"locator": {"kind": "module", "accepts": [1, 4], "latest": True}}),
        ("training", {"locator": {"kind": "module", "accepts": [1, 4], "earliest": True}}),
    )
    assert latest["value"]["where"] == "`first`" and latest["value"]["steps"] == 16
    assert earliest["value"]["where"] == "`second`" and earliest["value"]["steps"] == 24
    assert (latest["value"]["epochs"], earliest["value"]["epochs"]) == (2, 3)


SIDE_EFFECTS = """
import torch

def make(n):
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    loss = torch.nn.functional.mse_loss(model(torch.ones(1, 2)), torch.zeros(1, 2))
    loss.backward()
    optimizer.step()
    return n
"""


def test_what_a_probe_makes_the_submissions_code_do_is_not_recorded_for_the_next() -> None:
    """A searched function that builds and trains a model while a probe calls it leaves
    no model, optimizer or loss behind for the probes after it."""
    before, called, after, model = answers(
        [SIDE_EFFECTS],
        ("recorded", {}),
        call("make", {"tensor": [1.0]}),
        ("recorded", {}),
        ("module", {"locator": {"kind": "module", "accepts": [1, 2]}}),
    )
    assert called["ok"] and called["value"]["method"]["autograd"]  # the call itself is seen
    for key in ("optimizers", "losses", "graphs"):
        assert after["value"][key] == before["value"][key] == [], key
    assert not model["ok"] and "no module" in model["error"]
