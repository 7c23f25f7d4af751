"""One submission from file to result: load -> observe in the sandbox -> judge -> score.

`Grader` holds one assignment. Its expectations come from running the
reference through the same sandbox (cached on disk), or from a bundle.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .assignments import Assignment
from .data import DATASETS, DataError, DataRoot, resolve_data_root
from .i18n import _, language, ngettext
from .journal import Observation, content_hash, fingerprint
from .judge.routing import Routing, reference_seen, route
from .judge.verdict import GRADER_ERROR, PASS, RunView, Seen, Verdict, grader_error, not_graded
from .load import Submission, read_submission, with_entry
from .load.answers import answer_cells
from .load.submissions import student_id
from .observe.limits import Limits
from .observe.protocol import Plan
from .observe.runner import RunResult, run
from .rubric.models import Question
from .score import SubmissionResult, score_question
from .score.scoring import OUTPUT_KEPT

CHILD_SOURCES = Path(__file__).parent / "observe" / "child"
OBSERVE_CONTRACT = [
    Path(__file__).parent / "observe" / name
    for name in ("protocol.py", "locator.py", "runner.py", "limits.py", "landlock.py", "cgroup.py")
]

Expectations = dict[str, dict[str, dict[str, Any]]]  # "qid/cid" -> local name -> probe record

FAST_BUDGET = {"images": 8000, "epochs": 1, "test_images": 2000}
# Reference expectations never depend on training: the reference run that learns them
# skips every training loop.
NO_TRAINING = {"images": 0, "epochs": 0, "test_images": 0}


@dataclass(frozen=True)
class Options:
    """How to grade: which checks, how many at once, how long each may run."""

    public_only: bool = False
    workers: int = 1
    cell_timeout: float | None = None
    total_timeout: float | None = None
    cache_dir: Path | None = None
    data_dir: Path | None = None
    fast: bool = False
    checkpoint: str | None = None
    provided: Path | None = None  # a folder of course files copied into every run

    @property
    def budget(self) -> dict[str, int] | None:
        return FAST_BUDGET if self.fast else None


def default_cache_dir() -> Path:
    base = os.environ.get("GRADE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dlgrade"
    )
    return Path(base)


def _key(question: str, check: str) -> str:
    return f"{question}/{check}"


class Grader:
    """Grades submissions of one assignment."""

    def __init__(self, assignment: Assignment, options: Options | None = None) -> None:
        self.assignment = assignment
        self.options = options = options or Options()
        rubric = assignment.rubric
        self.rubric = rubric.public_only() if options.public_only else rubric
        self.data = DataRoot(resolve_data_root(options.data_dir))
        self.routing = route(self.rubric, predict=self._predict_options(options.budget))
        self._expectations: Expectations | None = assignment.expectations
        self._expectations_fault: tuple[str, str] | None = None  # learning them failed

    def _predict_options(self, budget: dict[str, int] | None) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if budget:
            extra["limit"] = budget["test_images"]
        if self.options.checkpoint:
            extra["checkpoint"] = self.options.checkpoint
        return extra

    def datasets(self) -> set[str]:
        """The datasets this rubric's checks need."""
        return {name for q in self.rubric.questions for c in q.checks for name in c.datasets()}

    def data_problems(self) -> dict[str, str]:
        """Datasets the rubric needs that the data root lacks, with the one-line fix."""
        problems = {}
        for name in sorted(self.datasets()):
            try:
                self.data.require(name)
            except DataError as exc:
                problems[name] = str(exc)
        return problems

    # -- running ------------------------------------------------------------

    def limits(self) -> Limits:
        configured = self.rubric.limits
        cell_timeout = configured.cell_timeout
        if self.options.fast and configured.fast_cell_timeout:
            cell_timeout = configured.fast_cell_timeout
        return Limits(
            cell_timeout=self.options.cell_timeout or cell_timeout,
            total_timeout=self.options.total_timeout or configured.total_timeout,
            probe_timeout=configured.probe_timeout,
            memory_mb=configured.memory_mb,
        )

    def observe(
        self, submission: Submission, routing: Routing, budget: dict[str, int] | None = None
    ) -> RunResult:
        limits = self.limits()
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        threads = max(1, (cores or 1) // max(1, self.options.workers))
        plan = Plan(
            cells=submission.cells,
            probes=routing.requests,
            seed=self.rubric.seed,
            cell_timeout=limits.cell_timeout,
            probe_timeout=limits.probe_timeout,
            threads=threads,
            notebook=submission.notebook,
            memory_mb=limits.memory_mb,
            data_root=str(self.data.public) if self.data.public.is_dir() else None,
            datasets={
                name: {"class": info.torchvision_class, "folder": info.folder}
                for name, info in DATASETS.items()
            },
            budget=budget,
        )
        provided = self.assignment.provided_files()
        if self.options.provided is not None:
            provided.append((self.options.provided, "."))
        return run(plan, limits, files_from=submission.folder, provided=provided)

    # -- expectations -------------------------------------------------------

    def _cache_path(self) -> Path:
        """Where the expectations are cached: keyed by what the reference run is asked (not
        the whole rubric, so that a change of points, thresholds or messages keeps them)."""
        reference = self.assignment.reference
        asked = route(self.rubric, student=False, reference=True)
        digest = hashlib.sha256()
        digest.update(
            json.dumps([asked.signatures(), sorted(asked.routes.items())], default=str).encode()
        )
        digest.update(json.dumps([self.rubric.seed, self.rubric.limits.model_dump()]).encode())
        digest.update(reference.read_bytes() if reference else b"")
        digest.update(_sandbox_fingerprint().encode())
        cache = self.options.cache_dir or default_cache_dir()
        return cache / "expectations" / f"{self.rubric.assignment}-{digest.hexdigest()[:16]}.json"

    # -- fingerprints of a stored grade (see graders.journal) -----------------

    def run_key(self) -> str:
        """What a run's observations depend on besides the submission and the probes asked:
        the sandbox's code, the limits, the budget, the run options and the data."""
        data = self.data.path / "dlgrade-data.json"
        return fingerprint(
            _sandbox_fingerprint(),
            self.limits(),
            self.rubric.seed,
            self.options.budget,
            self.options.checkpoint,
            _folder_fingerprint(self.options.provided),
            [_folder_fingerprint(path) for path, _ in self.assignment.provided_files()],
            data.read_text() if data.is_file() else None,
        )

    def judge_key(self) -> str:
        """What judging stored observations depends on: the run's key, the rubric, the
        grader's own code, the expectations and the language of the messages."""
        return fingerprint(
            self.run_key(),
            self.rubric.model_dump_json(),
            _code_fingerprint(),
            self._learnt_expectations(),
            self._expectations_fault is None,
            language(),
        )

    def expectations(self) -> Expectations:
        """Expected observations per check: from a bundle, the cache, or a reference run."""
        if self._expectations is not None:
            return self._expectations
        path = self._cache_path()
        if path.exists():
            self._expectations = json.loads(path.read_text())
            return self._expectations
        routing = route(self.rubric, student=False, reference=True)
        if not routing.requests:
            self._expectations = {}
            return self._expectations
        if self.assignment.reference is None:
            self._expectations = {}
            return self._expectations
        result = self.observe(read_submission(self.assignment.reference), routing, NO_TRAINING)
        self._expectations = self._collect(routing, result)
        if result.completed:
            from .report.files import write_atomic

            write_atomic(path, json.dumps(self._expectations))
        return self._expectations

    def _collect(self, routing: Routing, result: RunResult) -> Expectations:
        out: Expectations = {}
        for question in self.rubric.questions:
            for check in question.checks:
                seen = reference_seen(routing, (question.id, check.id), result.probes)
                if seen.records:
                    out[_key(question.id, check.id)] = seen.records
        return out

    def _learnt_expectations(self) -> Expectations:
        """`expectations()`, or {} once learning them failed: the failure is kept in
        `_expectations_fault` for every submission, and the reference is not run again."""
        if self._expectations_fault is None:
            try:
                return self.expectations()
            except Exception as exc:  # noqa: BLE001 - a grader error of every submission
                self._expectations_fault = (
                    _("learning the reference's expectations: {error}").format(
                        error=_describe(exc)
                    ),
                    traceback.format_exc(),
                )
        return {}

    # -- judging ------------------------------------------------------------

    def grade(self, submission: Submission) -> SubmissionResult:
        """Grade one read submission (see `grade_run`)."""
        return self.grade_run(submission)[0]

    def grade_run(self, submission: Submission) -> tuple[SubmissionResult, RunResult | None]:
        """Grade one read submission, with the run it was judged from (None where nothing
        ran). An unreadable one scores zero with its error. A failure of the grader's own code
        while learning the expectations, reading, running or judging it makes the result a
        grader error, with the traceback."""
        try:
            submission = with_entry(submission, self.rubric.entry)
        except Exception as exc:  # noqa: BLE001 - the reader's fault, not the student's
            return self._grader_failed(
                submission,
                _("reading the submission: {error}").format(error=_describe(exc)),
                traceback.format_exc(),
            ), None
        if submission.error:
            return self._unreadable(submission), None
        self._learnt_expectations()
        if self._expectations_fault is not None:
            return self._grader_failed(submission, *self._expectations_fault), None
        try:
            result = self.observe(submission, self.routing, self.options.budget)
        except Exception as exc:  # noqa: BLE001 - one submission's grader error, not the batch's
            return self._grader_failed(submission, _describe(exc), traceback.format_exc()), None
        return self._judged(submission, lambda: result), result

    def stale_questions(self, observation: Observation) -> list[str]:
        """The questions whose checks ask for a probe the stored run was never asked."""
        unasked = observation.unasked(self.routing)
        return [
            question.id
            for question in self.rubric.questions
            if any(
                pid in unasked
                for check in question.checks
                for pid in self.routing.routes.get((question.id, check.id), {}).values()
            )
        ]

    def rejudge(self, submission: Submission, observation: Observation) -> SubmissionResult:
        """Judge stored observations again, under this rubric, without running anything; the
        caller has made sure `stale_questions(observation)` is empty."""
        return self._judged(submission, lambda: observation.run_result(self.routing))

    def _judged(self, submission: Submission, run: Callable[[], RunResult]) -> SubmissionResult:
        """`submission` judged from the run `run` gives; a failure of the grader's own code
        (the expectations, or judging) makes the result a grader error, with the traceback."""
        expectations = self._learnt_expectations()
        if self._expectations_fault is not None:
            return self._grader_failed(submission, *self._expectations_fault)
        try:
            return self.judge(submission, run(), self.routing, expectations)
        except Exception as exc:  # noqa: BLE001 - one submission's grader error, not the batch's
            return self._grader_failed(submission, _describe(exc), traceback.format_exc())

    def judge(
        self,
        submission: Submission,
        result: RunResult,
        routing: Routing,
        expectations: Expectations,
    ) -> SubmissionResult:
        view = RunView(
            stdout=result.stdout,
            markdown=submission.markdown,
            stopped=result.stopped,
            test_labels=self._test_labels(),
            budget=self.options.budget,
            answer_cells=answer_cells(submission.cells),
        )
        problems = self.data_problems()
        questions = []
        for question in self.rubric.questions:
            verdicts = {}
            for check in question.checks:
                seen = routing.seen((question.id, check.id), result.probes)
                expected = Seen(expectations.get(_key(question.id, check.id), {}))
                missing_data = sorted(check.datasets() & set(problems))
                if missing_data:
                    verdicts[check.id] = not_graded(problems[missing_data[0]])
                    continue
                verdicts[check.id] = self._judge_one(check, seen, expected, view, result)
            verdicts = _void_values_without_work(question, _credit_inline_work(question, verdicts))
            questions.append(score_question(question, verdicts))
        notes = [
            _("cell {number}: {error}").format(number=c.index + 1, error=c.error)
            for c in result.cells
            if c.status not in ("ok", "not_run") and c.error
        ]
        notes += [
            _("cell {number}: {error}").format(number=c.index + 1, error=note)
            for c in result.cells
            for note in c.compat
        ]
        if result.stopped:
            notes.insert(0, _("stopped: {reason}").format(reason=result.stopped))
        return SubmissionResult(
            student=submission.student,
            path=str(submission.path),
            assignment=self.rubric.assignment,
            score=round(sum(q.score for q in questions), 4),
            max_score=self.rubric.max_score,
            questions=questions,
            notes=notes,
            seconds=result.seconds,
            cells=[
                {"index": c.index + 1, "status": c.status, "error": c.error, "seconds": c.seconds}
                for c in result.cells
            ],
            public_only=self.options.public_only,
            isolation=result.isolation,
            output=result.stdout[-OUTPUT_KEPT:],
            stopped=result.stopped,
        )

    def _test_labels(self) -> dict[str, Any]:
        return {
            name: self.data.test_labels(name)
            for name in self.datasets()
            if self.data.available(name)
        }

    @staticmethod
    def _judge_one(
        check: Any, seen: Seen, expected: Seen, view: RunView, result: RunResult
    ) -> Verdict:
        needs_reference = bool(check.reference_requests())
        if needs_reference and not expected.records:
            return not_graded(
                _("no expectation available: the reference solution did not provide it")
            )
        missing = [local for local in check.requests() if local not in seen.records]
        if missing and check.scored:
            reason = result.stopped or _("the run ended before the check could observe anything")
            return Verdict(0, _("not observed: {reason}").format(reason=reason))
        fault = seen.grader_fault()
        if fault is None and (reference_fault := expected.grader_fault()) is not None:
            fault = (
                _("the reference run's {fault}").format(fault=reference_fault[0]),
                reference_fault[1],
            )
        if fault is not None:
            return grader_error(*fault)
        try:
            return check.judge(seen, expected, view)
        except Exception as exc:  # noqa: BLE001 - whatever judging raises is the grader's
            return grader_error(
                _("judging: {error}").format(error=_describe(exc)), traceback.format_exc()
            )

    def _unreadable(self, submission: Submission) -> SubmissionResult:
        questions = [
            score_question(
                q,
                {
                    c.id: Verdict(0, _("not graded: the submission could not be read"))
                    for c in q.checks
                },
            )
            for q in self.rubric.questions
        ]
        return SubmissionResult(
            student=submission.student,
            path=str(submission.path),
            assignment=self.rubric.assignment,
            score=0.0,
            max_score=self.rubric.max_score,
            questions=questions,
            error=submission.error,
            public_only=self.options.public_only,
        )

    def _grader_failed(self, submission: Submission, error: str, trace: str) -> SubmissionResult:
        """The result of a submission the grader's own code failed on: every check a grader
        error, nothing scored, the error and its traceback kept for the TA."""
        verdicts = {
            q.id: {c.id: grader_error(error, trace) for c in q.checks}
            for q in self.rubric.questions
        }
        return SubmissionResult(
            student=submission.student,
            path=str(submission.path),
            assignment=self.rubric.assignment,
            score=0.0,
            max_score=self.rubric.max_score,
            questions=[score_question(q, verdicts[q.id]) for q in self.rubric.questions],
            public_only=self.options.public_only,
            grader_error=error,
            grader_traceback=trace,
        )

    def grade_paths(
        self, paths: Iterable[Path], done: Callable[[SubmissionResult], None] | None = None
    ) -> list[SubmissionResult]:
        """Grade many submissions, `workers` at a time; results keep the input order. A
        grader error on one submission is that submission's result; the batch goes on."""
        paths = list(paths)
        self._learnt_expectations()

        def one(path: Path) -> SubmissionResult:
            try:
                submission = read_submission(path)
            except Exception as exc:  # noqa: BLE001 - the reader's fault, not the student's
                submission = Submission(student=student_id(path), path=path)
                result = self._grader_failed(
                    submission,
                    _("reading the submission: {error}").format(error=_describe(exc)),
                    traceback.format_exc(),
                )
            else:
                result = self.grade(submission)
            if done:
                done(result)
            return result

        with ThreadPoolExecutor(max_workers=max(1, self.options.workers)) as pool:
            return list(pool.map(one, paths))

    def verify(self) -> SubmissionResult:
        """Grade the reference solution like a submission, learning expectations in the same run."""
        if self.assignment.reference is None:
            raise FileNotFoundError(
                f"{self.rubric.assignment}: no reference module "
                f"`reference/{self.rubric.reference}.py`"
            )
        submission = read_submission(self.assignment.reference)
        submission.student = "reference"
        routing = route(
            self.rubric,
            student=True,
            reference=True,
            predict=self._predict_options(self.options.budget),
        )
        try:
            result = self.observe(submission, routing, self.options.budget)
            self._expectations = self._collect(routing, result)
            return self.judge(submission, result, routing, self._expectations)
        except Exception as exc:  # noqa: BLE001 - reported as the grader error it is
            return self._grader_failed(submission, _describe(exc), traceback.format_exc())


def _sandbox_fingerprint() -> str:
    """The code and packages a run depends on: the child's sources, the probes' contract,
    the grader's version, torch and numpy."""
    parts = [__version__]
    for source in sorted([*CHILD_SOURCES.glob("*.py"), *OBSERVE_CONTRACT]):
        parts.append(hashlib.sha256(source.read_bytes()).hexdigest())
    for package in ("torch", "numpy"):
        try:
            parts.append(importlib.metadata.version(package))
        except importlib.metadata.PackageNotFoundError:
            parts.append("")
    return fingerprint(parts)


def _code_fingerprint() -> str:
    """The grader's own code and messages, which judging depends on."""
    package = Path(__file__).parent
    files = sorted([*package.rglob("*.py"), *package.rglob("*.po")])
    return fingerprint([hashlib.sha256(f.read_bytes()).hexdigest() for f in files])


def _folder_fingerprint(path: Path | None) -> str | None:
    return content_hash(path) if path is not None else None


def _credit_inline_work(question: Question, verdicts: dict[str, Verdict]) -> dict[str, Verdict]:
    """A function check that found no function takes the verdict of the checks it lists
    as `inline` when they all pass: the work was done inline, without a function."""
    out = dict(verdicts)
    for check in question.checks:
        shown = getattr(check, "inline", [])
        verdict = verdicts[check.id]
        if not shown or verdict.found or verdict.status == GRADER_ERROR:
            continue
        if all(verdicts[other].status == PASS for other in shown):
            done = ", ".join(f"`{other}`" for other in shown)
            problem = verdict.message.removeprefix(_("not found: {error}").split("{error}")[0])
            message = ngettext(
                "{problem}; the work is done inline: {done} is right",
                "{problem}; the work is done inline: {done} are right",
                len(shown),
            )
            out[check.id] = Verdict(1, message.format(problem=problem, done=done))
    return out


def _void_values_without_work(
    question: Question, verdicts: dict[str, Verdict]
) -> dict[str, Verdict]:
    """A value check whose `alongside` checks all earned nothing earns nothing either: a
    number alone (a printed ln 2, say) is no answer without the work that computes it."""
    out = dict(verdicts)
    for check in question.checks:
        others = getattr(check, "alongside", [])
        verdict = verdicts[check.id]
        if not others or verdict.fraction == 0:
            continue
        if all(verdicts[o].fraction == 0 and verdicts[o].status != GRADER_ERROR for o in others):
            named = ", ".join(f"`{o}`" for o in others)
            out[check.id] = Verdict(
                0,
                _("{message}; but no work of the question computes it ({named}: none)").format(
                    message=verdict.message, named=named
                ),
            )
    return out


def _describe(exc: BaseException) -> str:
    """An exception in one line: `Type: message`."""
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
