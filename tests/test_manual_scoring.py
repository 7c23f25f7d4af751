"""Written answers in the score: their points wait for a TA, and a check that `recovers`
others lets a TA give back what the code missed for the same work written out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.judge.verdict import MANUAL, Verdict
from graders.report.feedback import feedback_markdown
from graders.rubric import RubricError, load_rubric
from graders.score import Mark, SubmissionResult, apply_marks, score_question

from .test_rubric import MINIMAL, write

RECOVERING = (
    MINIMAL
    + """\
      - id: by-hand
        kind: manual
        points: 0
        prompt: the value worked out in the prose
        recovers: [value]
"""
)


def graded(fraction: float, tmp_path: Path) -> SubmissionResult:
    question = load_rubric(write(tmp_path, RECOVERING)).questions[0]
    verdicts = {
        "value": Verdict(fraction, "the value"),
        "by-hand": Verdict(0, "for the TA", status=MANUAL),
    }
    scored = score_question(question, verdicts)
    return SubmissionResult("kim", "kim.py", "demo", scored.score, 2, [scored])


def test_what_the_code_missed_waits_for_a_ta_to_read_the_prose(tmp_path: Path) -> None:
    missed = graded(0.25, tmp_path)
    by_hand = missed.questions[0].checks[1]
    assert (by_hand.max_score, missed.pending_manual) == (1.5, 1.5)
    assert missed.provisional() == "pending manual: 1.5 points"
    given = apply_marks(missed, {("q1", "by-hand"): Mark(9, "worked out by hand")})
    assert (given.score, given.pending_manual) == (2, 0)  # never more than was missed
    assert given.score <= given.max_score


def test_code_that_earned_every_point_leaves_nothing_to_read(tmp_path: Path) -> None:
    full = graded(1.0, tmp_path)
    by_hand = full.questions[0].checks[1]
    assert (by_hand.max_score, by_hand.pending, full.pending_manual) == (0, False, 0)
    assert full.full_marks and "nothing for the TA to give back" in feedback_markdown(full)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("        points: 0\n        prompt", "        points: 1\n        prompt"), "no points"),
        (("recovers: [value]", "recovers: [nothing]"), "names no other check"),
    ],
)
def test_a_recovering_check_is_validated(tmp_path: Path, change, problem: str) -> None:
    text = RECOVERING.replace(*change)
    if "points: 1\n        prompt" in text:
        text = text.replace("    points: 2\n    checks", "    points: 3\n    checks")
    with pytest.raises(RubricError, match=problem):
        load_rubric(write(tmp_path, text))


def test_a_recovering_check_names_only_automatic_checks(tmp_path: Path) -> None:
    text = (
        RECOVERING.replace("    points: 2\n    checks", "    points: 3\n    checks")
        + """\
      - id: why
        kind: manual
        points: 1
        prompt: why
"""
    )
    with pytest.raises(RubricError, match="scores already: why"):
        load_rubric(write(tmp_path, text.replace("recovers: [value]", "recovers: [value, why]")))
