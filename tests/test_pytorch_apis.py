"""pytorch-apis: the reference earns full marks, and its answers agree with second
implementations (torch's own layers) and hand derivations on the rubric's grader inputs."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from graders.assignments import get_assignment
from graders.cli import answers, main
from graders.engine import Grader
from graders.observe.child.fixtures import build

from .conftest import EXAMPLES
from .rubric_inputs import calls, check_of
from .test_examples import readme_maxima, readme_totals

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assignment():
    return get_assignment("pytorch-apis")


@pytest.fixture(scope="module")
def reference(assignment) -> dict[str, Any]:
    return answers(assignment)["questions"]


def test_reference_earns_full_marks_but_for_the_training_data(assignment) -> None:
    """Every check that needs no CIFAR-10 training passes (the synthetic test data is
    smaller than the notebook's 49000 training images)."""
    result = Grader(assignment).verify()
    failing = [
        (q.id, c.id, c.message)
        for q in result.questions
        for c in q.checks
        if c.kind != "manual"
        and getattr(check_of(assignment, q.id, c.id), "dataset", None) is None
        and c.status != "pass"
    ]
    assert failing == []


def test_flatten_keeps_the_batch_dimension(assignment, reference) -> None:
    for (x,), (found,) in zip(calls(assignment, "q1", "flatten"), reference["q1"]["flatten"]):
        found = np.asarray(found)
        assert found.shape == (x.shape[0], math.prod(x.shape[1:]))
        assert np.array_equal(found, x.numpy().reshape(len(x), -1))
    assert np.asarray(reference["q1"]["flatten"][0][0]).shape == (2, 6)


def test_two_layer_fc_is_relu_x_w1_w2(assignment, reference) -> None:
    answers_ = reference["q1"]["two-layer-fc"]
    for (x, (w1, w2)), (found,) in zip(calls(assignment, "q1", "two-layer-fc"), answers_):
        x64 = x.double().reshape(len(x), -1).numpy()
        scores = np.maximum(x64 @ w1.double().numpy(), 0) @ w2.double().numpy()
        assert np.asarray(found).shape == (len(x), 10)
        assert np.allclose(found, scores, rtol=1e-4, atol=1e-4)


def conv_net_of(params: list[torch.Tensor]) -> nn.Sequential:
    """The three-layer ConvNet built from torch layers, holding `params`."""
    w1, b1, w2, b2, fc_w, fc_b = params
    net = nn.Sequential(
        nn.Conv2d(w1.shape[1], w1.shape[0], 5, padding=2),
        nn.ReLU(),
        nn.Conv2d(w2.shape[1], w2.shape[0], 3, padding=1),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(fc_w.shape[0], fc_w.shape[1]),
    )
    with torch.no_grad():
        for param, value in zip(net.parameters(), [w1, b1, w2, b2, fc_w.t(), fc_b]):
            param.copy_(value)
    return net.double()


def test_three_layer_convnet_equals_torch_layers(assignment, reference) -> None:
    answers_ = reference["q1"]["three-layer-convnet"]
    for (x, params), (found,) in zip(calls(assignment, "q1", "three-layer-convnet"), answers_):
        with torch.no_grad():
            scores = conv_net_of(params)(x.double()).numpy()
        assert np.asarray(found).shape == (len(x), 10)
        assert np.allclose(found, scores, rtol=1e-4, atol=1e-4)
    assert np.asarray(answers_[0][0]).shape == (64, 10)


def kaiming_std(shape: list[int], matrix_fan_in: int) -> float:
    fan_in = shape[matrix_fan_in] if len(shape) == 2 else math.prod(shape[1:])
    return math.sqrt(2 / fan_in)


def test_random_weight_has_the_kaiming_spread(reference) -> None:
    for (moments,) in reference["q2"]["random-weight"]:
        # The notebook's matrices are (inputs, outputs): fan_in is shape[0].
        want = kaiming_std(moments["shape"], matrix_fan_in=0)
        assert abs(moments["std"] - want) < 0.05 * want
        assert abs(moments["mean"]) < 0.05 * want
        assert moments["requires_grad"]


def test_zero_weight_is_zeros(assignment, reference) -> None:
    for (shape,), (found,) in zip(
        calls(assignment, "q2", "zero-weight"), reference["q2"]["zero-weight"]
    ):
        assert np.asarray(found).shape == tuple(shape) and not np.any(found)


def test_the_conv_net_has_170906_parameters(reference) -> None:
    by_hand = (32 * 3 * 5 * 5 + 32) + (16 * 32 * 3 * 3 + 16) + (16 * 32 * 32 * 10 + 10)
    assert by_hand == 170906
    assert reference["q3"]["parameter-count"] == by_hand


def test_module_weights_have_the_kaiming_spread(reference) -> None:
    for moments in [*reference["q3"]["kaiming"], *reference["q3"]["two-layer-kaiming"]]:
        for weight in moments:
            # nn.Conv2d and nn.Linear hold (outputs, inputs): fan_in is shape[1:].
            want = kaiming_std(weight["shape"], matrix_fan_in=1)
            assert abs(weight["std"] - want) < 0.05 * want
    shapes = [w["shape"] for w in reference["q3"]["kaiming"][0]]
    assert shapes == [[32, 3, 5, 5], [16, 32, 3, 3], [10, 16384]]


def test_the_module_computes_what_the_function_computes(assignment, reference) -> None:
    call = check_of(assignment, "q4", "same-as-function").calls[0]
    seed = assignment.rubric.seed
    weights = build(call.observe.parameters, seed)
    x = build(call.observe.input, seed)
    # The function takes the fully connected weight as (inputs, outputs).
    params = [*weights[:4], weights[4].t(), weights[5]]
    with torch.no_grad():
        scores = conv_net_of(params)(x.double()).numpy()
    (found,) = reference["q4"]["same-as-function"][0]
    assert np.allclose(found, scores, rtol=1e-4, atol=1e-4)


def test_two_layer_module_forward(assignment, reference) -> None:
    call = check_of(assignment, "q4", "two-layer-forward").calls[0]
    w1, b1, w2, b2 = (t.double() for t in build(call.observe.parameters, assignment.rubric.seed))
    x = build(call.observe.input, assignment.rubric.seed).double().flatten(1)
    scores = F.linear(F.relu(F.linear(x, w1, b1)), w2, b2).numpy()
    (found,) = reference["q4"]["two-layer-forward"][0]
    assert np.allclose(found, scores, rtol=1e-4, atol=1e-4)


@pytest.mark.data
def test_reference_earns_full_marks_on_the_real_data(real_data_root, capsys) -> None:
    """What `grade --self` judges, on the real CIFAR-10 (the challenge's 70% after full
    training is `tests/benchmarks/verify_full.py`)."""
    data = ["--data-dir", str(real_data_root.path)]
    assert main(["verify", "pytorch-apis", "--self", *data]) == 0
    out = capsys.readouterr().out
    assert re.search(r"pytorch-apis: ([\d.]+) / \1 full marks \(public checks, fast budget\)", out)
    assert "test accuracy" in out and "on 2000 images under the fast budget" in out


@pytest.mark.data
def test_examples_score_as_the_readme_says_on_the_real_data(real_data_root, tmp_path) -> None:
    folder = EXAMPLES.parent / "pytorch-apis"
    assert set(readme_totals("pytorch-apis")) == {p.stem for p in folder.iterdir()}
    data = ["--data-dir", str(real_data_root.path)]
    status = main([str(folder), "--out", str(tmp_path), "-j", "2", "--budget", "fast", *data])
    assert status == 0
    results = json.loads((Path(tmp_path) / "results.json").read_text())
    totals = {s["student"]: s["score"] for s in results["submissions"]}
    assert totals == pytest.approx(readme_totals("pytorch-apis"))
    maxima = {s["student"]: s["max_score"] for s in results["submissions"]}
    assert maxima == readme_maxima("pytorch-apis")  # the challenge's written 3 included
