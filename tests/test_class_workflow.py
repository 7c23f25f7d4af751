"""A class from start to finish, as a TA runs it: an LMS download of 30 submissions (Korean
names, a late resubmission, hostile files) with a roster that lists a student who handed
nothing in; the batch is killed mid-way (kill -9), resumed, and after a threshold of the
rubric changes, judged again from the stored observations without running anything. The
final gradebook equals a clean run under the changed rubric."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from graders import engine
from graders.assignments import rubrics_dir
from graders.cli import main
from graders.journal import ENTRY_SUFFIX, Journal

from .conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

HOSTILE = ROOT / "tests" / "hostile"
SOFTMAX = "import torch\nsoftmax_q4 = torch.softmax(torch.tensor([0.4, 2.0, 0.001, 0.32]), 0)\n"
# A softmax a little off: wrong under the rubric's tolerance, right under a loose one.
ROUGH = "softmax_q4 = [0.14, 0.66, 0.08, 0.12]\n"
LOSSES = "mse_mean = 0.2045\ncross_entropy = 2.3228\n"
KILL_AFTER = 8  # journal entries before the batch is killed


def class_zip(path: Path) -> list[tuple[str, str]]:
    """An LMS download of 30 submissions, and beside it `late.zip` with one more; the roster
    rows (id, name) they answer to."""
    roster: list[tuple[str, str]] = []
    with zipfile.ZipFile(path, "w") as archive:

        def moodle(name: str, number: int, file: str, text: str | bytes) -> None:
            archive.writestr(f"{name}_{number}_assignsubmission_file_/{file}", text)
            roster.append((f"2026{number:04d}", name))

        korean = ["김민수", "이서연", "박지훈", "최유나", "정하은", "강도윤", "조예린", "윤서준"]
        for i, name in enumerate(korean):
            moodle(name, 100 + i, "hw1.py", (SOFTMAX if i % 2 else ROUGH) + LOSSES)
        latin = ["Kim Jisoo", "Lee Minho", "Park Sora", "Han Eunji", "Seo Jun", "Oh Hana",
                 "Moon Chae", "Baek Ara"]  # fmt: skip
        for i, name in enumerate(latin):
            moodle(name, 200 + i, "hw1.py", ROUGH if i % 3 else SOFTMAX)
        moodle("Jang Mira", 300, "partial.py", (EXAMPLES / "partial.py").read_text())
        moodle("Lim Taeho", 301, "hw1.py", (EXAMPLES / "syntax_error.py").read_text())
        moodle("Kwon Yuri", 302, "hw1.ipynb", (EXAMPLES / "corrupt.ipynb").read_bytes())
        moodle("Shin Dahye", 303, "hw1.ipynb", (EXAMPLES / "first_cell_error.ipynb").read_bytes())
        for i, hostile in enumerate(
            ["kills_parent", "exits_early", "fakes_answers", "writes_results", "empty",
             "monkeypatches", "prints_results", "tampers_with_fds"]
        ):  # fmt: skip
            moodle(f"Hostile {hostile}", 400 + i, "hw1.py", (HOSTILE / f"{hostile}.py").read_text())
        moodle("배수지", 500, "hw1.py", SOFTMAX)
        moodle("Yoo Jaesuk", 501, "hw1.py", ROUGH + LOSSES)
    roster.append(("20269999", "홍길동"))  # on the roster, nothing handed in
    # The late submissions' download: 김민수 handed in again, later; that one is kept.
    with zipfile.ZipFile(path.with_name("late.zip"), "w") as archive:
        late = "김민수_100_assignsubmission_file_/hw1_final.py"
        archive.writestr(zipfile.ZipInfo(late, date_time=(2030, 1, 1, 0, 0, 0)), SOFTMAX + LOSSES)
    return roster


def write_roster(path: Path, rows: list[tuple[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "lms_id"])
        for student_id, name in rows:
            writer.writerow([student_id, name, student_id.removeprefix("2026").lstrip("0")])


def loosened_rubrics(folder: Path) -> Path:
    """A copy of the rubrics whose cnn-basics Q4 value check takes a tolerance of 0.5."""
    shutil.copytree(rubrics_dir(), folder)
    path = folder / "cnn-basics.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = (
        "        target: *softmax\n        shape: [4]\n        from_output: true\n        expect:"
    )
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor.replace("expect:", "rtol: 0.5\n        expect:")))
    return folder


def gradebook(out: Path) -> list[dict[str, str]]:
    """The gradebook's rows, with the batch's own folder taken out of the error lines."""
    text = (out / "gradebook.csv").read_text(encoding="utf-8").replace(str(out), "OUT")
    return list(csv.DictReader(io.StringIO(text)))


def command(zip_path: Path, roster: Path, out: Path) -> list[str]:
    late = zip_path.with_name("late.zip")
    return [sys.executable, "-m", "graders", str(zip_path), str(late), "--roster", str(roster),
            "--assignment", "cnn-basics", "--budget", "fast", "-j", "2",
            "--out", str(out)]  # fmt: skip


def test_a_class_is_graded_killed_resumed_and_rejudged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zip_path = tmp_path / "download.zip"
    rows = class_zip(zip_path)
    roster = tmp_path / "roster.csv"
    write_roster(roster, rows)
    out = tmp_path / "out"
    journal = out / ".dlgrade" / "journal"

    batch = subprocess.Popen(
        command(zip_path, roster, out),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and batch.poll() is None:
        if journal.is_dir() and len(list(journal.glob("*" + ENTRY_SUFFIX))) >= KILL_AFTER:
            break
        time.sleep(0.05)
    assert batch.poll() is None, "the batch ended before it could be killed"
    os.killpg(batch.pid, signal.SIGKILL)  # as a power loss would: no cleanup
    batch.wait()
    kept = {p.name.removesuffix(ENTRY_SUFFIX) for p in journal.glob("*" + ENTRY_SUFFIX)}
    assert KILL_AFTER <= len(kept) < 30
    stored = Journal(out)
    assert set(stored.load()) == kept and not stored.problems  # every entry whole
    rows_then = gradebook(out)
    graded_then = {r["student"] for r in rows_then if r["student"] != "20269999"}
    assert graded_then <= kept and len(graded_then) >= KILL_AFTER - 2  # at most the last two
    assert all(r["total"] != "" for r in rows_then)

    resumed = subprocess.run(command(zip_path, roster, out), capture_output=True, text=True)
    assert resumed.returncode == 1, resumed.stdout + resumed.stderr  # corrupt files: exit 1
    counts = re.search(r"\((\d+) run, (\d+) re-judged from stored observations, (\d+) unchanged",
                       resumed.stdout)  # fmt: skip
    assert counts, resumed.stdout
    ran, rejudged, unchanged = map(int, counts.groups())
    assert unchanged == len(kept) and rejudged == 0 and ran + unchanged == 30
    rows = gradebook(out)
    assert len(rows) == 31  # 30 students who handed something in, and the one who did not
    missing = next(r for r in rows if r["student"] == "20269999")
    assert missing["total"] == "0" and "no submission" in missing["error"]
    results = json.loads((out / "results.json").read_text())["submissions"]
    kim = next(s for s in results if s["student"] == "20260100")
    assert any(n.startswith("kept") and "late.zip" in n for n in kim["notes"]), kim["notes"]
    assert kim["score"] > 0

    def no_runs(*args, **kwargs):
        raise AssertionError("re-judging ran a submission")

    monkeypatch.setenv("GRADE_RUBRICS", str(loosened_rubrics(tmp_path / "rubrics")))
    monkeypatch.setattr(engine, "run", no_runs)
    assert main(["rejudge", str(out)]) == 0
    monkeypatch.undo()
    monkeypatch.setenv("GRADE_RUBRICS", str(tmp_path / "rubrics"))
    rejudged_rows = gradebook(out)
    before = next(r for r in rows if r["student"] == "20260102")  # 박지훈: a rough softmax
    after = next(r for r in rejudged_rows if r["student"] == "20260102")
    assert (before["q4"], after["q4"]) == ("2", "6")

    clean = tmp_path / "clean"
    assert main([*command(zip_path, roster, clean)[3:]]) == 1
    assert rejudged_rows == gradebook(clean)
    lms = (out / "lms-import.csv").read_text(encoding="utf-8")
    assert "김민수" in lms and "홍길동" in lms
    assert (out / "summary.html").is_file()
    assert (out / "gradescope" / "20260100" / "results.json").is_file()
