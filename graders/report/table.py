"""The summary printed on screen with rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..i18n import _, ngettext
from ..judge.verdict import GRADER_ERROR, PASS
from ..score import SubmissionResult
from .feedback import check_points, status_label


def results_table(
    assignment: str, question_ids: list[str], results: list[SubmissionResult]
) -> Table:
    """One row per submission, one column per question, then the total."""
    title = _("{assignment}: {count} submission(s)").format(
        assignment=assignment, count=len(results)
    )
    table = Table(title=title)
    table.add_column(_("student"))
    for qid in question_ids:
        table.add_column(qid, justify="right")
    table.add_column(_("total"), justify="right", style="bold")
    table.add_column(_("status"))
    for result in results:
        scores = {q.id: q for q in result.questions}
        cells = []
        for qid in question_ids:
            q = scores.get(qid)
            cells.append("" if q is None else f"{q.score:g}/{q.max_score:g}")
        table.add_row(
            result.student, *cells, f"{result.score:g}/{result.max_score:g}", status(result)
        )
    return table


def status(result: SubmissionResult) -> str:
    """A few words on how the run went (the feedback file has the details); a grader
    error comes first: the total beside it counts only the checks that were graded. Written
    answers no TA has scored yet are named: the total beside them is provisional."""
    if result.grader_errors or result.grader_error:
        count = result.grader_errors
        checks = ngettext("{count} check", "{count} checks", count).format(count=count)
        return "[bold red]" + _("grader error") + f"[/bold red] ({checks})"
    if not result.submitted:
        return _("missing")
    if result.error:
        return _("unreadable")
    pending = result.provisional()
    if result.stopped:
        return _("stopped early") + (f"; {pending}" if pending else "")
    failed = sum(1 for cell in result.cells if cell["status"] not in ("ok", "not_run"))
    run = _("{count} cell error(s)").format(count=failed) if failed else _("ok")
    return run + (f"; {pending}" if pending else "")


def print_checks(console: Console, result: SubmissionResult, show_detail: bool = False) -> None:
    """Every check of one submission with its message (the self-check view)."""
    for question in result.questions:
        console.print(
            f"[bold]{question.id}[/bold] {question.title}: "
            f"{question.score:g}/{question.max_score:g}"
        )
        for check in question.checks:
            colour = "green" if check.status == PASS else "yellow" if check.pending else "red"
            if check.status == GRADER_ERROR:
                colour = "bold red"
            console.print(
                f"  [{colour}]{status_label(check.status):>12}[/{colour}] {escape(check.id)} "
                f"({escape(check_points(check))}) {escape(check.message)}",
                highlight=False,
            )
            if show_detail and check.detail:
                console.print(f"             {check.detail}", highlight=False, markup=False)
