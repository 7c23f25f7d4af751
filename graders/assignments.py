"""Where assignments live: rubrics and reference modules in a checkout, or a bundle."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .load.submissions import Submission
from .rubric import Rubric, RubricError, load_rubric, provided_folder

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def rubrics_dir() -> Path:
    return Path(os.environ.get("GRADE_RUBRICS", PROJECT_ROOT / "rubrics"))


def reference_dir() -> Path:
    return PROJECT_ROOT / "reference"


@dataclass
class Assignment:
    """A rubric, and either its reference module or precomputed expectations (a bundle)."""

    rubric: Rubric
    origin: Path
    reference: Path | None = None
    expectations: dict[str, dict[str, Any]] | None = field(default=None, repr=False)
    provided_dir: Path | None = None

    @property
    def id(self) -> str:
        return self.rubric.assignment

    def provided_files(self) -> list[tuple[Path, str]]:
        """The course-provided files the rubric lists, each with its path in a run's folder
        (none from a bundle, which carries no files)."""
        if self.provided_dir is None:
            return []
        return [(self.provided_dir / name, name) for name in self.rubric.provided]


def load_assignment_file(path: Path) -> Assignment:
    rubric = load_rubric(path)
    reference = None
    if rubric.reference:
        candidate = reference_dir() / f"{rubric.reference}.py"
        reference = candidate if candidate.exists() else None
    return Assignment(
        rubric=rubric, origin=path, reference=reference, provided_dir=provided_folder(path, rubric)
    )


def all_assignments() -> list[Assignment]:
    """Every rubric in the rubrics folder, in file-name order."""
    folder = rubrics_dir()
    if not folder.is_dir():
        raise RubricError(
            f"{folder}: no rubrics folder; run from a dlgrade checkout or pass --bundle FILE"
        )
    return [load_assignment_file(p) for p in sorted(folder.glob("*.yaml"))]


def get_assignment(assignment_id: str) -> Assignment:
    for assignment in all_assignments():
        if assignment.id == assignment_id:
            return assignment
    known = ", ".join(a.id for a in all_assignments()) or "none"
    raise RubricError(f"no assignment {assignment_id!r} in {rubrics_dir()} (known: {known})")


def detect(submission: Submission, candidates: list[Assignment]) -> Assignment:
    """The assignment a submission belongs to: its notebook metadata, else the only rubric whose
    `entry` names a file of a folder without a clear entry, else the rubric whose `detect`
    names it defines most of. Raises `RubricError` when that is not clear."""
    if submission.assignment_hint:
        for assignment in candidates:
            if assignment.id == submission.assignment_hint:
                return assignment
    if len(candidates) == 1:
        return candidates[0]
    if submission.entry_choices:  # a folder whose files do not say which one runs
        named = [a for a in candidates if set(a.rubric.entry) & set(submission.entry_choices)]
        if len(named) == 1:
            return named[0]
    source = submission.source
    hits = {
        a.id: sum(1 for name in a.rubric.detect if re.search(rf"\b{re.escape(name)}\b", source))
        for a in candidates
    }
    best = max(hits.values(), default=0)
    winners = [a for a in candidates if hits[a.id] == best and best > 0]
    if len(winners) == 1:
        return winners[0]
    names = ", ".join(a.id for a in (winners or candidates))
    raise RubricError(
        f"{submission.path}: cannot tell which assignment this is ({names}); pass --assignment ID"
    )
