"""Rubric validation: real rubrics load; malformed ones fail naming file, line and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.cli import main
from graders.rubric import RubricError, load_rubric

from .conftest import ROOT

MINIMAL = """\
assignment: demo
title: Demo
questions:
  - id: q1
    title: a number
    points: 2
    checks:
      - id: value
        kind: value
        points: 2
        target: {names: [answer]}
        expect: {value: 3}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(RubricError) as caught:
        load_rubric(write(tmp_path, text))
    return str(caught.value)


def test_every_rubric_in_the_repository_is_valid() -> None:
    rubrics = sorted((ROOT / "rubrics").glob("*.yaml"))
    assert rubrics
    for path in rubrics:
        rubric = load_rubric(path)
        assert rubric.questions and rubric.max_score > 0


def test_every_written_answer_of_the_course_carries_points_and_a_full_marks_answer() -> None:
    for path in sorted((ROOT / "rubrics").glob("*.yaml")):
        for question in load_rubric(path).questions:
            for check in question.checks:
                if not check.scored:
                    place = f"{path.name} {question.id}/{check.id}"
                    assert check.points > 0 or check.recovers, place
                    assert check.prompt_ko, place
                    full = ("Give back", "돌려주") if check.recovers else ("Full marks", "만점")
                    for prompt, phrase in zip((check.prompt, check.prompt_ko), full):
                        assert phrase in prompt and "\n" not in prompt, place  # one paragraph


def test_cnn_basics_splits_the_documents_points_with_the_written_interpretation() -> None:
    rubric = load_rubric(ROOT / "rubrics" / "cnn-basics.yaml")
    points = {q.id: (q.points, q.auto_points, q.manual_points) for q in rubric.questions}
    assert points["q1"] == points["q2"] == (14, 10, 4)
    assert (rubric.max_score, rubric.auto_max, rubric.manual_max) == (70, 62, 8)


def test_a_written_answer_counts_in_its_question_not_in_the_automatic_points(tmp_path: Path):
    text = MINIMAL.replace("    points: 2\n    checks", "    points: 5\n    checks") + """\
      - id: why
        kind: manual
        points: 3
        prompt: why three
"""
    rubric = load_rubric(write(tmp_path, text))
    assert (rubric.max_score, rubric.auto_max, rubric.manual_max) == (5, 2, 3)
    assert (rubric.questions[0].auto_points, rubric.questions[0].manual_points) == (2, 3)
    message = error_of(tmp_path, text.replace("points: 3\n", "points: 2\n"))
    assert "the checks' points add up to 4, not 5" in message


def test_minimal_rubric_loads(tmp_path: Path) -> None:
    rubric = load_rubric(write(tmp_path, MINIMAL))
    assert rubric.assignment == "demo"
    assert rubric.questions[0].checks[0].kind == "value"
    assert rubric.max_score == 2


def test_points_that_do_not_add_up_name_the_question_line(tmp_path: Path) -> None:
    message = error_of(
        tmp_path, MINIMAL.replace("    points: 2\n    checks", "    points: 5\n    checks")
    )
    assert "demo.yaml:2:" not in message
    assert "demo.yaml:4: questions[0]: the checks' points add up to 2, not 5" in message


def test_unknown_field_is_reported_at_its_line(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        MINIMAL.replace("        points: 2\n", "        points: 2\n        tolerance: 1\n"),
    )
    assert "demo.yaml:11: questions[0].checks[0].value.tolerance" in message
    assert "Extra inputs are not permitted" in message


def test_unknown_check_kind(tmp_path: Path) -> None:
    message = error_of(tmp_path, MINIMAL.replace("kind: value", "kind: vibes"))
    assert "demo.yaml:9:" in message
    assert "'vibes'" in message and "value" in message


def test_question_ids_follow_the_document(tmp_path: Path) -> None:
    message = error_of(tmp_path, MINIMAL.replace("id: q1", "id: Question 1"))
    assert "demo.yaml:4: questions[0].id" in message


def test_expectation_needs_exactly_one_source(tmp_path: Path) -> None:
    text = MINIMAL.replace("expect: {value: 3}", "expect: {value: 3, reference: {names: [x]}}")
    assert "give exactly one of `value` or `reference`" in error_of(tmp_path, text)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, MINIMAL.replace("title: a number", "title: [unclosed"))
    assert message.startswith(f"{tmp_path / 'demo.yaml'}:")
    assert "not valid YAML" in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="cannot read the rubric"):
        load_rubric(tmp_path / "absent.yaml")


def test_anchor_holders_are_allowed(tmp_path: Path) -> None:
    text = "x-answer: &answer {names: [answer]}\n" + MINIMAL.replace(
        "target: {names: [answer]}", "target: *answer"
    )
    rubric = load_rubric(write(tmp_path, text))
    assert rubric.questions[0].checks[0].target.names == ["answer"]


def test_public_only_drops_hidden_checks(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("    points: 2\n    checks", "    points: 3\n    checks")
        + """\
      - id: shown
        kind: value
        points: 1
        visibility: public
        target: {names: [answer]}
        properties: [finite]
"""
    )
    public = load_rubric(write(tmp_path, text)).public_only()
    assert [c.id for c in public.questions[0].checks] == ["shown"]
    assert public.max_score == 1


def test_lint_command_reports_errors_and_exit_status(tmp_path: Path, capsys) -> None:
    good = write(tmp_path, MINIMAL)
    assert main(["lint", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("points: 2\n        target", "points: -1\n        target"))
    assert main(["lint", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:10: questions[0].checks[0].value.points" in err


INLINE = (
    MINIMAL.replace("    points: 2\n    checks", "    points: 3\n    checks")
    + """\
      - id: function
        kind: function
        points: 1
        target: {kind: function, names: [f]}
        inline: [value]
        calls: [{args: [1]}]
"""
)


def test_inline_names_other_checks_of_its_question(tmp_path: Path) -> None:
    assert load_rubric(write(tmp_path, INLINE)).questions[0].checks[1].inline == ["value"]
    message = error_of(tmp_path, INLINE.replace("inline: [value]", "inline: [values, function]"))
    assert "check function: `inline` names no other check of this question: function, values" in (
        message
    )


def test_public_only_keeps_inline_to_the_checks_it_keeps(tmp_path: Path) -> None:
    public_function = INLINE.replace(
        "        inline: [value]\n", "        inline: [value]\n        visibility: public\n"
    )
    public = load_rubric(write(tmp_path, public_function)).public_only()
    (function,) = public.questions[0].checks  # the value check is hidden
    assert function.id == "function" and function.inline == []
    assert type(public).model_validate(public.model_dump()).questions[0].points == 1


def test_a_check_asking_for_an_undeclared_probe_fails_when_the_rubric_loads(monkeypatch) -> None:
    from graders.judge.kinds import values

    midterm = ROOT / "rubrics" / "midterm-2022.yaml"
    monkeypatch.setattr(values.ChoiceCheck, "requests", lambda self: {"t": ("no-such-probe", {})})
    with pytest.raises(RubricError) as unknown:
        load_rubric(midterm)
    line = str(unknown.value)
    assert line.startswith(f"{midterm}:") and "questions[9].checks[0]: unknown probe" in line
    wrong = {"t": ("value", {"names": ["answers_q3"]})}  # the locator's field, not the probe's
    monkeypatch.setattr(values.ChoiceCheck, "requests", lambda self: wrong)
    with pytest.raises(RubricError, match=r"probe 'value': locator: Field required; names: Extra"):
        load_rubric(midterm)
