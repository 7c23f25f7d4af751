"""The `grade` command as a TA, a student and CI use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graders.assignments import Assignment, detect
from graders.cli import EXIT_GRADER_ERROR, _note_missing_isolation, main
from graders.load import Submission
from graders.rubric import RubricError, load_rubric
from graders.score import SubmissionResult

from .conftest import EXAMPLES, ROOT


@pytest.mark.slow
def test_self_check_passes_full_marks_and_fails_partial(capsys) -> None:
    public = load_rubric(ROOT / "rubrics" / "cnn-basics.yaml").public_only().max_score
    assert main(["--self", str(EXAMPLES / "full_marks.ipynb")]) == 0
    out = capsys.readouterr().out
    assert f"public checks: {public:g} / {public:g}" in out
    assert "hidden checks are graded by your TA" in out
    assert main(["--self", str(EXAMPLES / "partial.py")]) == 1
    out = capsys.readouterr().out
    assert "expected 0.01" in out  # a public check says what it expected


@pytest.mark.slow
def test_answers_prints_json(capsys) -> None:
    assert main(["answers", "cnn-basics", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["assignment"] == "cnn-basics"
    assert set(data["questions"]) >= {"q1", "q3.1", "q4", "q5"}


def test_list_shows_questions_and_points(capsys) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "cnn-basics" in out and "(70 points: 62 auto-graded, 8 for the TA)" in out
    assert "q2          14 pts  (10 public, 4 TA)" in out  # the written interpretation's 4
    assert "q3.1        15 pts  (13 public)" in out


def test_list_says_which_questions_are_not_graded_yet(tmp_path: Path, monkeypatch, capsys) -> None:
    text = (ROOT / "rubrics" / "cnn-basics.yaml").read_text()
    text = text.replace(
        "questions:\n", "deferred:\n  - question: q6\n    reason: needs a GPU\nquestions:\n", 1
    )
    (tmp_path / "cnn-basics.yaml").write_text(text)
    monkeypatch.setenv("GRADE_RUBRICS", str(tmp_path))
    assert main(["list"]) == 0
    assert "q6         not graded yet: needs a GPU" in capsys.readouterr().out


def test_unknown_assignment_is_a_one_line_error(capsys) -> None:
    assert main(["verify", "no-such-thing"]) == 2
    err = capsys.readouterr().err
    assert "no assignment 'no-such-thing'" in err and "cnn-basics" in err


@pytest.mark.slow
def test_verify_asks_every_automatic_point_and_leaves_the_written_ones(capsys) -> None:
    assert main(["verify", "midterm-2022"]) == 0
    out = capsys.readouterr().out
    assert "midterm-2022: 60 / 60 full marks" in out  # of 82: 22 are the TA's
    assert (
        "midterm-2022: manual points not part of verification: 22 (written answers, scored by a "
        "TA with `grade review`)\n"
    ) in out


def test_missing_path_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "absent.ipynb")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_bundle_name_must_be_findable(tmp_path: Path, capsys) -> None:
    assert main(["bundle", "cnn-basics", "-o", str(tmp_path / "x.json")]) == 2
    assert ".dlgrade.json" in capsys.readouterr().err


def _assignment(name: str, detect_names: list[str]) -> Assignment:
    rubric = load_rubric(ROOT / "rubrics" / "cnn-basics.yaml")
    rubric = rubric.model_copy(update={"assignment": name, "detect": detect_names})
    return Assignment(rubric=rubric, origin=Path(name))


def test_detection_by_metadata_then_by_names() -> None:
    first, second = _assignment("first", ["LeNet"]), _assignment("second", ["two_layer_fc"])
    tagged = Submission(student="a", path=Path("a.ipynb"), assignment_hint="second")
    assert detect(tagged, [first, second]) is second
    by_names = Submission(student="b", path=Path("b.py"), cells=["def two_layer_fc(x): ..."])
    assert detect(by_names, [first, second]) is second
    unclear = Submission(student="c", path=Path("c.py"), cells=["x = 1"])
    with pytest.raises(RubricError, match="pass --assignment ID"):
        detect(unclear, [first, second])


@pytest.mark.slow
def test_an_unreadable_submission_joins_its_folders_assignment(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "midterm"
    folder.mkdir()
    (folder / "answers.py").write_text("answers_q3 = 'F, T, T, T, F, T, T, F, F, T'\n")
    (folder / "broken.ipynb").write_bytes(b"\x00\x01 not a notebook")
    assert main([str(folder), "--out", str(tmp_path / "out")]) == 1
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["assignment"] == "midterm-2022"
    scores = {s["student"]: s["score"] for s in results["submissions"]}
    assert scores == {"answers": 20, "broken": 0}
    alone = tmp_path / "alone.ipynb"
    alone.write_bytes(b"{")
    assert main([str(alone)]) == 2
    assert "cannot tell which assignment" in capsys.readouterr().err


def test_grade_names_the_sandbox_barriers_that_did_not_hold(capsys) -> None:
    def result(**isolation: bool) -> SubmissionResult:
        return SubmissionResult("s", "s.py", "a", 0, 1, [], isolation=isolation)

    _note_missing_isolation([result(filesystem=True, network=True)])
    assert capsys.readouterr().err == ""
    _note_missing_isolation([result(filesystem=False, network=True), result(processes=False)])
    err = capsys.readouterr().err
    assert "not enforced on this machine: filesystem, processes" in err


def test_grade_help_documents_the_grader_error_exit_status(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"{EXIT_GRADER_ERROR} when the grader's own code failed on some check" in out
    assert "DIR/grader-errors.log" in out and "3 wins over 1" in out
