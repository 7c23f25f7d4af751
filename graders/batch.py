"""A class batch: grade each submission once, keep its result in the journal the moment it is
graded, and keep the gradebook current, so that an interrupted batch loses nothing and the
next run of the same command picks up where it stopped.

For each submission the batch decides, from the journal (see `graders.journal`):
- `reuse`: content, run and judging unchanged: the stored result stands;
- `rejudge`: only the judging changed (points, thresholds, messages, the grader's judging
  code): the stored observations are judged again, nothing runs;
- `run`: new, changed, stored with a grader error, or the rubric now asks for a probe the
  stored run never answered (`stale` names those questions).
"""

from __future__ import annotations

import contextvars
import json
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .engine import Grader, Options
from .i18n import _
from .journal import (
    STATE_DIR,
    Entry,
    Journal,
    Observation,
    content_hash,
    submission_record,
)
from .load import read_submission
from .load.intake import Target
from .load.submissions import Submission
from .observe.runner import RunResult, stop_all
from .rubric import RubricError
from .score import SubmissionResult

REUSE, REJUDGE, RUN = "reuse", "rejudge", "run"
BATCH_FILE = Path(STATE_DIR) / "batch.json"


@dataclass
class Step:
    """What the batch does with one target, and why."""

    target: Target
    action: str
    content: str
    stored: Entry | None = None
    stale: list[str] = field(default_factory=list)  # questions needing a new run


@dataclass
class Outcome:
    """What a batch did: results in the targets' order, and who was run, re-judged, reused."""

    results: list[SubmissionResult]
    actions: dict[str, str]  # student -> reuse / rejudge / run
    seconds: float

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions.values() if a == action)


class Progress(Protocol):
    """What a batch tells whoever watches it."""

    def start(self, total: int, done: int) -> None: ...
    def begin(self, student: str) -> None: ...
    def end(self, result: SubmissionResult, action: str) -> None: ...


class Batch:
    """Grades targets of one assignment into `out_dir`'s journal (or only in memory when
    `out_dir` is None), calling `on_change` with every entry after each one is kept."""

    def __init__(
        self,
        grader: Grader,
        out_dir: Path | None,
        on_change: Callable[[dict[str, Entry], str], None] | None = None,
    ) -> None:
        self.grader = grader
        self.journal = Journal(out_dir) if out_dir is not None else None
        self.entries: dict[str, Entry] = self.journal.load() if self.journal else {}
        self.on_change = on_change
        self.run_key = grader.run_key()
        self.judge_key = grader.judge_key()

    def plan(self, targets: Iterable[Target]) -> list[Step]:
        """The step each target takes, in order."""
        return [self._step(target) for target in targets]

    def _step(self, target: Target) -> Step:
        content = content_hash(target.path)
        stored = self.entries.get(target.student)
        if stored is None or stored.content != content:
            return Step(target, RUN, content, stored)
        return self._stored_step(target, stored)

    def _stored_step(self, target: Target, stored: Entry) -> Step:
        """The step of a target whose content is `stored`'s."""
        content = stored.content
        if stored.result.faults():
            return Step(target, RUN, content, stored)
        if stored.run_key != self.run_key:
            return Step(target, RUN, content, stored)
        if stored.judge_key == self.judge_key and stored.intake_notes == list(target.notes):
            return Step(target, REUSE, content, stored)
        if stored.observation is None:  # unreadable: judged again from its error alone
            unreadable = bool(stored.submission.get("error"))
            return Step(target, REJUDGE if unreadable else RUN, content, stored)
        stale = self.grader.stale_questions(stored.observation)
        return Step(target, RUN if stale else REJUDGE, content, stored, stale)

    def run(self, targets: list[Target], progress: Progress | None = None) -> Outcome:
        """Grade `targets`: reused and re-judged ones first (nothing runs), then the rest,
        `workers` at a time; each result is kept as soon as it is ready."""
        started = time.monotonic()
        steps = self.plan(targets)
        results: dict[str, SubmissionResult] = {}
        actions: dict[str, str] = {}
        if progress:
            progress.start(len(steps), 0)
        for step in steps:
            if step.action != RUN:
                results[step.target.student] = self._settled(step, progress)
                actions[step.target.student] = step.action
        to_run = [s for s in steps if s.action == RUN]
        with ThreadPoolExecutor(max_workers=max(1, self.grader.options.workers)) as pool:
            pending: dict[Future, Step] = {}
            queue = list(reversed(to_run))
            try:
                while queue or pending:
                    while queue and len(pending) < max(1, self.grader.options.workers):
                        step = queue.pop()
                        if progress:
                            progress.begin(step.target.student)
                        context = contextvars.copy_context()  # the language, for the worker
                        pending[pool.submit(context.run, self._graded, step.target)] = step
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        step = pending.pop(future)
                        submission, result, run = future.result()
                        entry = self._entry(step, submission, result, run)
                        self._keep(entry, step)
                        results[step.target.student], actions[step.target.student] = (
                            result,
                            RUN,
                        )
                        if progress:
                            progress.end(result, RUN)
            except BaseException:
                for future in pending:
                    future.cancel()
                stop_all()  # the runs in flight end now; nothing of theirs is kept
                raise
        ordered = [results[s.target.student] for s in steps]
        return Outcome(ordered, actions, time.monotonic() - started)

    def rejudge_stored(self, progress: Progress | None = None) -> tuple[Outcome, dict[str, str]]:
        """Judge every stored entry again under the grader's rubric without running anything,
        and without reading the submissions' files (they may be gone). Returns the outcome
        (`run`: needs a new run, which it did not get) and, by student, why an entry needs a
        new run (it keeps its stored result meanwhile)."""
        started = time.monotonic()
        results: dict[str, SubmissionResult] = {}
        actions: dict[str, str] = {}
        needs_run: dict[str, str] = {}
        if progress:
            progress.start(len(self.entries), 0)
        for student, stored in sorted(self.entries.items()):
            target = Target(Path(stored.path), student, stored.name, tuple(stored.intake_notes))
            step = self._stored_step(target, stored)
            actions[student] = step.action
            if step.action == RUN:  # its stored result stands meanwhile
                needs_run[student] = _why_run(stored, step, self.run_key)
                results[student] = stored.result
                if progress:
                    progress.end(stored.result, REUSE)
            else:
                results[student] = self._settled(step, progress)
        return Outcome(list(results.values()), actions, time.monotonic() - started), needs_run

    def _settled(self, step: Step, progress: Progress | None) -> SubmissionResult:
        """A step that runs nothing: its stored result kept, or judged again; kept."""
        if progress:
            progress.begin(step.target.student)
        entry = step.stored if step.action == REUSE else self._rejudged(step)
        assert entry is not None
        self._keep(entry, step)
        if progress:
            progress.end(entry.result, step.action)
        return entry.result

    def _graded(self, target: Target) -> tuple[Submission, SubmissionResult, RunResult | None]:
        submission = read_submission(target.path)
        submission.student = target.student
        result, run = self.grader.grade_run(submission)
        return submission, result, run

    def _rejudged(self, step: Step) -> Entry:
        stored = step.stored
        assert stored is not None
        submission = stored.stored_submission()
        submission.student = step.target.student
        if stored.observation is None:
            submission.error = stored.submission["error"]
            result = self.grader.grade_run(submission)[0]
        else:
            result = self.grader.rejudge(submission, stored.observation)
        return self._new_entry(step, result, stored.submission, stored.observation, stored.run_key)

    def _entry(
        self,
        step: Step,
        submission: Submission,
        result: SubmissionResult,
        run: RunResult | None,
    ) -> Entry:
        read = submission_record(submission)
        observation = Observation.of(run, self.grader.routing) if run is not None else None
        return self._new_entry(step, result, read, observation, self.run_key)

    def _new_entry(
        self,
        step: Step,
        result: SubmissionResult,
        submission: dict[str, Any],
        observation: Observation | None,
        run_key: str,
    ) -> Entry:
        """The journal entry of `step`'s target, judged now."""
        return Entry(
            student=step.target.student,
            path=str(step.target.path),
            content=step.content,
            run_key=run_key,
            judge_key=self.judge_key,
            result=result,
            name=step.target.name,
            intake_notes=list(step.target.notes),
            submission=submission,
            observation=observation,
        )

    def _keep(self, entry: Entry, step: Step) -> None:
        entry.result.notes = [*step.target.notes, *_own_notes(entry.result, step.stored)]
        self.entries[entry.student] = entry
        if self.journal is not None and step.action != REUSE:
            self.journal.put(entry)
        if self.on_change is not None:
            self.on_change(self.entries, entry.student)


