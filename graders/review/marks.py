"""The TA's marks of a class applied to its graded results: each written answer's stored score
counts where it was given for the answer as it reads now, and is flagged where the answer has
changed since (its points wait again)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..judge.kinds.text import ManualCheck
from ..rubric.models import Question, Rubric
from ..score import Mark, SubmissionResult, apply_marks
from .answers import Answer, answer_text, find_answer
from .document import Document
from .store import DATABASE, ReviewStore


def manual_checks(rubric: Rubric) -> list[tuple[Question, ManualCheck]]:
    """Every written answer of the rubric, in the rubric's order."""
    return [(q, c) for q in rubric.questions for c in q.checks if isinstance(c, ManualCheck)]


def answer_in(document: Document, question: Question, check: ManualCheck) -> Answer:
    """What a student wrote for one written answer, as the TA reads it."""
    return find_answer(document, question.id, question.title, check, question.title_ko)


def answer_hash(answer: Answer) -> str:
    """The hash of an answer's text: a mark given for another text is flagged."""
    return hashlib.sha256(answer_text(answer).encode("utf-8")).hexdigest()[:32]


class Reviews:
    """The marks `grade review` stored in `out_dir`, applied to results (unchanged where none
    were given: no database is made by reading)."""

    def __init__(self, out_dir: Path, rubric: Rubric) -> None:
        self.out_dir = out_dir
        self.checks = manual_checks(rubric)

    def apply(self, entry: Any) -> SubmissionResult:
        """`entry`'s result with its marks applied."""
        if not self.checks or not (self.out_dir / DATABASE).exists():
            return entry.result
        stored = ReviewStore(self.out_dir).marks(entry.student)
        if not stored:
            return entry.result
        document = Document.from_entry(entry)
        marks = {}
        for question, check in self.checks:
            mark = stored.get((entry.student, question.id, check.id))
            if mark is None:
                continue
            current = mark.answer_hash == answer_hash(answer_in(document, question, check))
            marks[(question.id, check.id)] = Mark(mark.points, mark.comment, current)
        return apply_marks(entry.result, marks)
