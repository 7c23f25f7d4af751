"""Course-provided files: listed in the rubric or given with --provided, importable in the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.assignments import Assignment, load_assignment_file
from graders.cli import main
from graders.engine import Grader, Options
from graders.load import read_submission
from graders.rubric import RubricError, load_rubric

from .test_load import notebook
from .test_rubric import MINIMAL

HELPER = "def count(path):\n    return len(open(path).read().split())\n"
STUDENT = ["import helper", "answer = helper.count('data/classes.txt')"]

pytestmark = pytest.mark.slow


def course_files(folder: Path, helper: str = HELPER) -> Path:
    """A folder of course files: helper.py and data/classes.txt (three classes)."""
    (folder / "data").mkdir(parents=True)
    (folder / "helper.py").write_text(helper)
    (folder / "data" / "classes.txt").write_text("cat dog ship\n")
    return folder


def demo_rubric(folder: Path, provided: str = "") -> Path:
    """The minimal rubric (2 points for `answer == 3`) in `folder`, with a `provided` list."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.yaml"
    path.write_text(MINIMAL.replace("questions:", f"{provided}questions:"))
    return path


def score(assignment: Assignment, submission: Path, **options: object) -> tuple[float, list]:
    result = Grader(assignment, Options(**options)).grade(read_submission(submission))
    assert result.error is None
    return result.score, result.notes


def test_files_the_rubric_lists_are_importable_in_the_run(tmp_path: Path) -> None:
    rubric = demo_rubric(tmp_path / "rubrics", "provided: [helper.py, data/classes.txt]\n")
    course_files(tmp_path / "rubrics" / "demo" / "provided")
    assignment = load_assignment_file(rubric)
    assert [name for _, name in assignment.provided_files()] == ["helper.py", "data/classes.txt"]
    student = notebook(tmp_path / "kim.ipynb", *STUDENT)
    assert score(assignment, student)[0] == 2


def test_a_folder_given_with_provided_is_importable_and_without_it_the_import_fails_cleanly(
    tmp_path: Path,
) -> None:
    assignment = load_assignment_file(demo_rubric(tmp_path / "rubrics"))
    student = notebook(tmp_path / "kim.ipynb", *STUDENT)
    assert score(assignment, student, provided=course_files(tmp_path / "course"))[0] == 2
    points, notes = score(assignment, student)
    assert points == 0
    assert any("cell 1" in note and "No module named 'helper'" in note for note in notes)


def test_a_students_own_file_of_the_same_name_wins(tmp_path: Path) -> None:
    assignment = load_assignment_file(demo_rubric(tmp_path / "rubrics"))
    course = course_files(tmp_path / "course", helper="def count(path):\n    return -1\n")
    student = tmp_path / "kim"
    student.mkdir()
    notebook(student / "work.ipynb", *STUDENT)
    (student / "helper.py").write_text(HELPER)
    assert score(assignment, student, provided=course)[0] == 2


def test_lint_names_a_listed_file_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = demo_rubric(tmp_path / "rubrics", "provided:\n  - helper.py\n  - data/labels.txt\n")
    course_files(tmp_path / "rubrics" / "demo" / "provided")
    assert main(["lint", str(rubric)]) == 1
    err = capsys.readouterr().err
    missing = tmp_path / "rubrics" / "demo" / "provided" / "data" / "labels.txt"
    assert f"{rubric}:5: provided[1]: {missing} does not exist" in err
    assert "helper.py" not in err
    with pytest.raises(RubricError, match=r"demo.yaml:5: provided\[1\]"):
        load_assignment_file(rubric)


@pytest.mark.parametrize("path", ["../secret.py", "/etc/passwd", ""])
def test_a_provided_path_outside_the_provided_folder_is_refused(tmp_path: Path, path: str) -> None:
    rubric = demo_rubric(tmp_path / "rubrics", f"provided: [{path!r}]\n")
    with pytest.raises(RubricError, match=r"demo.yaml:3: provided: .*not a path inside provided/"):
        load_rubric(rubric)


def test_provided_must_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    student = notebook(tmp_path / "kim.ipynb", *STUDENT)
    with pytest.raises(SystemExit) as exited:
        main([str(student), "--provided", str(tmp_path / "nowhere")])
    assert exited.value.code == 2
    assert "nowhere: not a folder; give the folder of course files" in capsys.readouterr().err


def test_grade_help_names_the_provided_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--provided DIR" in capsys.readouterr().out