def _why_run(stored: Entry, step: Step, run_key: str) -> str:
    """Why a stored entry cannot be judged again without a new run, in one line."""
    if stored.result.faults():
        return _("it was stored with a grader error")
    if stored.run_key != run_key:
        return _("the sandbox's code, the limits, the budget or the data changed")
    if step.stale:
        return _("new probes for {questions}").format(questions=", ".join(step.stale))
    return _("it was never run")


def _own_notes(result: SubmissionResult, stored: Entry | None) -> list[str]:
    """The result's notes without the intake notes an earlier batch put first."""
    earlier = set(stored.intake_notes) if stored else set()
    return [note for note in result.notes if note not in earlier]


def save_options(
    out_dir: Path, assignment: str, options: Options, missing: list[dict[str, str | None]]
) -> None:
    """Keep what a batch ran with, for `grade rejudge`: the options, and the roster's
    students who handed nothing in (`id`, `name`)."""
    from .report.files import write_atomic

    data = {
        "assignment": assignment,
        "options": {
            "fast": options.fast,
            "checkpoint": options.checkpoint,
            "cell_timeout": options.cell_timeout,
            "total_timeout": options.total_timeout,
            "data_dir": str(options.data_dir) if options.data_dir else None,
            "provided": str(options.provided) if options.provided else None,
        },
        "missing": missing,
    }
    write_atomic(out_dir / BATCH_FILE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def no_class(out: Path) -> RubricError:
    """The error for a folder that holds no graded class, with the fix."""
    return RubricError(
        _(
            "{out}: no graded class here (no {file}); grade it first with "
            "`grade SUBMISSIONS --out {out}`"
        ).format(out=out, file=BATCH_FILE)
    )


def load_options(out_dir: Path) -> tuple[str, dict[str, Any], list[dict[str, str | None]]]:
    """The assignment, options and missing students a batch in `out_dir` ran with; a
    missing or damaged record is a `RubricError` naming the file and the fix."""
    file = out_dir / BATCH_FILE
    if not file.is_file():
        raise no_class(out_dir)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        options = data["options"]
        for key in ("data_dir", "provided"):
            if options.get(key):
                options[key] = Path(options[key])
        return data["assignment"], options, data.get("missing", [])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RubricError(
            _(
                "{file}: not a batch record ({error}); grade the class again with "
                "`grade SUBMISSIONS --out {out}`"
            ).format(file=file, error=type(exc).__name__, out=out_dir)
        ) from None
