"""The hostile corpus: every file in tests/hostile/ (and a few generated ones) is graded in one
batch beside an honest submission, while another class's batch grades on the same machine
(a TA's overnight run does not have the machine to itself). A submission can lose its own
points, and nothing else, and every time bound holds under that load."""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from graders.cli import main

from .conftest import EXAMPLES
from .test_examples import readme_totals

pytestmark = pytest.mark.slow

HOSTILE = Path(__file__).parent / "hostile"
CANARY = Path("/tmp/dlgrade-hostile-canary")  # the corpus tries to write here and delete it
PORT = 47813  # opens_sockets.py tries to reach a listener here
CELL_TIMEOUT = 5
HONEST = readme_totals()["partial"]  # submissions_example/cnn-basics/partial.py

# What the feedback says where the honest softmax of Q4 is credited, and where none is found.
CREDITED = "`softmax_q4`: [0.1325, 0.6563, 0.08891, 0.1223]: correct"
NOT_FOUND = "not found: no numeric value named `softmax_q4`"

# student -> (total it earns honestly, a phrase its feedback must carry)
EXPECTED: dict[str, tuple[float, str]] = {
    "loop_forever": (6, "time limit of 5 s"),  # the cell after the loop still runs
    "sleeps": (0, "time limit of 5 s"),
    "endless_training": (0, "time limit of 5 s"),  # its SGD(lr=0.01) trains no LeNet: Q1 has none
    "deadlocked_loader": (0, "could not be interrupted"),
    "allocates_50gb": (6, "MemoryError"),
    "fork_bomb": (0, "Resource temporarily unavailable"),
    "thread_bomb": (0, "can't start new thread"),
    "huge_file": (6, "File too large"),
    "prints_forever": (0, "time limit of 5 s"),
    "huge_answer": (0, "no numeric value named `softmax_q4`"),
    "opens_sockets": (0, "network access is disabled while grading"),
    "installs_packages": (0, "returned non-zero exit status"),
    "runs_commands": (6, CREDITED),
    "reads_secrets": (0, NOT_FOUND),  # it found nothing to copy
    "writes_outside": (6, "Permission denied"),
    "changes_cwd_and_env": (6, CREDITED),
    "prints_results": (0, NOT_FOUND),  # a printed "70 / 70" is no answer
    "writes_results": (0, NOT_FOUND),
    "exits_early": (0, "ended early"),
    "kills_parent": (6, CREDITED),
    "tampers_with_fds": (0, "wrote to the grader's private channel"),
    "monkeypatches": (2, "`softmax_q4`: found [0.25"),  # a distribution, but not the softmax
    "fakes_answers": (1, "found 0.123, which is not the expected value"),
    "conversion_runs_code": (0.5, "no numeric value named `softmax_q4`"),
    "empty": (0, "holds no code"),
    "junk": (0, "not UTF-8 text"),
    "invalid_json": (0, "not a valid notebook"),
    "nbformat3": (6, CREDITED),
    "huge": (0, "too large to grade"),
    "latin1": (0, "not UTF-8 text"),
    "제출_파일_1": (6, CREDITED),
    "two_notebooks": (0, "cannot tell which file to run"),
}


