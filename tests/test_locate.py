"""Locators find a model by the inputs the submission itself fed it."""

from __future__ import annotations

import pytest

from graders.observe.protocol import ProbeRequest

from .conftest import sandbox

pytestmark = pytest.mark.slow

FLAT_MLP = """
import torch
import torch.nn as nn
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                      nn.Linear(128, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for step in range(3):
    images = torch.randn(8, 1, 28, 28)
    loss = nn.functional.cross_entropy(model(images.view(-1, 28 * 28)), torch.zeros(8).long())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
"""


def _module_probe(cells: list[str]) -> dict:
    locator = {"kind": "module", "accepts": [1, 1, 28, 28], "traces": ["linear(784,256)"]}
    probe = ProbeRequest("m", "module", {"locator": locator, "input": {"randn": [2, 1, 28, 28]}})
    return sandbox(cells, [probe], cell_timeout=30).probes["m"]


def test_a_model_fed_flat_images_in_training_is_found_for_image_input() -> None:
    record = _module_probe([FLAT_MLP])
    assert record["ok"], record
    assert record["value"]["ops"][0] == "linear(784,256)"
    assert record["value"]["output"]["shape"] == [2, 10]


def test_a_flat_model_never_fed_anything_is_not_taken_for_image_input() -> None:
    cell = FLAT_MLP.split("optimizer")[0]
    assert not _module_probe([cell])["ok"]


WRAPPED_RELU = """
import torch
class _ReLUFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * (x > 0)

class MyReLU(torch.nn.Module):
    def forward(self, x):
        return _ReLUFunction.apply(x)

mse = torch.nn.MSELoss()
"""


def test_a_custom_function_wrapped_in_a_module_is_checked_through_the_module() -> None:
    locator = {"kind": "function", "names": ["MyReLU"]}
    params = {"locator": locator, "operation": "relu", "input": {"randn": [4, 5]}}
    probes = [
        ProbeRequest("relu", "autograd_function", params),
        ProbeRequest("mse", "call", {"locator": {"kind": "function", "names": ["mse"]},
                                     "args": [{"randn": [3]}, {"randn": [3]}]}),
    ]
    result = sandbox([WRAPPED_RELU], probes, cell_timeout=30)
    relu = result.probes["relu"]
    assert relu["ok"] and relu["value"]["gradcheck"], relu
    assert relu["value"]["forward_error"] == 0 and relu["value"]["backward_error"] == 0
    assert result.probes["mse"]["not_found"]  # a loss object is not the student's function


def test_a_question_left_undone_finds_no_other_questions_model() -> None:
    cells = [
        FLAT_MLP,
        "best_model = None",
    ]
    trained = {"kind": "module", "accepts": [1, 784], "trained": True, "latest": True}
    challenge = {**trained, "names": ["best_model"]}
    other = {"kind": "module", "accepts": [1, 784], "traces": ["linear(784,256)"]}
    probes = [
        ProbeRequest("plain", "module", {"locator": challenge}),
        ProbeRequest("unlike", "module", {"locator": {**challenge, "unlike": [other]}}),
    ]
    result = sandbox(cells, probes, cell_timeout=30)
    assert result.probes["plain"]["ok"]  # the earlier question's model, for want of another
    assert result.probes["unlike"]["not_found"]
