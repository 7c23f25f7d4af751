"""The HTML pages, Gradescope's results.json and the LMS CSV, on hand-built results."""

from __future__ import annotations

import csv
import io
import json
import struct
from pathlib import Path

import pytest

from graders.judge.verdict import GRADER_ERROR, GRADER_ERROR_MESSAGE, NOT_GRADED
from graders.report.gradescope import (
    gradescope_results,
    lms_csv,
    write_gradescope,
    write_lms_csv,
)
from graders.report.html import feedback_html, summary_html, write_html_reports
from graders.score import CheckResult, QuestionResult, SubmissionResult

SECRET = "0.73191"
QUESTIONS = [("q1", "softmax", 4.0), ("q2", "a small CNN", 6.0)]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check(**fields) -> CheckResult:
    values = dict(
        id="value",
        kind="value",
        title="",
        visibility="public",
        status="pass",
        score=2.0,
        max_score=2.0,
        message="matches",
    )
    return CheckResult(**{**values, **fields})


def submission(student: str, q1: list[CheckResult], q2: list[CheckResult], **fields):
    questions = [
        QuestionResult(
            id=qid,
            title=title,
            score=sum(c.score for c in checks),
            max_score=points,
            pending_manual=0,
            checks=checks,
        )
        for (qid, title, points), checks in zip(QUESTIONS, (q1, q2))
    ]
    values = dict(
        student=student,
        path=f"submissions/{student}.ipynb",
        assignment="softmax-lab",
        score=sum(q.score for q in questions),
        max_score=10.0,
        questions=questions,
        seconds=3.2,
        isolation={"network": True, "filesystem": True},
    )
    return SubmissionResult(**{**values, **fields})


def full_marks() -> SubmissionResult:
    return submission(
        "kim",
        [
            check(id="sums", title="sums to one", detail="expected 1.0, got 1.0"),
            check(id="value", title="values", visibility="hidden", detail="expected [0.5]"),
        ],
        [check(id="params", title="parameter count", score=6, max_score=6)],
        seconds=12.5,
    )


def partial() -> SubmissionResult:
    return submission(
        "lee",
        [
            check(
                id="sums",
                title="sums to one",
                status="partial",
                score=1.0,
                message="close to one",
                detail="expected 1.0 within 1e-6, got 0.98",
                convention="log2",
            ),
            check(
                id="value",
                title="values",
                visibility="hidden",
                status="fail",
                score=0.0,
                message="not the expected values",
                detail=f"expected [{SECRET}]",
            ),
        ],
        [
            check(id="params", title="parameter count", score=6, max_score=6),
            check(
                id="why",
                kind="manual",
                title="explain",
                visibility="hidden",
                status="manual",
                score=0,
                max_score=0,
                message="for the TA: your explanation",
                scored=False,
            ),
        ],
        notes=["cell 3: NameError: name 'x' is not defined (line 4)"],
        seconds=40.0,
        isolation={"network": False, "filesystem": True},
    )


def faulty() -> SubmissionResult:
    return submission(
        "park",
        [
            check(
                id="sums",
                status=GRADER_ERROR,
                score=0,
                message=GRADER_ERROR_MESSAGE,
                detail="judging: KeyError: 'probe' in graders/judge/value.py",
            ),
            check(
                id="value",
                visibility="hidden",
                status=NOT_GRADED,
                score=0,
                message="no expectation available: the reference solution did not provide it",
            ),
        ],
        [check(id="params", score=6, max_score=6)],
    )


def unreadable() -> SubmissionResult:
    not_read = "not graded: the submission could not be read"
    return submission(
        "choi",
        [check(status="fail", score=0, message=not_read)],
        [check(id="params", status="fail", score=0, max_score=6, message=not_read)],
        error="choi.ipynb: not valid JSON (line 1)",
        seconds=0.0,
        isolation={},
    )


def hostile() -> SubmissionResult:
    return submission(
        "jung",
        [check(status="fail", score=0, message="<script>alert('m')</script> & more")],
        [check(id="params", score=6, max_score=6, title="<b>bold</b>")],
        output="<script>alert(1)</script>\n" + "x" * 400,
    )


def everyone() -> list[SubmissionResult]:
    return [full_marks(), partial(), faulty(), unreadable(), hostile()]


def test_hidden_details_never_reach_a_students_page_and_public_ones_do():
    page = feedback_html(partial())
    assert SECRET not in page
    assert "expected 1.0 within 1e-6, got 0.98" in page
    assert "log2" in page  # the convention that matched
    assert "NameError: name &#x27;x&#x27; is not defined (line 4)" in page
    assert "for the TA: your explanation" in page


def test_a_grader_errors_internals_stay_off_the_students_page():
    page = feedback_html(faulty())
    assert "KeyError" not in page
    assert "1 check not graded: grader error" in page
    assert "no expectation available" in page


def test_a_submission_the_grader_could_not_grade_is_the_graders_fault(tmp_path: Path):
    crashed = submission(
        "han",
        [check(status="fail", score=0)],
        [check(id="params", status="fail", score=0, max_score=6)],
        score=0.0,
        grader_error="the channel closed: BrokenPipeError in graders/observe/runner.py",
    )
    page = feedback_html(crashed)
    assert "Score: 0 / 10 (not graded: grader error)" in page
    assert "a fault in the grader, not in your work" in page
    assert "BrokenPipeError" not in page
    summary = summary_html("softmax-lab", QUESTIONS, [full_marks(), crashed], tmp_path)
    assert "the statistics count the 1 that were read and graded" in summary
    assert "<td>han</td><td>submission</td><td>the channel closed" in summary
    row = lms_csv(["q1", "q2"], [crashed]).splitlines()[1]
    assert row.startswith("han,,0,10,0.0,0,0,grader error,Not graded: grader error: the channel")


