"""A fault in dlgrade's own code is a grader error for the TA, never a student's zero.

Faults are injected without test-only code in the product: a check kind's `judge` or the
runner monkeypatched to raise in the parent, and probe requests the grader's own probe code
cannot read sent to the child.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest
import torch

from graders import engine
from graders.cli import EXIT_GRADER_ERROR, main
from graders.judge.kinds import values
from graders.judge.verdict import GRADER_ERROR, GRADER_ERROR_MESSAGE
from graders.observe.child import faults, ops, probes
from graders.observe.locator import Locator
from graders.observe.protocol import CallParams, ProbeRequest, parse_request

from .conftest import sandbox

RIGHT = "answers_q3 = 'F, T, T, T, F, T, T, F, F, T'\n"  # midterm-2022 question 3, all right
ONE_WRONG = "answers_q3 = 'T, T, T, T, F, T, T, F, F, T'\n"  # item 1 wrong


def _raised(action) -> BaseException:
    try:
        action()
    except BaseException as exc:  # noqa: BLE001 - the exception is what is tested
        return exc
    raise AssertionError("nothing was raised")


class BrokenForward(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("my forward is broken")


class Uncopyable(torch.nn.Module):
    def __deepcopy__(self, memo: dict) -> Uncopyable:
        raise TypeError("cannot be copied")


def test_the_innermost_frame_tells_the_graders_fault_from_the_students() -> None:
    mismatched = torch.nn.Sequential(torch.nn.Linear(10, 5), torch.nn.Linear(6, 3))
    students = {
        "their forward raises": lambda: ops.trace(BrokenForward(), torch.ones(1, 10)),
        "torch refuses their shapes under the tracer": lambda: ops.trace(
            mismatched, torch.ones(1, 10)
        ),
        "a deepcopy of their model fails": lambda: copy.deepcopy(Uncopyable()),
    }
    for what, action in students.items():
        assert not faults.is_grader_fault(_raised(action)), what
    graders = {
        "a request lacks a parameter its probe declares": lambda: parse_request("value", {}),
        "a fixture builds a tensor from a wrong spec": lambda: probes.make_tensor(
            {"randn": "rows"}, 0
        ),
    }
    for what, action in graders.items():
        assert faults.is_grader_fault(_raised(action)), what
    record = faults.failure_record(_raised(lambda: parse_request("value", {})))
    assert record["grader_error"]
    assert record["error"] == "ProbeContractError: probe 'value': locator: Field required"
    assert "protocol.py" in record["traceback"] and "parse_request" in record["traceback"]


MODELS = """
import torch

