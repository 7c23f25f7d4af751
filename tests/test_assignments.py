"""Assignments: the rubric's entry names in detection and grading, its provided files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from graders.assignments import Assignment, detect, get_assignment, load_assignment_file
from graders.engine import Grader
from graders.load import read_submission
from graders.rubric import RubricError

from .test_provided import demo_rubric

pytestmark = pytest.mark.slow


def undecided_folder(folder: Path) -> Path:
    """A student folder of two modules, neither importing the other."""
    folder.mkdir()
    (folder / "main.py").write_text("answer = 3\n")
    (folder / "plots.py").write_text("answer = 0\n")
    return folder


def with_entry(assignment: Assignment, *names: str) -> Assignment:
    rubric = assignment.rubric.model_copy(update={"entry": list(names)})
    return dataclasses.replace(assignment, rubric=rubric)


def test_the_only_rubric_naming_a_folders_file_as_entry_is_its_assignment(tmp_path: Path) -> None:
    submission = read_submission(undecided_folder(tmp_path / "kim"))
    cnn, autograd = get_assignment("cnn-basics"), get_assignment("autograd")
    assert detect(submission, [cnn, with_entry(autograd, "train.py", "main.py")]).id == "autograd"
    with pytest.raises(RubricError, match="cannot tell which assignment"):
        detect(submission, [cnn, autograd])


def test_the_rubric_entry_is_used_when_a_folders_files_do_not_decide(tmp_path: Path) -> None:
    assignment = load_assignment_file(demo_rubric(tmp_path / "rubrics"))
    student = undecided_folder(tmp_path / "kim")
    result = Grader(assignment).grade(read_submission(student))
    assert result.score == 0 and "cannot tell which file to run" in (result.error or "")
    assert Grader(with_entry(assignment, "main.py")).grade(read_submission(student)).score == 2


def test_a_bundle_carries_no_provided_files() -> None:
    rubric = get_assignment("cnn-basics").rubric.model_copy(update={"provided": ["helper.py"]})
    bundle_like = Assignment(rubric=rubric, origin=Path("x.dlgrade.json"), expectations={})
    assert bundle_like.provided_files() == []
