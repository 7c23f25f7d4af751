"""A batch's progress: a live bar on a terminal, one line per submission elsewhere (CI logs)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..batch import REJUDGE, REUSE, RUN
from ..i18n import _
from ..score import SubmissionResult


def _action(action: str) -> str:
    words = {REUSE: _("kept"), REJUDGE: _("re-judged"), RUN: _("graded")}
    return words.get(action, action)


class BatchProgress:
    """Shows done / total, the submissions being graded, elapsed time, ETA and grader errors
    so far. On a terminal a rich bar; otherwise a line per finished submission."""

    def __init__(self, console: Console, label: str) -> None:
        self.console = console
        self.label = label
        self.current: list[str] = []
        self.faults = 0
        self.done = 0
        self.total = 0
        self.bar: Progress | None = None
        self.task = None

    def __enter__(self) -> BatchProgress:
        if self.console.is_terminal:
            self.bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn(_("ETA")),
                TimeRemainingColumn(),
                TextColumn("{task.fields[faults]}"),
                TextColumn("{task.fields[current]}"),
                console=self.console,
                transient=False,
            )
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def start(self, total: int, done: int) -> None:
        self.total, self.done = total, done
        if self.bar is not None:
            self.task = self.bar.add_task(
                self.label, total=total, completed=done, faults="", current=""
            )
        else:
            self.console.print(
                _("{label}: {total} submission(s)").format(label=self.label, total=total),
                markup=False,
            )

    def begin(self, student: str) -> None:
        self.current.append(student)
        self._refresh()

    def end(self, result: SubmissionResult, action: str) -> None:
        if result.student in self.current:
            self.current.remove(result.student)
        self.done += 1
        if result.faults():
            self.faults += 1
        if self.bar is not None:
            self.bar.advance(self.task)
            self._refresh()
            return
        fault = _(" (grader error)") if result.faults() else ""
        provisional = f" ({result.provisional()})" if result.pending_manual else ""
        self.console.print(
            _("[{done}/{total}] {student}: {score:g}/{max:g} {action} in {seconds:.1f} s").format(
                done=self.done,
                total=self.total,
                student=escape(result.student),
                score=result.score,
                max=result.max_score,
                action=_action(action),
                seconds=result.seconds if action == RUN else 0.0,
            )
            + fault
            + provisional,
            markup=False,
            highlight=False,
        )

    def _refresh(self) -> None:
        if self.bar is None or self.task is None:
            return
        faults = _("{n} grader error(s)").format(n=self.faults) if self.faults else ""
        shown = ", ".join(self.current[:3]) + (" ..." if len(self.current) > 3 else "")
        self.bar.update(self.task, faults=faults, current=escape(shown))
