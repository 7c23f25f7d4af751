"""Per-student feedback in Markdown: scores, one line per check, what went wrong."""

from __future__ import annotations

from ..judge.verdict import GRADER_ERROR, MANUAL, NOT_GRADED, PASS
from ..score import SubmissionResult

MARKS = {PASS: "✔", MANUAL: "✎", NOT_GRADED: "–", GRADER_ERROR: "⚠"}


def feedback_markdown(result: SubmissionResult, show_detail: bool = False) -> str:
    """Feedback a student may read: messages only, never hidden expected values
    (unless `show_detail`, for a TA)."""
    incomplete = result.incomplete()
    lines = [
        f"# {result.assignment}: {result.student}",
        "",
        f"**Score: {result.score:g} / {result.max_score:g}"
        + (f" ({incomplete})" if incomplete else "")
        + "**"
        + (" (public checks only)" if result.public_only else ""),
        "",
    ]
    if result.error:
        lines += [f"Not graded: {result.error}", ""]
    if result.grader_error:
        lines += [
            "Not graded: a fault in the grader, not in your work, stopped the grading of "
            "this submission; your TA has been told.",
            "",
        ]
    if result.notes:
        lines += ["## While running", ""] + [f"- {note}" for note in result.notes] + [""]
    for question in result.questions:
        pending = (
            f", {question.pending_manual:g} more for the TA" if question.pending_manual else ""
        )
        if any(check.status == GRADER_ERROR for check in question.checks):
            pending += ", incomplete: grader error"
        lines += [
            f"## {question.id}: {question.title} ({question.score:g} / "
            f"{question.max_score:g}{pending})",
            "",
        ]
        for check in question.checks:
            mark = MARKS.get(check.status, "✘")
            points = f"{check.score:g}/{check.max_score:g}" if check.scored else "TA"
            if check.status == GRADER_ERROR:
                points = "not graded"
            title = f" {check.title}:" if check.title else ""
            lines.append(f"- {mark} `{check.id}` ({points}){title} {check.message}")
            if show_detail and check.detail:
                lines.append(f"  - {check.detail}")
        lines.append("")
    return "\n".join(lines)