class Broken(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(10, 1)

    def forward(self, x):
        raise RuntimeError("my forward is broken")

broken = Broken()
mismatched = torch.nn.Sequential(torch.nn.Linear(10, 5), torch.nn.Linear(6, 3))
"""


def test_in_the_sandbox_a_graders_probe_fault_is_a_grader_error_and_a_forward_the_students():
    def module(name: str) -> dict:
        return {"locator": {"kind": "module", "names": [name]}, "input": {"randn": [1, 10]}}

    requests = [
        ProbeRequest("p0", "module", module("broken")),
        ProbeRequest("p1", "module", module("mismatched")),
        ProbeRequest("p2", "value", {"names": ["broken"]}),  # no `locator`: the grader's fault
        ProbeRequest("p3", "no-such-probe", {}),
    ]
    result = sandbox([MODELS], requests)
    broken, mismatched, unreadable, unknown = (result.probes[f"p{i}"] for i in range(4))
    assert broken["error"] == "RuntimeError: my forward is broken"
    assert not broken["ok"] and "grader_error" not in broken
    assert "shapes cannot be multiplied" in mismatched["error"]
    assert "grader_error" not in mismatched
    assert unreadable["grader_error"] and "locator: Field required" in unreadable["error"]
    assert "parse_request" in unreadable["traceback"]
    assert unknown["grader_error"] and "no-such-probe" in unknown["error"]


def _batch(tmp_path: Path, **students: str) -> Path:
    folder = tmp_path / "midterm"
    folder.mkdir()
    for student, source in students.items():
        (folder / f"{student}.py").write_text(source)
    return folder


def _results(out: Path) -> dict[str, dict]:
    data = json.loads((out / "results.json").read_text())
    return {s["student"]: s for s in data["submissions"]}


def _checks(submission: dict) -> dict[str, dict]:
    return {f"{q['id']}/{c['id']}": c for q in submission["questions"] for c in q["checks"]}


@pytest.mark.slow
def test_a_judge_that_raises_is_a_grader_error_everywhere_and_the_rest_is_graded(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    judge = values.ChoiceCheck.judge

    def faulty(self, seen, expected, run):
        if self.item == 2 and "F, T, T, T" in json.dumps(seen.records):
            raise RuntimeError("injected fault in the judge")
        return judge(self, seen, expected, run)

    monkeypatch.setattr(values.ChoiceCheck, "judge", faulty)
    out = tmp_path / "out"
    status = main([str(_batch(tmp_path, kim=RIGHT, lee=ONE_WRONG)), "--out", str(out)])
    assert status == EXIT_GRADER_ERROR
    captured = capsys.readouterr()

    results = _results(out)
    kim, lee = _checks(results["kim"]), _checks(results["lee"])
    assert kim["q3.2/answer"]["status"] == GRADER_ERROR
    assert kim["q3.2/answer"]["message"] == GRADER_ERROR_MESSAGE
    assert "RuntimeError: injected fault in the judge" in kim["q3.2/answer"]["traceback"]
    # the other checks of the same submission, and the other submission, are graded
    assert all(kim[f"q3.{i}/answer"]["status"] == "pass" for i in (1, *range(3, 11)))
    assert results["kim"]["score"] == 18 and results["kim"]["grader_errors"] == 1
    assert lee["q3.1/answer"]["status"] == "fail" and lee["q3.2/answer"]["status"] == "pass"
    assert results["lee"]["score"] == 18 and results["lee"]["grader_errors"] == 0

    with open(out / "gradebook.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert (rows["kim"]["total"], rows["kim"]["grader_errors"]) == ("18", "1")
    assert (rows["lee"]["total"], rows["lee"]["grader_errors"]) == ("18", "0")

    feedback = (out / "feedback" / "kim.md").read_text()
    assert (
        "**Score: 18 / 82 (1 check not graded: grader error; pending manual: 22 points)**"
        in feedback
    )
    assert f"⚠ `answer` (not graded) {GRADER_ERROR_MESSAGE}" in feedback
    assert "injected fault" not in feedback
    assert "grader error" not in (out / "feedback" / "lee.md").read_text()

    log = (out / "grader-errors.log").read_text()
    assert "== kim (" in log and "): q3.2/answer\n" in log and "lee" not in log
    assert "judging: RuntimeError: injected fault in the judge" in log
    assert 'in faulty\n    raise RuntimeError("injected fault in the judge")' in log

    table = {line[2:5]: line for line in captured.out.splitlines() if line[2:5] in ("kim", "lee")}
    assert "18/82 │ grader" in table["kim"] and "18/82 │ ok" in table["lee"]  # beside the total
    lines = [line for line in captured.err.splitlines() if line.startswith("grader error:")]
    log_path = out / "grader-errors.log"
    assert lines == [f"grader error: kim: not graded: q3.2/answer; tracebacks in {log_path}"]


@pytest.mark.slow
def test_a_run_that_fails_in_the_grader_is_that_submissions_grader_error(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    real_run = engine.run

    def run(plan, limits, **files):
        if any("'T, T, T" in cell for cell in plan.cells):
            raise OSError("injected: the runner could not start the child")
        return real_run(plan, limits, **files)

    monkeypatch.setattr(engine, "run", run)
    out = tmp_path / "out"
    folder = _batch(tmp_path, kim=RIGHT, lee=ONE_WRONG)
    assert main([str(folder), "--out", str(out), "-j", "2"]) == EXIT_GRADER_ERROR
    results = _results(out)
    assert results["kim"]["score"] == 20 and results["kim"]["grader_errors"] == 0
    lee = results["lee"]
    assert lee["grader_error"] == "OSError: injected: the runner could not start the child"
    assert lee["score"] == 0
    assert {c["status"] for c in _checks(lee).values()} == {GRADER_ERROR}
    assert lee["grader_errors"] == len(_checks(lee))
    log = (out / "grader-errors.log").read_text()
    assert "== lee (" in log and "): submission\n" in log and "in run\n" in log
    err = capsys.readouterr().err
    assert "grader error: lee: not graded: the whole submission (OSError: injected" in err
    assert "kim" not in err

    # the same batch again, the fault fixed: only lee runs again, and no stale log is left
    monkeypatch.setattr(engine, "run", real_run)
    assert main([str(folder), "--out", str(out)]) == 0
    assert "(1 run, 0 re-judged from stored observations, 1 unchanged)" in capsys.readouterr().out
    assert not (out / "grader-errors.log").exists()
    assert _results(out)["lee"]["grader_errors"] == 0


@pytest.mark.slow
def test_a_probe_the_child_fails_on_in_grader_code_is_a_grader_error_of_its_checks(
    tmp_path: Path, monkeypatch
) -> None:
    def unbuildable(self):  # a valid request whose argument the child's fixtures cannot build
        locator = Locator(kind="function", names=["helper"])
        return {"target": CallParams(locator=locator, args=[{"randn": "rows"}]).request()}

    monkeypatch.setattr(values.ChoiceCheck, "requests", unbuildable)
    out = tmp_path / "out"
    kim = _batch(tmp_path, kim=RIGHT + "def helper(x):\n    return x\n") / "kim.py"
    assert main([str(kim), "--out", str(out)]) == EXIT_GRADER_ERROR
    checks = _checks(_results(out)["kim"])
    answers = {key: check for key, check in checks.items() if key.startswith("q3.")}
    assert len(answers) == 10 and {c["status"] for c in answers.values()} == {GRADER_ERROR}
    assert all("probe `target`: TypeError: randn()" in c["detail"] for c in answers.values())
    assert "fixtures.py" in answers["q3.1/answer"]["traceback"]
    # checks that read other probes are graded as usual
    assert checks["q2.1/layers"]["status"] != GRADER_ERROR


@pytest.mark.slow
def test_verify_reports_grader_errors(monkeypatch, capsys) -> None:
    def faulty(self, seen, expected, run):
        raise RuntimeError("injected fault in the judge")

    monkeypatch.setattr(values.ChoiceCheck, "judge", faulty)
    assert main(["verify", "midterm-2022"]) == EXIT_GRADER_ERROR
    err = capsys.readouterr().err
    assert "grader error: midterm-2022: q3.1/answer: judging: RuntimeError: injected" in err
    assert "grader errors in: midterm-2022" in err
