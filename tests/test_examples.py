"""The example submissions score what the README says, and the reports are complete."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from graders.cli import main

from .conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow


def readme_rows(assignment: str) -> dict[str, tuple[float, float]]:
    """Student id -> (total, maximum), from the README's examples table of `assignment`."""
    rows = re.findall(
        rf"^\| `{re.escape(assignment)}/([^`]+)` \| ([\d.]+) / ([\d.]+) \|",
        (ROOT / "README.md").read_text(),
        re.MULTILINE,
    )
    return {Path(name).stem: (float(total), float(most)) for name, total, most in rows}


def readme_totals(assignment: str = "cnn-basics") -> dict[str, float]:
    """Student id -> total, from the README's examples table of `assignment`."""
    return {student: total for student, (total, _) in readme_rows(assignment).items()}


def readme_maxima(assignment: str = "cnn-basics") -> dict[str, float]:
    """Student id -> the maximum the README gives: every point, the written answers' too."""
    return {student: most for student, (_, most) in readme_rows(assignment).items()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("grading")
    # As the README's first command, on the synthetic data; the infinite loop costs one cell
    # time limit, and a shorter one than the rubric's keeps the test quick.
    arguments = [str(EXAMPLES), "--out", str(out), "-j", "2", "--budget", "fast"]
    status = main([*arguments, "--cell-timeout", "20"])
    assert status == 1  # corrupt.ipynb could not be read
    return out


@pytest.mark.parametrize("assignment", ["cnn-basics", "autograd", "midterm-2022", "ann-cnn-lab"])
def test_readme_lists_every_example(assignment: str) -> None:
    folder = EXAMPLES.parent / assignment
    assert set(readme_totals(assignment)) == {p.stem for p in folder.iterdir()}


@pytest.mark.parametrize("assignment", ["autograd", "midterm-2022", "ann-cnn-lab"])
def test_other_examples_score_as_the_readme_says(assignment: str, tmp_path: Path) -> None:
    folder = EXAMPLES.parent / assignment
    status = main([str(folder), "--out", str(tmp_path), "-j", "2", "--budget", "fast"])
    assert status == 0  # every file could be read
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["assignment"] == assignment
    totals = {s["student"]: s["score"] for s in results["submissions"]}
    assert totals == pytest.approx(readme_totals(assignment))
    maxima = {s["student"]: s["max_score"] for s in results["submissions"]}
    assert maxima == readme_maxima(assignment)


def test_examples_score_as_the_readme_says(graded: Path) -> None:
    results = json.loads((graded / "results.json").read_text())
    totals = {s["student"]: s["score"] for s in results["submissions"]}
    assert totals == pytest.approx(readme_totals())
    assert {s["student"]: s["max_score"] for s in results["submissions"]} == readme_maxima()


def test_the_written_answers_wait_for_a_ta(graded: Path) -> None:
    """Q1's and Q2's written interpretations (4 points each) are no grader's to give."""
    results = json.loads((graded / "results.json").read_text())
    full = next(s for s in results["submissions"] if s["student"] == "full_marks")
    assert (full["score"], full["max_score"], full["pending_manual"]) == (62, 70, 8)
    pending = {q["id"]: q["pending_manual"] for q in full["questions"] if q["pending_manual"]}
    assert pending == {"q1": 4, "q2": 4}


def test_results_json_has_the_documented_fields(graded: Path) -> None:
    results = json.loads((graded / "results.json").read_text())
    assert results["assignment"] == "cnn-basics"
    for submission in results["submissions"]:
        assert {"student", "path", "score", "max_score", "questions"} <= set(submission)
        for question in submission["questions"]:
            assert {"id", "score", "max_score", "checks"} <= set(question)
            assert all("message" in check for check in question["checks"])


def test_gradebook_has_a_row_per_student_and_a_column_per_question(graded: Path) -> None:
    with open(graded / "gradebook.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["student"] for r in rows] == sorted(readme_totals())
    assert list(rows[0])[:12] == [
        "student",
        "q1",
        "q2",
        "q3.1",
        "q3.2",
        "q3.3",
        "q3.4",
        "q3.5",
        "q3.6",
        "q4",
        "q5",
        "total",
    ]
    corrupt = next(r for r in rows if r["student"] == "corrupt")
    assert corrupt["total"] == "0" and "corrupt.ipynb" in corrupt["error"]


def test_feedback_says_what_happened(graded: Path) -> None:
    loop = (graded / "feedback" / "infinite_loop.md").read_text()
    assert "cell 2: cell ran past its time limit of 20 s" in loop
    syntax = (graded / "feedback" / "syntax_error.md").read_text()
    assert "SyntaxError: expected ':'" in syntax
    full = (graded / "feedback" / "full_marks.md").read_text()
    assert "**Score: 62 / 70 (pending manual: 8 points)**" in full
