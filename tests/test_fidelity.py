"""The fidelity benchmark: its agreement rule, its labels format, and the realistic corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.score import CheckResult, QuestionResult, SubmissionResult

from .benchmarks.fidelity import (
    Entry,
    LabelsError,
    Report,
    Tally,
    agrees,
    compare,
    format_report,
    read_labels,
    run_benchmark,
)

REALISTIC = Path(__file__).parent / "realistic"
# What a careful TA's agreement asks on tests/realistic/ (`python tests/benchmarks/fidelity.py
# tests/realistic -j 2` lists every disagreement).
ATTEMPTED_THRESHOLD = 0.95
MISSING_THRESHOLD = 0.98


@pytest.mark.parametrize(
    ("label", "fraction", "expected"),
    [
        ("correct", 1.0, True),
        ("correct", 0.9, True),
        ("correct", 0.89, False),
        ("correct", 0.0, False),
        ("partial", 0.5, True),
        ("partial", 0.1, False),
        ("partial", 0.11, True),
        ("partial", 0.9, False),
        ("partial", 0.0, False),
        ("wrong", 0.0, True),
        ("wrong", 0.1, True),
        ("wrong", 0.2, False),
        ("wrong", 1.0, False),
        ("missing", 0.0, True),
        ("missing", 0.1, True),
        ("missing", 0.5, False),
    ],
)
def test_label_agrees_with_fraction_by_the_table(label: str, fraction: float, expected: bool):
    assert agrees(label, fraction) is expected


def test_unknown_label_is_refused():
    with pytest.raises(ValueError, match="unknown label"):
        agrees("half", 0.5)


def _check(status: str, score: float, max_score: float, message: str = "") -> CheckResult:
    return CheckResult(
        id="c", kind="value", title="t", visibility="public", status=status,
        score=score, max_score=max_score, message=message,
    )


def _written(points: float, given: float | None = None) -> CheckResult:
    """A written answer worth `points`, pending, or scored `given` by a TA."""
    return CheckResult(
        id="w", kind="manual", title="t", visibility="hidden", status="manual",
        score=given or 0.0, max_score=points, message="for the TA", scored=False,
        reviewed=given is not None,
    )


def _result(questions: dict[str, list[CheckResult]]) -> SubmissionResult:
    built = [
        QuestionResult(
            id=qid, title=qid, score=sum(c.score for c in checks),
            max_score=sum(c.max_score for c in checks),
            pending_manual=sum(c.max_score for c in checks if c.pending), checks=checks,
        )
        for qid, checks in questions.items()
    ]
    return SubmissionResult(
        student="s", path="s.py", assignment="a",
        score=sum(q.score for q in built), max_score=sum(q.max_score for q in built),
        questions=built,
    )


def test_compare_counts_attempted_and_missing_apart(tmp_path: Path):
    entry = Entry(
        path=tmp_path / "s.py",
        assignment="a",
        labels={"q1": ("correct", "right"), "q2": ("partial", "half done")},
    )
    result = _result(
        {
            "q1": [_check("pass", 2, 2)],
            "q2": [_check("fail", 0, 2, "the function returned None")],
            "q3": [_check("fail", 0, 1)],  # not labelled: counts as missing
            "q4": [_check("pass", 1, 1)],  # not labelled and given points
        }
    )
    report = Report()
    compare(entry, result, report, tmp_path)
    tally = report.assignments["a"]
    assert (tally.attempted, tally.attempted_agree) == (2, 1)
    assert (tally.missing, tally.missing_agree) == (2, 1)
    assert [(d.question, d.label) for d in report.disagreements] == [
        ("q2", "partial"),
        ("q4", "missing"),
    ]
    assert report.disagreements[0].checks[0]["message"] == "the function returned None"
    assert report.grades["s.py"]["q2"] == ["partial", 0.0]
    assert report.grades["s.py"]["q4"] == ["missing", 1.0]
    assert "the function returned None" in format_report(report)


def test_grader_error_is_a_disagreement_listed_apart(tmp_path: Path):
    entry = Entry(path=tmp_path / "s.py", assignment="a", labels={"q1": ("wrong", "bad")})
    result = _result({"q1": [_check("grader_error", 0, 2, "internal failure")]})
    report = Report()
    compare(entry, result, report, tmp_path)
    assert report.assignments["a"].attempted_agree == 0
    assert report.disagreements[0].grader_error
    assert "grader errors (1):" in format_report(report)


def test_questions_without_auto_points_are_not_counted(tmp_path: Path):
    entry = Entry(path=tmp_path / "s.py", assignment="a", labels={"q2": ("correct", "argued")})
    result = _result({"q1": [_check("pass", 0, 0)], "q2": [_written(5)]})
    report = Report()
    compare(entry, result, report, tmp_path)
    assert report.assignments["a"] == Tally()  # q2's 5 points are the TA's
    assert report.grades["s.py"] == {}


def test_a_question_is_judged_by_its_automatic_part(tmp_path: Path):
    entry = Entry(
        path=tmp_path / "s.py",
        assignment="a",
        labels={"q1": ("correct", "right"), "q2": ("wrong", "no code"), "q3": ("partial", "half")},
    )
    result = _result(
        {
            "q1": [_check("pass", 10, 10), _written(4)],  # 10 of 14: pending, still correct
            "q2": [_check("fail", 0, 10), _written(4, given=4)],  # the TA's 4 do not count
            "q3": [_check("partial", 1, 2), _written(3, given=0)],
        }
    )
    report = Report()
    compare(entry, result, report, tmp_path)
    assert report.grades["s.py"] == {
        "q1": ["correct", 1.0], "q2": ["wrong", 0.0], "q3": ["partial", 0.5]
    }
    assert report.assignments["a"].attempted_agree == 3 and not report.disagreements


def test_a_disagreement_shows_the_automatic_points_and_checks(tmp_path: Path):
    entry = Entry(path=tmp_path / "s.py", assignment="a", labels={"q1": ("correct", "right")})
    result = _result({"q1": [_check("fail", 0, 10, "no model"), _written(4, given=4)]})
    report = Report()
    compare(entry, result, report, tmp_path)
    (disagreement,) = report.disagreements
    assert (disagreement.score, disagreement.max_score, disagreement.fraction) == (0, 10, 0.0)
    assert [c["id"] for c in disagreement.checks] == ["c"]
    assert "graded 0/10 = 0.00" in format_report(report)


def test_labels_for_a_question_the_rubric_lacks_are_refused(tmp_path: Path):
    entry = Entry(path=tmp_path / "s.py", assignment="a", labels={"q9": ("correct", "")})
    with pytest.raises(LabelsError, match="no question 'q9'"):
        compare(entry, _result({"q1": [_check("pass", 1, 1)]}), Report(), tmp_path)


def test_labels_file_entries_resolve_paths_and_assignment_override(tmp_path: Path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.ipynb").write_text("{}")
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "assignment: cnn-basics\n"
        "submissions:\n"
        "  a.py:\n"
        "    questions:\n"
        "      q1: [correct, fine]\n"
        "  b.ipynb:\n"
        "    assignment: autograd\n"
        "    data: real\n"
        "    questions: {}\n"
    )
    first, second = read_labels(labels)
    assert (first.path, first.assignment, first.labels) == (
        tmp_path / "a.py", "cnn-basics", {"q1": ("correct", "fine")},
    )
    assert (second.assignment, second.real_data) == ("autograd", True)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("submissions:\n  a.py:\n    questions: {q1: [correct, x]}\n", "no assignment"),
        ("assignment: x\nsubmissions:\n  gone.py: {questions: {}}\n", "no such file"),
        ("assignment: x\nsubmissions:\n  a.py: {questions: {q1: [fine, x]}}\n", "LABEL one of"),
        ("assignment: x\nsubmissions:\n  a.py: {data: gpu, questions: {}}\n", "`data:` must"),
        ("- a\n", "expected a mapping"),
    ],
)
def test_bad_labels_file_is_a_one_line_error_naming_it(tmp_path: Path, body: str, error: str):
    (tmp_path / "a.py").write_text("x = 1\n")
    labels = tmp_path / "labels.yaml"
    labels.write_text(body)
    with pytest.raises(LabelsError, match=error) as caught:
        read_labels(labels)
    assert str(labels) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.slow
def test_realistic_corpus_agrees_with_the_labels():
    report = run_benchmark(REALISTIC, workers=2)
    attempted, missing = report.overall.rates()
    assert attempted is not None and missing is not None
    assert attempted >= ATTEMPTED_THRESHOLD and missing >= MISSING_THRESHOLD, format_report(
        report
    )
