"""The probe contract: each probe declared once (parameters and result), both sides held
to it."""

from __future__ import annotations

import pytest

from graders.observe.child.probes import IMPLEMENTATIONS
from graders.observe.locator import Locator
from graders.observe.protocol import (
    PROBES,
    ModuleParams,
    ProbeContractError,
    ProbeRequest,
    parse_request,
    result_problem,
)
from graders.observe.runner import _held_to_contract

from .conftest import sandbox
from .test_scripts import MY_RELU


def test_the_child_implements_every_declared_probe_and_no_other() -> None:
    assert set(IMPLEMENTATIONS) == {spec.params for spec in PROBES.values()}
    assert set(PROBES) >= {"value", "module", "call", "script", "predict"}


def test_a_request_is_read_as_its_probes_typed_parameters() -> None:
    params = parse_request("module", {"locator": {"kind": "module", "names": ["net"]}})
    assert isinstance(params, ModuleParams) and isinstance(params.locator, Locator)
    assert params.locator.names == ["net"] and params.input is None
    with pytest.raises(ProbeContractError, match="unknown probe 'modules'; the probes are value"):
        parse_request("modules", {})
    with pytest.raises(ProbeContractError, match=r"locator\.max: Extra inputs"):
        parse_request("module", {"locator": {"kind": "module", "max": 2}})
    with pytest.raises(ProbeContractError, match=r"dataset: Input should be 'mnist'"):
        parse_request("predict", {"locator": {}, "dataset": "imagenet"})


def test_a_typed_request_round_trips_through_the_wire() -> None:
    params = ModuleParams(locator=Locator(kind="module", accepts=[1, 3]), input={"randn": [1, 3]})
    probe, wire = params.request()
    assert probe == "module" and parse_request(probe, wire) == params


def test_an_answer_against_its_declared_result_is_a_grader_error() -> None:
    good = {"ok": True, "value": {"where": "`net`", "class": "Net", "param_count": 3}}
    assert _held_to_contract("module", good) is good
    failed = {"ok": False, "error": "RuntimeError: their forward"}
    assert _held_to_contract("module", failed) is failed
    bad = {"ok": True, "value": {"where": "`net`", "klass": "Net"}, "seconds": 0.1}
    held = _held_to_contract("module", bad)
    assert not held["ok"] and held["grader_error"]
    assert held["error"] == (
        "probe 'module' answered against its declared result: klass: Extra inputs are not "
        "permitted"
    )
    assert result_problem("training", {"where": "x"}).startswith(
        "probe 'training' answered against its declared result: epochs: Field required"
    )


SCRIPT = MY_RELU.replace("SCALE", "1") + """
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)

def double(x):
    return 2 * x

torch.manual_seed(0)
net = Net()
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
x, y = torch.randn(8, 4), torch.randn(8, 2)
for _ in range(5):
    optimizer.zero_grad()
    loss = nn.MSELoss()(net(x), y)
    loss.backward()
    optimizer.step()
answer = 42
"""


def test_every_probe_answers_a_plain_run_within_its_declared_result() -> None:
    module = {"kind": "module", "names": ["net"]}
    requests = {
        "value": {"locator": {"names": ["answer"]}},
        "module": {"locator": module, "input": {"randn": [2, 4]}},
        "gradient": {"locator": module, "input": {"randn": [2, 4]}, "target": {"randn": [2, 2]}},
        "call": {"locator": {"kind": "function", "names": ["double"]}, "args": [{"randn": [3]}]},
        "autograd_function": {
            "locator": {"kind": "function", "names": ["MyReLU"]},
            "operation": "relu",
            "input": {"randn": [5], "away_from_zero": 0.05},
        },
        "recorded": {},
        "trajectory": {"locator": module},
        "training": {"locator": module},
    }
    probes = [ProbeRequest(name, name, params) for name, params in requests.items()]
    result = sandbox([SCRIPT], probes, cell_timeout=30)
    for name in requests:
        record = result.probes[name]
        assert record["ok"], (name, record)
        assert result_problem(name, record["value"]) is None
    assert result.probes["training"]["value"]["steps"] == 5
