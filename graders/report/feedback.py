"""Per-student feedback in Markdown: scores, one line per check, what went wrong."""

from __future__ import annotations

from ..i18n import _
from ..judge.verdict import FAIL, GRADER_ERROR, MANUAL, NOT_GRADED, PARTIAL, PASS
from ..score import CheckResult, SubmissionResult

MARKS = {PASS: "✔", PARTIAL: "◐", FAIL: "✘", MANUAL: "✎", NOT_GRADED: "–", GRADER_ERROR: "⚠"}


def status_label(status: str) -> str:
    """A check's status (`pass`, `fail`, ...) as the reader's language names it."""
    labels = {
        PASS: _("passed"),
        PARTIAL: _("partly right"),
        FAIL: _("not passed"),
        MANUAL: _("for the TA"),
        NOT_GRADED: _("not graded"),
        GRADER_ERROR: _("grader error"),
    }
    return labels.get(status, status)


def check_points(check: CheckResult) -> str:
    """A check's points as every report shows them: "2/3"; a written answer no TA has scored
    yet, "TA: 4"; one scored for an earlier answer, "TA: 4, to review again"."""
    if check.status == GRADER_ERROR:
        return _("not graded")
    if check.scored or check.reviewed or not check.max_score:
        return f"{check.score:g}/{check.max_score:g}"
    if check.flagged:
        return _("TA: {points:g}, to review again").format(points=check.max_score)
    return _("TA: {points:g}").format(points=check.max_score)


def total_line(result: SubmissionResult) -> str:
    """ "Score: 31 / 40", with why it is incomplete or provisional where it is."""
    score = _("Score: {score:g} / {max_score:g}").format(
        score=result.score, max_score=result.max_score
    )
    reasons = [reason for reason in (result.incomplete(), result.provisional()) if reason]
    return score + (f" ({'; '.join(reasons)})" if reasons else "")


def feedback_markdown(result: SubmissionResult, show_detail: bool = False) -> str:
    """Feedback a student may read: messages only, never hidden expected values
    (unless `show_detail`, for a TA)."""
    lines = [
        f"# {result.assignment}: {result.student}",
        "",
        f"**{total_line(result)}**"
        + (" " + _("(public checks only)") if result.public_only else ""),
        "",
    ]
    if result.error:
        lines += [_("Not graded: {error}").format(error=result.error), ""]
    if result.grader_error:
        lines += [
            _(
                "Not graded: a fault in the grader, not in your work, stopped the grading of "
                "this submission; your TA has been told."
            ),
            "",
        ]
    if result.notes:
        lines += ["## " + _("While running"), ""] + [f"- {note}" for note in result.notes] + [""]
    for question in result.questions:
        state = [f"{question.score:g} / {question.max_score:g}"]
        if question.pending_manual:
            state.append(_("pending manual: {points:g}").format(points=question.pending_manual))
        if any(check.status == GRADER_ERROR for check in question.checks):
            state.append(_("incomplete: grader error"))
        lines += [f"## {question.id}: {question.title} ({', '.join(state)})", ""]
        for check in question.checks:
            mark = MARKS[check.status]
            title = f" {check.title}:" if check.title else ""
            message = _("scored by the TA") if check.reviewed else check.message
            lines.append(f"- {mark} `{check.id}` ({check_points(check)}){title} {message}")
            if check.comment and check.reviewed:
                lines.append("  - " + _("TA: {comment}").format(comment=check.comment))
            if show_detail and check.detail:
                lines.append(f"  - {check.detail}")
        lines.append("")
    return "\n".join(lines)
