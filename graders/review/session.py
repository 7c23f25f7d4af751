"""One class under review: its written answers, question by question and student after
student, the TA's marks, and the reports rewritten after the marks change."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..assignments import get_assignment
from ..batch import load_options
from ..i18n import _, language, localized, speaking
from ..journal import Entry, Journal
from ..judge.kinds.text import ManualCheck
from ..report.class_reports import ClassReports
from ..rubric.models import Question
from ..score import QuestionResult
from .answers import Answer
from .document import Document
from .marks import Reviews, answer_hash, answer_in, manual_checks
from .store import ReviewStore, StoredMark

PENDING, SCORED, FLAGGED = "pending", "scored", "flagged"
REPORTS_DELAY_S = 0.5  # saves within this time share one rewrite of the reports


@dataclass
class Item:
    """One written answer to review: a student's answer to one manual check."""

    index: int
    student: str
    label: str  # what the page calls the student (no name or id in anonymous mode)
    name: str | None
    question: Question
    check: ManualCheck
    points: float  # the most a TA may give (what the code missed, for a check that recovers)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.student, self.question.id, self.check.id


class ReviewSession:
    """The written answers of the class graded into `out_dir` (`grade SUBMISSIONS --out`)."""

    def __init__(self, out_dir: Path, anonymous: bool = False) -> None:
        assignment_id, _options, missing = load_options(out_dir)
        self.out_dir = out_dir
        self.anonymous = anonymous
        self.rubric = get_assignment(assignment_id).rubric
        journal = Journal(out_dir)
        self.entries: dict[str, Entry] = journal.load()
        self.problems = journal.problems
        self.store = ReviewStore(out_dir)
        self.reviews = Reviews(out_dir, self.rubric)
        self.reports = ClassReports.of_class(out_dir, self.rubric, missing, self.reviews.apply)
        self.items = self._items()
        self._answers: dict[tuple[str, str, str], tuple[Answer, str]] = {}
        self._documents: dict[str, Document] = {}
        self._answers_lock = threading.Lock()
        self.language = language()  # the reports' language, in the writer's thread too
        self._writer = _ReportWriter(self.write_reports)

    def _items(self) -> list[Item]:
        readable = [s for s, e in sorted(self.entries.items()) if e.result.error is None]
        if self.anonymous:  # an order that says nothing of names or ids
            readable.sort(key=lambda s: hashlib.sha256(s.encode()).hexdigest())
        labels = {
            student: _("submission {number}").format(number=number)
            if self.anonymous
            else self._named(student)
            for number, student in enumerate(readable, start=1)
        }
        items = []
        for question, check in manual_checks(self.rubric):
            for student in readable:
                points = _points_open(self.entries[student], question.id, check.id)
                if not points:
                    continue
                name = None if self.anonymous else self.entries[student].name
                items.append(
                    Item(len(items), student, labels[student], name, question, check, points)
                )
        return items

    def _named(self, student: str) -> str:
        name = self.entries[student].name
        return f"{name} ({student})" if name else student

    # -- answers and marks --------------------------------------------------------------------

    def answer(self, item: Item) -> tuple[Answer, str]:
        """The item's answer and its hash (found once, then kept)."""
        with self._answers_lock:
            if item.key not in self._answers:
                if item.student not in self._documents:
                    entry = self.entries[item.student]
                    self._documents[item.student] = Document.from_entry(entry)
                found = answer_in(self._documents[item.student], item.question, item.check)
                self._answers[item.key] = (found, answer_hash(found))
            return self._answers[item.key]

    def state(self, item: Item, mark: StoredMark | None) -> str:
        if mark is None:
            return PENDING
        return SCORED if mark.answer_hash == self.answer(item)[1] else FLAGGED

    def marks(self) -> dict[tuple[str, str, str], StoredMark]:
        return self.store.marks()

    def item(self, index: int) -> Item:
        if not 0 <= index < len(self.items):
            raise KeyError(index)
        return self.items[index]

    def save(
        self,
        item: Item,
        points: float,
        comment_ids: list[int],
        base_version: int | None,
        reviewer: str = "",
    ) -> StoredMark:
        """Save one mark for the item's answer as it reads now (see `ReviewStore.save`), then
        have the reports rewritten."""
        if not 0 <= points <= item.points:
            raise ValueError(_("a score between 0 and {points:g}").format(points=item.points))
        _answer, digest = self.answer(item)
        mark = self.store.save(
            *item.key, points, digest, comment_ids, base_version, reviewer=reviewer
        )
        self._writer.schedule()
        return mark

    def reports_changed(self) -> None:
        """A comment's text changed: the reports that show it are rewritten."""
        self._writer.schedule()

    def write_reports(self) -> None:
        """Every report of the class, with the marks as they are now."""
        with speaking(self.language):
            self.reports.finish(self.entries)

    def close(self) -> None:
        """Write what is still due (the reports after the last saves)."""
        self._writer.close()

    def recovered(self, item: Item) -> list[str]:
        """For a check that `recovers` others: how each of those was graded, one line each."""
        question = _question_result(self.entries[item.student], item.question.id)
        if question is None:
            return []
        return [
            f"{c.id}: {c.score:g}/{c.max_score:g} {c.message}"
            for c in question.checks
            if c.id in item.check.recovers
        ]

    def prompt(self, item: Item) -> str:
        return localized(item.check.prompt, item.check.prompt_ko)

    def title(self, item: Item) -> tuple[str, str]:
        """The question's and the check's titles, in the reader's language."""
        question = localized(item.question.title, item.question.title_ko)
        return question, localized(item.check.title, item.check.title_ko) or item.check.id

    def left(self, marks: dict[tuple[str, str, str], StoredMark] | None = None) -> int:
        """The answers still to score (never scored, or scored for an earlier answer)."""
        marks = self.marks() if marks is None else marks
        return sum(self.state(item, marks.get(item.key)) != SCORED for item in self.items)

    def summary(self) -> dict[str, Any]:
        marks = self.marks()
        return {
            "assignment": self.rubric.assignment,
            "title": self.rubric.title,
            "anonymous": self.anonymous,
            "left": self.left(marks),
            "items": [
                {
                    "index": item.index,
                    "label": item.label,
                    "question": item.question.id,
                    "check": item.check.id,
                    "points": item.points,
                    "state": self.state(item, marks.get(item.key)),
                    "score": marks[item.key].points if item.key in marks else None,
                }
                for item in self.items
            ],
        }


def _question_result(entry: Entry, question: str) -> QuestionResult | None:
    return next((q for q in entry.result.questions if q.id == question), None)


def _points_open(entry: Entry, question: str, check: str) -> float:
    """The most a TA may give for one manual check of `entry` (0: nothing to review)."""
    result = _question_result(entry, question)
    checks = result.checks if result is not None else []
    return next((c.max_score for c in checks if c.id == check), 0.0)


class _ReportWriter:
    """Rewrites the reports in a thread of its own, soon after saves (one rewrite for a burst
    of them), and once more when closed if a save came after the last rewrite."""

    def __init__(self, write: Any) -> None:
        self.write = write
        self.due = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, name="review-reports", daemon=True)
        self.thread.start()

    def schedule(self) -> None:
        self.due.set()

    def _loop(self) -> None:
        while not self.stopping.is_set():
            if self.due.wait(timeout=0.2):
                self.stopping.wait(REPORTS_DELAY_S)
                self._write_due()

    def _write_due(self) -> None:
        with self.lock:
            if not self.due.is_set():
                return
            self.due.clear()
            try:
                self.write()
            except Exception as exc:  # noqa: BLE001 - kept, and raised again on close
                self.error = exc

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self._write_due()
        if self.error is not None:
            raise self.error
