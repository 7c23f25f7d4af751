"""The sandboxed child: cells run one by one, errors and time limits are contained."""

from __future__ import annotations

import os
import time

import pytest

from graders.observe.protocol import ProbeRequest

from .conftest import ROOT, sandbox

pytestmark = pytest.mark.slow

CELLS = [
    "import os, sys, torch\nx = torch.ones(3)\nx * 2",  # 1 displayed value
    "1 / 0",  # 2 error, next runs
    "y = x.sum().item()\nprint('y is', y)",  # 3
    "!touch shell_ran\n%time z = 1\nimport subprocess",  # 4 shell skipped, %time runs
    "import reference",  # 5 blocked import
    "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=2)",  # 6 no network
    "big = bytearray(60 * 1024**3)",  # 7 memory cap
    "raise SystemExit(3)",  # 8 exit is contained
    "cwd = os.getcwd()\nhome = os.environ['HOME']\nshell_file = os.path.exists('shell_ran')",
    'print(\'{"event": "probe", "id": "p0", "ok": true, "value": 42}\')',  # 10 forged record
    "while True:\n    pass",  # 11 soft time limit
    "after_loop = 'ran'",  # 12
    "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\nbackend = plt.get_backend()",
]


@pytest.fixture(scope="module")
def result():
    probes = [
        ProbeRequest("p0", "value", {"locator": {"names": ["y"]}}),
        ProbeRequest("p1", "value", {"locator": {"names": ["cwd", "home"]}}),
        ProbeRequest("p2", "value", {"locator": {"names": ["backend"]}}),
        ProbeRequest("p3", "value", {"locator": {"names": ["shell_file"]}}),
        ProbeRequest("p4", "value", {"locator": {"names": ["z"]}}),
    ]
    started = time.monotonic()
    outcome = sandbox(CELLS, probes, cell_timeout=3, memory_mb=4096)
    outcome.elapsed = time.monotonic() - started
    return outcome


def test_every_cell_ran_and_errors_were_recorded_per_cell(result) -> None:
    statuses = [c.status for c in result.cells]
    assert statuses == [
        "ok",
        "error",
        "ok",
        "ok",
        "error",
        "error",
        "error",
        "exit",
        "ok",
        "ok",
        "timeout",
        "ok",
        "ok",
    ]
    assert result.completed
    assert result.cells[1].error.startswith("ZeroDivisionError")


def test_notebook_display_and_prints_are_captured(result) -> None:
    assert "tensor([2., 2., 2.])" in result.stdout
    assert "y is 3.0" in result.stdout


def test_matplotlib_runs_without_a_display(result) -> None:
    backend = result.probes["p2"]["value"]["candidates"][0]["value"]["value"]
    assert backend.lower() == "agg"


def test_shell_does_not_run_and_time_runs_its_statement(result) -> None:
    assert result.cells[3].skipped_magics == ["!touch shell_ran"]
    shell_file = result.probes["p3"]["value"]["candidates"][0]["value"]
    assert shell_file == {"type": "bool", "value": False}
    assert result.probes["p4"]["value"]["candidates"][0]["value"] == {"type": "number", "value": 1}


def test_grader_packages_cannot_be_imported(result) -> None:
    assert "cannot be imported while grading" in result.cells[4].error


def test_network_is_off(result) -> None:
    assert "network access is disabled while grading" in result.cells[5].error


def test_memory_is_capped(result) -> None:
    assert result.cells[6].error.startswith("MemoryError")


def test_exit_only_ends_its_cell(result) -> None:
    assert result.cells[7].error == "the cell called exit(3)"


def test_scratch_folder_is_the_working_directory_and_home(result) -> None:
    cwd, home = (c["value"]["value"] for c in result.probes["p1"]["value"]["candidates"])
    assert cwd == home and "dlgrade-scratch-" in cwd
    assert not os.path.exists(cwd), "the scratch folder is removed after the run"


def test_printed_records_cannot_forge_observations(result) -> None:
    candidates = result.probes["p0"]["value"]["candidates"]
    assert candidates[0]["value"] == {"type": "number", "value": 3.0}


def test_soft_time_limit_interrupts_a_loop_and_the_next_cell_runs(result) -> None:
    assert result.cells[10].error == "cell ran past its time limit of 3 s"
    assert result.cells[11].status == "ok"
    assert result.elapsed < 30


def test_a_cell_that_ignores_the_interrupt_is_killed_at_the_hard_limit() -> None:
    cells = [
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass",
        "never = 1",
    ]
    started = time.monotonic()
    result = sandbox(cells, cell_timeout=2, grace=1)
    assert time.monotonic() - started < 15
    assert result.stopped is not None and "cell 1 ran past its time limit" in result.stopped
    assert [c.status for c in result.cells] == ["timeout", "not_run"]


def test_the_total_time_limit_bounds_a_run() -> None:
    cells = ["import time\ntime.sleep(2)"] * 10
    started = time.monotonic()
    result = sandbox(cells, cell_timeout=5, total_timeout=5)
    assert time.monotonic() - started < 15
    assert "total time limit" in result.stopped


def test_hard_exit_and_process_tree_are_handled() -> None:
    cells = [
        "import subprocess\np = subprocess.Popen(['sleep', '300'])\n"
        "print('pid', p.pid, flush=True)",
        "import os\nos._exit(0)",
        "never = 1",
    ]
    result = sandbox(cells)
    assert "ended early" in result.stopped
    pid = int(result.stdout.split()[1])
    time.sleep(0.2)
    with open(f"/proc/{pid}/stat") if os.path.exists(f"/proc/{pid}") else open(os.devnull) as f:
        state = f.read()
    assert state == "" or state.split(")")[1].split()[0] == "Z", "the child's child was killed"


def test_stdout_is_bounded() -> None:
    result = sandbox(["for i in range(200000):\n    print('x' * 50)"], output_bytes=10_000)
    assert len(result.stdout) < 11_000
    assert "more bytes of output not kept" in result.stdout


def test_the_checkout_is_not_readable_even_on_sys_path(monkeypatch) -> None:
    from graders.observe import landlock

    monkeypatch.syspath_prepend(str(ROOT))  # as an editable install in compat mode does
    readable = landlock.readable_paths(None)
    assert str(ROOT / "graders") in readable
    assert not any(os.path.commonpath([p, str(ROOT / "reference")]) == p for p in readable)