class Load:
    """Another grading batch beside the one under test: the cnn-basics examples, graded
    over and over in a separate process until `stop()`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.started = 0
        self.running = True
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.thread = threading.Thread(target=self._grade, daemon=True)
        self.thread.start()

    def _grade(self) -> None:
        examples = [str(EXAMPLES / "partial.py"), str(EXAMPLES / "full_marks.ipynb")]
        command = [sys.executable, "-m", "graders", *examples, "--budget", "fast", "--out",
                   str(self.out)]  # fmt: skip
        while True:
            shutil.rmtree(self.out, ignore_errors=True)  # no journal: grade everything again
            with self.lock:
                if not self.running:
                    return
                self.process = subprocess.Popen(
                    command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                self.started += 1
            self.process.wait()

    def stop(self) -> int:
        """Stop the load; how many batches it started."""
        with self.lock:
            self.running = False
            if self.process is not None:
                self.process.terminate()
        self.thread.join()
        return self.started


class Listener:
    """TCP and UDP sockets on 127.0.0.1:PORT that count whatever reaches them."""

    def __init__(self) -> None:
        self.tcp = socket.create_server(("127.0.0.1", PORT))
        self.tcp.settimeout(0.2)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", PORT))
        self.udp.settimeout(0.2)
        self.reached = 0
        self.running = True
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        while self.running:
            for accept in (self.tcp.accept, lambda: self.udp.recvfrom(64)):
                try:
                    accept()
                    self.reached += 1
                except OSError:
                    pass

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.tcp.close()
        self.udp.close()


def write_generated(folder: Path) -> None:
    """The broken formats that are better made than stored."""
    (folder / "junk.ipynb").write_bytes(bytes(range(256)) * 16)
    (folder / "latin1.py").write_bytes(b'name = "caf\xe9"\nsoftmax_q4 = [0.1, 0.2, 0.3, 0.4]\n')
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("x = 1\n# " + "y" * (200 << 20)))
    nbformat.write(notebook, str(folder / "huge.ipynb"))
    two = folder / "two_notebooks"
    two.mkdir()
    for name in ("a.ipynb", "b.ipynb"):
        shutil.copy(EXAMPLES.parent / "midterm-2022" / "full_marks.ipynb", two / name)


def site_packages() -> set[str]:
    return {
        p.name for path in sys.path if path.endswith("site-packages") for p in Path(path).iterdir()
    }


@dataclass
class Batch:
    status: int
    out: Path
    results: dict
    reached: int
    canary: set[str]
    shm_before: set[str]
    packages_before: set[str]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    folder = tmp_path_factory.mktemp("hostile-batch")
    shutil.copytree(HOSTILE, folder, dirs_exist_ok=True)
    shutil.copy(EXAMPLES / "partial.py", folder / "honest.py")
    write_generated(folder)
    shutil.rmtree(CANARY, ignore_errors=True)
    CANARY.mkdir()
    (CANARY / "keep.txt").write_text("keep")
    shm_before, packages_before = set(os.listdir("/dev/shm")), site_packages()
    listener = Listener()
    out = tmp_path_factory.mktemp("hostile-out")
    load = Load(tmp_path_factory.mktemp("load-out"))
    try:
        status = main(
            [str(folder), "--assignment", "cnn-basics", "--out", str(out), "-j", "2",
             "--budget", "fast", "--cell-timeout", str(CELL_TIMEOUT)]
        )  # fmt: skip
    finally:
        listener.close()
        loads = load.stop()
    assert loads >= 1, "no other batch ran beside this one"
    canary = {p.name for p in CANARY.iterdir()} if CANARY.is_dir() else set()
    results = json.loads((out / "results.json").read_text())
    return Batch(status, out, results, listener.reached, canary, shm_before, packages_before)


def test_the_batch_completes_with_a_valid_gradebook(batch: Batch) -> None:
    assert batch.status == 1  # some files could not be read; everything else was graded
    students = {s["student"] for s in batch.results["submissions"]}
    assert students == {*EXPECTED, "honest"}
    with open(batch.out / "gradebook.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["student"] for r in rows) == sorted(students)
    assert all(r["total"] != "" for r in rows)


def test_the_honest_submission_scores_as_when_graded_alone(batch: Batch, tmp_path) -> None:
    alone = ["--out", str(tmp_path), "--budget", "fast"]
    assert main([str(EXAMPLES / "partial.py"), *alone]) == 0
    score_alone = json.loads((tmp_path / "results.json").read_text())["submissions"][0]["score"]
    in_batch = next(s for s in batch.results["submissions"] if s["student"] == "honest")
    assert in_batch["score"] == score_alone == pytest.approx(HONEST)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_hostile_case_earns_what_it_earns_honestly(batch: Batch, student: str) -> None:
    total, phrase = EXPECTED[student]
    result = next(s for s in batch.results["submissions"] if s["student"] == student)
    assert result["score"] == pytest.approx(total)
    feedback = (batch.out / "feedback" / f"{student}.md").read_text()
    assert phrase in feedback
    # Each case has at most one never-ending cell: its limit, the kill's grace, and cleanup.
    assert result["seconds"] <= CELL_TIMEOUT + 10


def test_nothing_outside_the_scratch_folder_changed(batch: Batch) -> None:
    assert batch.canary == {"keep.txt"}
    assert (CANARY / "keep.txt").read_text() == "keep"
    assert set(os.listdir("/dev/shm")) <= batch.shm_before
    assert site_packages() == batch.packages_before


def test_no_connection_left_the_sandbox(batch: Batch) -> None:
    assert batch.reached == 0


def test_the_forged_results_did_not_reach_the_grader(batch: Batch) -> None:
    forged = next(s for s in batch.results["submissions"] if s["student"] == "writes_results")
    assert forged["score"] == 0
    assert json.loads((batch.out / "results.json").read_text())["assignment"] == "cnn-basics"
