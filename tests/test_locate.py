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
        ProbeRequest(
            "mse",
            "call",
            {
                "locator": {"kind": "function", "names": ["mse"]},
                "args": [{"randn": [3]}, {"randn": [3]}],
            },
        ),
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


RENAMED_PARTS = """
import torch
import torch.nn as nn
import torch.nn.functional as F

def two_layer_fc(x, params):
    return F.relu(x.flatten(1) @ params["w1"]) @ params["w2"]

class Conv(nn.Module):  # the notebook's ThreeLayerConvNet, renamed
    def __init__(self, c_in, c1, c2, classes):
        super().__init__()
        self.a = nn.Conv2d(c_in, c1, 5, padding=2)
        self.b = nn.Conv2d(c1, c2, 3, padding=1)
        self.head = nn.Linear(c2 * 8 * 8, classes)

    def forward(self, x):
        return self.head(F.relu(self.b(F.relu(self.a(x)))).flatten(1))

class Wide(nn.Module):  # another question's model: one linear layer
    def __init__(self, c_in, c1, c2, classes):
        super().__init__()
        self.fc = nn.Linear(c_in * 64, classes)

    def forward(self, x):
        return self.fc(x.flatten(1))

fc_params = {"w1": torch.randn(192, 20), "w2": torch.randn(20, 10)}
wrong_params = [torch.randn(20, 10), torch.randn(192, 20)]
conv = Conv(3, 6, 4, 10)
optimizer = torch.optim.SGD(conv.parameters(), lr=0.1)
for step in range(2):
    optimizer.zero_grad()
    conv(torch.randn(2, 3, 8, 8)).sum().backward()
    optimizer.step()
"""

CONV_LAYERS = ["conv2d(3,6,*)", "conv2d(6,4,*)", "linear(*,10)"]
BUILT_CONV = {
    "kind": "module",
    "names": ["ThreeLayerConvNet"],
    "build": [3, 6, 4, 10],
    "accepts": [1, 3, 8, 8],
    "search": True,
    "identify": CONV_LAYERS,
}


def _renamed(probes: list[ProbeRequest]) -> dict:
    return sandbox([RENAMED_PARTS], probes, cell_timeout=30).probes


def test_a_renamed_class_is_built_and_trained_instances_found_by_their_layers() -> None:
    built = BUILT_CONV
    trained = {
        "kind": "module",
        "class_names": ["ThreeLayerConvNet"],
        "accepts": [1, 3, 8, 8],
        "trained": True,
        "search": True,
        "identify": CONV_LAYERS,
    }
    unsearched = {**trained, "search": False}
    shape = {"randn": [2, 3, 8, 8]}
    probes = _renamed(
        [
            ProbeRequest(name, "module", {"locator": locator, "input": shape})
            for name, locator in (("built", built), ("trained", trained), ("named", unsearched))
        ]
    )
    assert probes["built"]["value"]["where"] == "`Conv(3, 6, 4, 10)` (found by its layers)"
    assert probes["trained"]["value"]["where"] == "`conv`"
    assert not probes["named"]["ok"]


def test_a_class_search_leaves_classes_named_by_other_checks_alone() -> None:
    built = {**BUILT_CONV, "exclude": ["Conv"]}
    record = _renamed(
        [ProbeRequest("m", "module", {"locator": built, "input": {"randn": [2, 3, 8, 8]}})]
    )
    assert not record["m"]["ok"]


def test_parameters_kept_in_a_dict_are_read_in_the_order_the_function_uses_them() -> None:
    call = {
        "locator": {"kind": "function", "names": ["two_layer_fc"]},
        "args": [
            {"randn": [4, 3, 8, 8], "seed": 1},
            [{"randn": [192, 5], "seed": 2}, {"randn": [5, 10], "seed": 3}],
        ],
    }
    model = {
        "kind": "function_model",
        "names": ["two_layer_fc"],
        "params": [[192, "H"], ["H", 10]],
        "accepts": [1, 3, 8, 8],
    }
    probes = _renamed(
        [
            ProbeRequest("call", "call", call),
            ProbeRequest("model", "module", {"locator": model, "input": {"randn": [2, 3, 8, 8]}}),
        ]
    )
    assert probes["call"]["ok"] and probes["call"]["value"]["result"]["shape"] == [4, 10]
    assert probes["model"]["value"]["where"] == "`two_layer_fc` with `fc_params`"