def test_everything_a_student_wrote_is_escaped():
    page = feedback_html(hostile())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;m&#x27;)&lt;/script&gt; &amp; more" in page
    assert "<b>bold</b>" not in page
    assert "<details>" in page and "<pre>" in page


def test_a_feedback_page_names_the_student_every_question_and_the_total():
    page = feedback_html(partial(), name="이수진")
    assert '<html lang="en">' in page
    assert 'name="viewport"' in page
    for text in ("softmax-lab", "lee", "이수진", "q1", "q2", "Score: 7 / 10"):
        assert text in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_an_unreadable_submission_says_why():
    page = feedback_html(unreadable())
    assert "Not graded: choi.ipynb: not valid JSON (line 1)" in page


def test_the_summary_counts_statistics_errors_and_isolation(tmp_path: Path):
    page = summary_html("softmax-lab", QUESTIONS, everyone(), tmp_path / "summary")
    assert "5 submissions" in page
    assert "the statistics count the 4 that were read and graded" in page
    for question_id, _title, _points in QUESTIONS:
        assert f'src="summary/{question_id}.png"' in page
    assert "park" in page and "q1/sums" in page and "KeyError" in page  # the TA sees it
    assert "no expectation available" in page
    assert "choi.ipynb: not valid JSON (line 1)" in page
    assert "network: held in 3 of 4 runs" in page
    assert "filesystem: held in 4 of 4 runs" in page
    assert "<script>" not in page
    # q1 / value scored a third on average (its not-graded run aside); q2 / params, all
    hardest = page.split("Hardest checks")[1].split("</table>")[0]
    assert hardest.index("q1 / value") < hardest.index("q2 / params")
    slowest = page.split("slowest first")[1]
    assert slowest.index("lee") < slowest.index("kim") < slowest.index("jung")


def test_the_histograms_are_png_files(tmp_path: Path):
    written = write_html_reports(tmp_path, "softmax-lab", QUESTIONS, everyone(), {"kim": "김"})
    figures = sorted(p.name for p in (tmp_path / "summary").iterdir())
    assert figures == ["_total.png", "q1.png", "q2.png"]
    for figure in (tmp_path / "summary").iterdir():
        data = figure.read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        width, height = struct.unpack(">II", data[16:24])
        assert 0 < width <= 400 and 0 < height <= 250
    assert tmp_path / "summary.html" in written
    assert (tmp_path / "feedback" / "kim.html").read_text(encoding="utf-8").count("김") == 1
    assert {p.name for p in (tmp_path / "feedback").iterdir()} == {
        f"{r.student}.html" for r in everyone()
    }
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file left


def test_gradescope_numbers_and_hides_the_hidden_checks():
    data = gradescope_results(partial())
    assert data["score"] == 7.0
    assert data["execution_time"] == 40
    assert data["extra_data"]["max_score"] == 10.0
    assert "NameError" in data["output"]
    tests = {test["number"]: test for test in data["tests"]}
    assert list(tests) == ["q1.1", "q1.2", "q2.1", "q2.2"]
    assert tests["q1.1"]["name"] == "q1 / sums to one"
    assert tests["q1.1"]["visibility"] == "visible"
    assert tests["q1.1"]["status"] == "failed"
    assert (tests["q1.1"]["score"], tests["q1.1"]["max_score"]) == (1.0, 2.0)
    assert "got 0.98" in tests["q1.1"]["output"]
    assert tests["q1.2"]["visibility"] == "after_published"
    assert SECRET not in json.dumps(data)
    assert tests["q2.1"]["status"] == "passed"
    manual = tests["q2.2"]
    assert manual["max_score"] == 0 and "status" not in manual
    assert "TA grades" in manual["output"]


def test_gradescope_never_shows_a_grader_errors_internals(tmp_path: Path):
    data = gradescope_results(faulty())
    assert "KeyError" not in json.dumps(data)
    assert "status" not in data["tests"][0]
    paths = write_gradescope(tmp_path, everyone())
    assert paths[0] == tmp_path / "gradescope" / "kim" / "results.json"
    assert json.loads(paths[2].read_text(encoding="utf-8"))["tests"][0]["number"] == "q1.1"


def test_the_lms_csv_has_a_row_per_student_with_status_and_comment(tmp_path: Path):
    names = {"kim": "김민준", "jung": '=HYPERLINK("x")'}
    rows = list(csv.DictReader(io.StringIO(lms_csv(["q1", "q2"], everyone(), names))))
    assert [row["student"] for row in rows] == ["kim", "lee", "park", "choi", "jung"]
    by_student = {row["student"]: row for row in rows}
    assert by_student["kim"]["name"] == "김민준"
    assert by_student["kim"]["percent"] == "100.0"
    assert (by_student["lee"]["q1"], by_student["lee"]["q2"]) == ("1", "6")
    assert [by_student[s]["status"] for s in ("kim", "park", "choi")] == [
        "graded",
        "grader error",
        "unreadable",
    ]
    assert by_student["choi"]["comment"] == "Not graded: choi.ipynb: not valid JSON (line 1)"
    assert by_student["park"]["comment"] == "1 check not graded: grader error"
    assert by_student["jung"]["name"].startswith("'=")
    path = write_lms_csv(tmp_path, ["q1", "q2"], everyone(), names)
    assert path.name == "lms-import.csv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == (
        "student,name,score,max_score,percent,q1,q2,status,comment"
    )


@pytest.mark.parametrize("make", [full_marks, partial, faulty, unreadable, hostile])
def test_every_page_is_one_document_with_every_question(make):
    page = feedback_html(make())
    assert page.count("<html") == 1 and page.rstrip().endswith("</html>")
    assert 'id="q1"' in page and 'id="q2"' in page
