"""Report files are written atomically and say only what a student may see."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graders.judge.verdict import GRADER_ERROR, GRADER_ERROR_MESSAGE
from graders.report.feedback import feedback_markdown
from graders.report.files import gradebook_csv, grader_errors_log, write_atomic, write_reports
from graders.report.table import status
from graders.score import CheckResult, Mark, QuestionResult, SubmissionResult, apply_marks


def result(student: str = "kim") -> SubmissionResult:
    check = CheckResult(
        id="value",
        kind="value",
        title="softmax",
        visibility="hidden",
        status="fail",
        score=0,
        max_score=4,
        message="found [0.1], which is not the expected value",
        detail="expected [0.1325]",
    )
    manual = CheckResult(
        id="why",
        kind="manual",
        title="",
        visibility="hidden",
        status="manual",
        score=0,
        max_score=2,
        message="for the TA: explain",
        scored=False,
    )
    question = QuestionResult(
        id="q4", title="softmax", score=0, max_score=6, pending_manual=2, checks=[check, manual]
    )
    return SubmissionResult(
        student=student,
        path=f"{student}.ipynb",
        assignment="demo",
        score=0,
        max_score=6,
        questions=[question],
    )


def test_write_atomic_keeps_the_old_file_when_interrupted(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "gradebook.csv"
    target.write_text("old complete gradebook\n")

    def crash(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new gradebook\n")
    assert target.read_text() == "old complete gradebook\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]


def test_write_reports_writes_every_file(tmp_path: Path) -> None:
    paths = write_reports(tmp_path, "demo", ["q4"], [result("kim"), result("lee")])
    assert {p.relative_to(tmp_path).as_posix() for p in paths} == {
        "feedback/kim.md",
        "feedback/lee.md",
        "results.json",
        "gradebook.csv",
    }


def test_gradebook_rows(tmp_path: Path) -> None:
    text = gradebook_csv(["q4"], [result()])
    assert text.splitlines() == [
        "student,q4,total,max,pending_manual,grader_errors,error",
        "kim,0,0,6,2,0,",
    ]


def test_a_total_with_written_answers_pending_is_provisional_until_a_ta_scores_them() -> None:
    pending = result()
    assert pending.provisional() == "pending manual: 2 points"
    assert "Score: 0 / 6 (pending manual: 2 points)" in feedback_markdown(pending)
    assert "pending manual: 2 points" in status(pending)
    marked = apply_marks(pending, {("q4", "why"): Mark(1.5, "clear")})
    assert pending.questions[0].checks[1].score == 0  # the stored result is unchanged
    assert (marked.score, marked.pending_manual, marked.provisional()) == (1.5, 0, "")
    assert "1.5/2" in feedback_markdown(marked) and "TA: clear" in feedback_markdown(marked)
    assert marked.to_json()["provisional"] is False
    stale = apply_marks(pending, {("q4", "why"): Mark(2, "clear", current=False)})
    assert (stale.score, stale.pending_manual) == (0, 2)
    assert "to review again" in feedback_markdown(stale)
    too_many = apply_marks(pending, {("q4", "why"): Mark(9, "")})
    assert too_many.score == 2  # never more than the check's points


def test_student_feedback_hides_expected_values_of_hidden_checks() -> None:
    text = feedback_markdown(result())
    assert "not the expected value" in text and "0.1325" not in text
    assert "pending manual: 2" in text
    assert "0.1325" in feedback_markdown(result(), show_detail=True)


def with_grader_error(student: str = "kim") -> SubmissionResult:
    """`result()` with one more check, which the grader failed on."""
    graded = result(student)
    failed = CheckResult(
        id="mse",
        kind="value",
        title="",
        visibility="public",
        status=GRADER_ERROR,
        score=0,
        max_score=3,
        message=GRADER_ERROR_MESSAGE,
        detail="judging: RuntimeError: boom",
        traceback='Traceback (most recent call last):\n  File "kinds.py"\nRuntimeError: boom\n',
    )
    graded.questions[0].checks.append(failed)
    graded.max_score = 9
    return graded


def test_a_grader_error_is_not_presented_as_the_students_zero(tmp_path: Path) -> None:
    failed = with_grader_error()
    assert failed.grader_errors == 1 and not failed.full_marks
    text = feedback_markdown(failed)
    assert "**Score: 0 / 9 (1 check not graded: grader error; pending manual: 2 points)**" in text
    assert "## q4: softmax (0 / 6, pending manual: 2, incomplete: grader error)" in text
    assert f"- ⚠ `mse` (not graded) {GRADER_ERROR_MESSAGE}" in text
    assert "RuntimeError" not in text
    assert status(failed) == "[bold red]grader error[/bold red] (1 check)"
    assert gradebook_csv(["q4"], [failed, result("lee")]).splitlines()[1:] == [
        "kim,0,0,9,2,1,",
        "lee,0,0,6,2,0,",
    ]


def test_the_grader_errors_log_names_student_check_and_traceback(tmp_path: Path) -> None:
    paths = write_reports(tmp_path, "demo", ["q4"], [with_grader_error("kim"), result("lee")])
    log = tmp_path / "grader-errors.log"
    assert log in paths
    assert log.read_text() == (
        "== kim (kim.ipynb): q4/mse\njudging: RuntimeError: boom\n"
        'Traceback (most recent call last):\n  File "kinds.py"\nRuntimeError: boom\n'
    )
    assert grader_errors_log([result("lee")]) == ""
    write_reports(tmp_path, "demo", ["q4"], [result("lee")])
    assert not log.exists()  # no stale log from an earlier run
