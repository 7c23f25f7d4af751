"""A class's reports in OUT, kept current while its batch runs: after each submission its
feedback and the whole gradebook are rewritten (atomically), so that the gradebook always
holds every submission graded so far; the batch's end writes the rest: the TA's summary
page, Gradescope's results and the LMS import file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from ..i18n import _, localized
from ..rubric.models import Rubric
from ..score import SubmissionResult
from .files import write_feedback, write_gradebook
from .gradescope import write_gradescope, write_lms_csv
from .html import write_feedback_html, write_html_reports


class Graded(Protocol):
    """A journal entry, as far as the reports read it."""

    student: str
    name: str | None
    result: SubmissionResult


Reviewed = Callable[[Any], SubmissionResult]  # a journal entry -> its result, TA's marks applied


class ClassReports:
    """Writes one assignment's reports into `out_dir`; `extra` results (the roster's
    students with no submission, say) are listed after the graded ones. `reviewed` gives an
    entry's result with the TA's scores of written answers applied (see `graders.review`)."""

    def __init__(
        self,
        out_dir: Path,
        assignment: str,
        questions: list[tuple[str, str, float]],
        extra: list[SubmissionResult] | None = None,
        names: dict[str, str] | None = None,
        reviewed: Reviewed | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.assignment = assignment
        self.questions = questions  # id, title, points
        self.question_ids = [question[0] for question in questions]
        self.extra = list(extra or [])
        self.names = dict(names or {})  # of the extra results' students
        self.reviewed: Reviewed = reviewed or (lambda entry: entry.result)

    @classmethod
    def of_class(
        cls,
        out_dir: Path,
        rubric: Rubric,
        missing: list[dict[str, Any]],
        reviewed: Reviewed | None = None,
    ) -> ClassReports:
        """The reports of one assignment's class in `out_dir`, with a row for each student on
        the roster who handed nothing in (`missing`: their `id` and `name`)."""
        absent = [
            SubmissionResult(
                student=student["id"],
                path="",
                assignment=rubric.assignment,
                score=0.0,
                max_score=rubric.max_score,
                questions=[],
                error=_("no submission: on the roster, but nothing was handed in"),
                submitted=False,
            )
            for student in missing
        ]
        names = {student["id"]: student["name"] for student in missing if student.get("name")}
        questions = [(q.id, localized(q.title, q.title_ko), q.points) for q in rubric.questions]
        return cls(out_dir, rubric.assignment, questions, absent, names, reviewed)

    def results(self, entries: Mapping[str, Graded]) -> list[SubmissionResult]:
        """Every graded result by student (the TA's marks applied), then the extra ones."""
        graded = [self.reviewed(entries[student]) for student in sorted(entries)]
        known = {result.student for result in graded}
        return graded + [r for r in self.extra if r.student not in known]

    def changed(self, entries: Mapping[str, Graded], student: str) -> None:
        """`student`'s result was kept: write their feedback and the gradebook."""
        entry = entries[student]
        result = self.reviewed(entry)
        write_feedback(self.out_dir, result)
        write_feedback_html(self.out_dir, result, entry.name)
        write_gradebook(self.out_dir, self.assignment, self.question_ids, self.results(entries))

    def finish(self, entries: Mapping[str, Graded]) -> list[Path]:
        """Write every report; return the paths."""
        results = self.results(entries)
        names = {**self.names, **{s: e.name for s, e in entries.items() if e.name}}
        written = [write_feedback(self.out_dir, result) for result in results]
        written += write_html_reports(self.out_dir, self.assignment, self.questions, results, names)
        written += write_gradescope(self.out_dir, results)
        written.append(write_lms_csv(self.out_dir, self.question_ids, results, names))
        return written + write_gradebook(self.out_dir, self.assignment, self.question_ids, results)
