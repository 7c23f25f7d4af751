"""The class journal: each graded submission's observations and result, kept as soon as it
is graded, so that nothing graded is lost and nothing unchanged is graded twice.

A journal is a folder, `OUT/.dlgrade/journal/`, of one gzipped JSON file per student
(`<student>.json.gz`; a full run's training losses and test predictions compress well),
each written atomically. An entry records the submission's content hash, the fingerprint of the run
(`run_key`: the sandbox's code, the limits, the budget, the data) and of the judging
(`judge_key`: the rubric, the grader's code, the expectations, the language). The next
batch over the same folder reuses an entry whose three keys still hold, judges the stored
observations again when only the judging changed, and runs the submission again only when
its content or the run changed or the rubric asks for a probe the stored run never answered.

Observations are stored by the signature of each probe request (its probe and parameters),
not by the request ids of one routing, so that a rubric whose checks were reordered, or
whose thresholds, points or messages changed, finds them again.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .i18n import _
from .judge.routing import Routing
from .load.submissions import IGNORED, Submission
from .observe.runner import CellOutcome, RunResult
from .report.files import write_atomic
from .score import CheckResult, QuestionResult, SubmissionResult

FORMAT = 1
STATE_DIR = ".dlgrade"
JOURNAL_DIR = Path(STATE_DIR) / "journal"
ENTRY_SUFFIX = ".json.gz"


def content_hash(path: Path) -> str:
    """The hash of a submission's files: one file's bytes, or every file of a folder with its
    relative path (caches and checkpoints of the notebook server left out)."""
    digest = hashlib.sha256()
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            relative = file.relative_to(path)
            if IGNORED & set(relative.parts[:-1]):
                continue
            digest.update(relative.as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    elif path.is_file():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(*parts: Any) -> str:
    """A short hash of JSON-able parts."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass
class Observation:
    """What one run observed, independent of the routing that asked for it."""

    answers: dict[str, dict[str, Any]]  # probe signature -> the child's record
    asked: list[str]  # every signature the run was asked, answered or not
    cells: list[dict[str, Any]]
    stdout: str
    stderr: str
    seconds: float
    stopped: str | None
    isolation: dict[str, bool]

    @classmethod
    def of(cls, run: RunResult, routing: Routing) -> Observation:
        signatures = routing.signatures()
        return cls(
            answers={signatures[pid]: record for pid, record in run.probes.items()},
            asked=sorted(signatures.values()),
            cells=[asdict(cell) for cell in run.cells],
            stdout=run.stdout,
            stderr=run.stderr,
            seconds=run.seconds,
            stopped=run.stopped,
            isolation=run.isolation,
        )

    def unasked(self, routing: Routing) -> set[str]:
        """The request ids of `routing` that this run was never asked."""
        asked = set(self.asked)
        return {pid for pid, sig in routing.signatures().items() if sig not in asked}

    def run_result(self, routing: Routing) -> RunResult:
        """The run as `routing` would have seen it."""
        return RunResult(
            cells=[CellOutcome(**cell) for cell in self.cells],
            probes={
                pid: self.answers[sig]
                for pid, sig in routing.signatures().items()
                if sig in self.answers
            },
            stdout=self.stdout,
            stderr=self.stderr,
            seconds=self.seconds,
            stopped=self.stopped,
            isolation=self.isolation,
        )


@dataclass
class Entry:
    """One student's latest graded submission."""

    student: str
    path: str
    content: str
    run_key: str
    judge_key: str
    result: SubmissionResult
    name: str | None = None
    intake_notes: list[str] = field(default_factory=list)
    submission: dict[str, Any] = field(default_factory=dict)  # see `submission_record`
    observation: Observation | None = None  # None: never run (unreadable, say)

    def stored_submission(self) -> Submission:
        """The submission as it was read, for judging again."""
        return Submission(
            student=self.student,
            path=Path(self.path),
            cells=list(self.submission.get("cells", [])),
            markdown=list(self.submission.get("markdown", [])),
            order=list(self.submission.get("order", [])),  # none in entries kept before it
            notebook=bool(self.submission.get("notebook", True)),
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["result"] = self.result.to_json()
        return {"format": FORMAT, **data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        data = dict(data)
        if data.pop("format", None) != FORMAT:
            raise ValueError(f"journal format is not {FORMAT}")
        observation = data.pop("observation")
        return cls(
            **{k: v for k, v in data.items() if k != "result"},
            result=result_from_json(data["result"]),
            observation=Observation(**observation) if observation else None,
        )


def submission_record(submission: Submission) -> dict[str, Any]:
    """What an entry keeps of a submission as it was read: its cells, its markdown, the
    order of a notebook's cells, whether it is a notebook, and why it could not be read."""
    return {
        "cells": submission.cells,
        "markdown": submission.markdown,
        "order": submission.order,
        "notebook": submission.notebook,
        "error": submission.error,
    }


def result_from_json(data: dict[str, Any]) -> SubmissionResult:
    """A `SubmissionResult` read back from its `to_json()`."""
    fields = {f.name for f in dataclasses.fields(SubmissionResult)}
    data = {k: v for k, v in data.items() if k in fields}  # not what `to_json` derives
    questions = [
        QuestionResult(**{**q, "checks": [CheckResult(**c) for c in q["checks"]]})
        for q in data.pop("questions")
    ]
    return SubmissionResult(**data, questions=questions)


class Journal:
    """The entries of one assignment's batch, one file per student under `folder`."""

    def __init__(self, out_dir: Path) -> None:
        self.folder = out_dir / JOURNAL_DIR
        self.problems: list[str] = []  # entries that could not be read, one line each

    def path(self, student: str) -> Path:
        return self.folder / f"{student}{ENTRY_SUFFIX}"

    def load(self) -> dict[str, Entry]:
        """Every readable entry by student; an unreadable one (a foreign or damaged file)
        is named in `problems` and graded again."""
        entries: dict[str, Entry] = {}
        if not self.folder.is_dir():
            return entries
        for file in sorted(self.folder.glob(f"*{ENTRY_SUFFIX}")):
            try:
                entry = Entry.from_json(json.loads(gzip.decompress(file.read_bytes())))
            except (OSError, EOFError, ValueError, TypeError, KeyError) as exc:
                problem = _("{file}: not a journal entry ({error}); its submission is graded again")
                error = f"{type(exc).__name__}: {exc}"
                self.problems.append(problem.format(file=file, error=error))
                continue
            entries[entry.student] = entry
        return entries

    def put(self, entry: Entry) -> None:
        """Keep `entry`, atomically: a reader sees the old entry or the new one."""
        text = json.dumps(entry.to_json(), ensure_ascii=False, allow_nan=True)
        write_atomic(self.path(entry.student), gzip.compress(text.encode(), compresslevel=1))

    def drop(self, student: str) -> None:
        self.path(student).unlink(missing_ok=True)
