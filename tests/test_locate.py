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
