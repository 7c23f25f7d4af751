"""The `grade` command.

grade PATH... [--out DIR] [--roster FILE.csv] [--lang ko|en]
                                               grade submissions, folders or LMS .zip
                                               downloads; with --out, resumable (TA)
grade --self [PATH] [--assignment ID] [--bundle FILE]
                                               public checks only (student)
grade rejudge OUT                              judge a graded class again under the
                                               current rubrics, from stored observations
grade review OUT [--anonymous] [--port N]      score the written answers on a local page
grade review OUT --export FILE | --import FILE the TA's scores as CSV
grade verify [ID...] [--self]                  grade the reference solutions (CI)
grade answers ID --json                        the reference answers
grade list                                     assignments, questions, points
grade lint [RUBRIC...]                         validate rubrics
grade bundle ID -o FILE                        a self-check bundle for students
grade data status | prepare [--from DIR]       the datasets trained models are tested on
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from .assignments import Assignment, all_assignments, detect, get_assignment, rubrics_dir
from .batch import BATCH_FILE, REJUDGE, REUSE, RUN, Batch, load_options, no_class, save_options
from .bundle import BUNDLE_SUFFIX, find_bundle, read_bundle, write_bundle
from .data import DATASETS, DataError, DataRoot, prepare, resolve_data_root
from .engine import Grader, Options
from .i18n import LANGUAGES, _, speaking
from .journal import STATE_DIR
from .judge.verdict import Seen
from .load import discover, read_submission
from .load.intake import Roster, RosterError, RosterStudent, Target, intake, read_roster
from .report.class_reports import ClassReports
from .report.files import GRADER_ERRORS_LOG, write_atomic
from .report.progress import BatchProgress
from .report.table import print_checks, results_table
from .review.exchange import ExchangeError, export_csv, import_csv
from .review.marks import Reviews
from .review.server import serve_review
from .review.session import ReviewSession
from .review.store import StoreError
from .rubric import RubricError, load_rubric
from .score import SubmissionResult

UNPACKED_DIR = Path(STATE_DIR) / "unpacked"
COMMANDS = ("rejudge", "review", "verify", "answers", "list", "lint", "bundle", "data")
SANDBOX_NOTE = """\
sandbox: each submission runs in its own child process, cell by cell, with a
time limit per cell and per submission, an address-space cap and a file-size
cap, in a scratch folder that is also its HOME and TMPDIR. Everywhere: the
grader's packages cannot be imported, observations travel on a private pipe
whose records must follow the protocol (a forged one voids the run), expected
values and test labels never enter the child. With Linux Landlock (5.13+, no
privileges): only the scratch folder is writable, only Python, its packages,
system folders and the public data are readable (not the rubric, the
reference, other submissions or the labels); from Landlock ABI 4 no TCP, from
ABI 6 no signals to the grader. As root (or CAP_SYS_ADMIN): an empty network
namespace, a private /dev/shm, and a cgroup that caps processes and kills every
one of them at the end. Without these, connections are refused inside Python
only and the process tree is killed by session. results.json records which
barriers held for each submission, and `grade` names any that did not.
"""

EXIT_UNREADABLE = 1
EXIT_GRADER_ERROR = 3
EXIT_NOTE = """\
exit status: 0 when every submission was graded; {u} when some file could not be read
(it scores 0 with its error, the rest is graded); 2 for a wrong command, rubric or data
root; {g} when the grader's own code failed on some check: those checks are "grader
error", not the student's zero, the submission's total counts only the checks that were
graded, one line per affected submission is printed, and with --out DIR every traceback
is in DIR/{log}. {g} wins over {u}; `grade --self` and `grade verify` also exit with {g}
on a grader error.
""".format(u=EXIT_UNREADABLE, g=EXIT_GRADER_ERROR, log=GRADER_ERRORS_LOG)  # noqa: UP032

console = Console(highlight=False)
if not console.is_terminal:
    console.width = max(console.width, 160)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def _options(args: argparse.Namespace, public_only: bool = False) -> Options:
    fast = getattr(args, "budget", None) == "fast"
    if public_only and not getattr(args, "full", False):
        fast = True
    return Options(
        public_only=public_only,
        data_dir=Path(args.data_dir) if getattr(args, "data_dir", None) else None,
        fast=fast,
        checkpoint=getattr(args, "checkpoint", None),
        workers=getattr(args, "workers", 1) or 1,
        cell_timeout=getattr(args, "cell_timeout", None),
        total_timeout=getattr(args, "timeout", None),
        cache_dir=Path(args.cache_dir) if getattr(args, "cache_dir", None) else None,
        provided=getattr(args, "provided", None),
    )


def _folder(value: str) -> Path:
    """An argument that must name an existing folder."""
    if not Path(value).is_dir():
        raise argparse.ArgumentTypeError(f"{value}: not a folder; give the folder of course files")
    return Path(value).absolute()


def _grade_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grade",
        description="Grade PyTorch course submissions against YAML rubrics.",
        epilog="other commands: "
        + ", ".join(COMMANDS)
        + " (grade COMMAND --help)\n\n"
        + EXIT_NOTE
        + "\n"
        + SANDBOX_NOTE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="notebooks, modules, folders of them, or .zip downloads from the course's LMS",
    )
    parser.add_argument(
        "--self",
        dest="self_check",
        action="store_true",
        help="check your own work: public checks only",
    )
    parser.add_argument("--assignment", "-a", help="assignment id (default: detected)")
    parser.add_argument("--bundle", type=Path, help="self-check bundle to grade with")
    parser.add_argument(
        "--out", "-o", type=Path, help="write results.json, gradebook.csv, feedback/ here"
    )
    parser.add_argument("--workers", "-j", type=int, default=1, help="submissions at once")
    parser.add_argument("--cell-timeout", type=float, help="seconds per cell")
    parser.add_argument("--timeout", type=float, help="seconds per submission")
    parser.add_argument("--cache-dir", help="where reference expectations are cached")
    parser.add_argument("--details", action="store_true", help="show expected values (TA)")
    parser.add_argument(
        "--roster",
        type=Path,
        metavar="FILE.csv",
        help="the class list (columns id, and any of name, login, email, lms_id): matches "
        "submissions to students and lists those who submitted nothing",
    )
    _language_option(parser)
    _data_options(parser)
    parser.add_argument(
        "--full",
        action="store_true",
        help="with --self: train as written instead of under the fast budget",
    )
    parser.add_argument(
        "--provided",
        type=_folder,
        metavar="DIR",
        help="a folder of files the course handed out (helper modules, data), copied into "
        "every run before the submission's own files (a student's file of the same name wins)",
    )
    parser.add_argument(
        "--checkpoint",
        metavar="GLOB",
        help="test the state_dict saved in the submission's files matching GLOB "
        "(e.g. '*.pt') instead of the weights it trained",
    )
    return parser


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", help="data root (default: $GRADE_DATA_DIR, else ~/.cache/dlgrade/data)"
    )
    parser.add_argument(
        "--budget",
        choices=["full", "fast"],
        default=None,
        help="fast: cap every training loop at a few hundred batches and one "
        "pass, and test on 2000 images (the default of --self)",
    )


def _command_parser(name: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"grade {name}")
    if name == "rejudge":
        parser.add_argument("out", type=Path, help="the --out folder of an earlier `grade`")
        parser.add_argument("--cache-dir")
        _language_option(parser)
    elif name == "review":
        parser.add_argument("out", type=Path, help="the --out folder of an earlier `grade`")
        exchange = parser.add_mutually_exclusive_group()
        exchange.add_argument("--export", type=Path, metavar="FILE", help="write the scores as CSV")
        exchange.add_argument("--import", dest="import_", type=Path, metavar="FILE",
                              help="read scores from a CSV written by --export")  # fmt: skip
        parser.add_argument("--anonymous", action="store_true", help="hide names and ids")
        parser.add_argument("--port", type=int, default=0, help="default: any free port")
        parser.add_argument("--reviewer", default="", help="your name, kept with each score")
        parser.add_argument("--open", action="store_true", help="open the page in a browser")
        _language_option(parser)
    elif name == "verify":
        parser.add_argument("ids", nargs="*", help="assignments (default: all)")
        parser.add_argument("--cache-dir")
        parser.add_argument(
            "--self",
            dest="self_check",
            action="store_true",
            help="the public checks under the fast budget, as `grade --self` judges them",
        )
        _data_options(parser)
    elif name == "answers":
        parser.add_argument("id")
        parser.add_argument("--json", action="store_true", help="print JSON (the default)")
        parser.add_argument("--cache-dir")
    elif name == "lint":
        parser.add_argument("rubrics", nargs="*", type=Path, help="default: every rubric")
    elif name == "bundle":
        parser.add_argument("id")
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--cache-dir")
    elif name == "data":
        parser.add_argument("action", choices=["status", "prepare"])
        parser.add_argument(
            "--from",
            dest="source",
            type=Path,
            help="a local copy (e.g. ../shared/datasets); default: download",
        )
        parser.add_argument(
            "--only", nargs="*", choices=sorted(DATASETS), help="datasets to prepare (default: all)"
        )
        parser.add_argument("--data-dir")
    return parser


def _language_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="the language of feedback and reports (default: from the locale, e.g. LANG=ko_KR)",
    )


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run `grade` (SIGTERM stops it as Ctrl-C does: the runs in flight end, what was graded
    is kept)."""
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if in_main_thread else None
    try:
        return _main(argv)
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        args = _command_parser(argv[0]).parse_args(argv[1:])
        command = globals()[f"_cmd_{argv[0]}"]
    else:
        args = _grade_parser().parse_args(argv)
        command = _cmd_self if args.self_check else _cmd_grade
    with speaking(getattr(args, "lang", None)):
        try:
            return command(args)
        except (RubricError, DataError) as exc:
            for line in str(exc).splitlines():
                errors.print(_("[red]error:[/red] {line}").format(line=line), markup=True)
            return 2
        except KeyboardInterrupt:
            errors.print(
                _(
                    "interrupted: nothing half-written was left behind; with --out, the same "
                    "command goes on where this one stopped"
                )
            )
            return 130


def _choose(
    submission_path: Path, assignment_id: str | None, candidates: list[Assignment]
) -> Assignment:
    if assignment_id:
        for assignment in candidates:
            if assignment.id == assignment_id:
                return assignment
        known = ", ".join(a.id for a in candidates)
        raise RubricError(
            _("no assignment {id!r} (known: {known})").format(id=assignment_id, known=known)
        )
    return detect(read_submission(submission_path), candidates)


def _group_by_assignment(
    targets: list[Target], assignment_id: str | None, candidates: list[Assignment]
) -> dict[str, tuple[Assignment, list[Target]]]:
    """Submissions by assignment. One that cannot be told apart (unreadable, say) joins
    the assignment of the other submissions in its folder, so that it is graded, with its
    error, alongside them; with no such neighbour, its detection error stands."""
    groups: dict[str, tuple[Assignment, list[Target]]] = {}
    undetected: list[tuple[Target, RubricError]] = []
    folders: dict[Path, dict[str, int]] = {}
    for target in targets:
        try:
            assignment = _choose(target.path, assignment_id, candidates)
        except RubricError as exc:
            if assignment_id:
                raise
            undetected.append((target, exc))
            continue
        groups.setdefault(assignment.id, (assignment, []))[1].append(target)
        counts = folders.setdefault(target.path.parent, {})
        counts[assignment.id] = counts.get(assignment.id, 0) + 1
    for target, exc in undetected:
        neighbours = folders.get(target.path.parent)
        if not neighbours:
            raise exc
        groups[max(neighbours, key=neighbours.__getitem__)][1].append(target)
    for _assignment, group in groups.values():
        group.sort(key=lambda t: (t.student, str(t.path)))
    return groups


def _cmd_grade(args: argparse.Namespace) -> int:
    if not args.paths:
        _grade_parser().print_usage()
        errors.print(_("error: give submissions to grade, or --self, or a command"))
        return 2
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise RubricError(_("{path}: no such file or folder").format(path=missing[0]))
    roster = _read_roster(args.roster) if args.roster else None
    candidates = [read_bundle(args.bundle)] if args.bundle else all_assignments()
    with _unpacking_room(args.out) as scratch:
        taken = intake(args.paths, scratch, roster)
        for problem in taken.problems:
            errors.print(_("[red]error:[/red] {line}").format(line=escape(problem)), markup=True)
        if not taken.entries:
            raise RubricError(
                _("{path}: no .ipynb or .py submissions found").format(path=args.paths[0])
            )
        groups = _group_by_assignment(taken.entries, args.assignment, candidates)
        status = EXIT_UNREADABLE if taken.problems else 0
        for assignment, group in groups.values():
            out = None
            if args.out:
                out = args.out / assignment.id if len(groups) > 1 else args.out
            results, log = _grade_group(args, assignment, group, out, taken.missing)
            if _note_grader_errors(results, log):
                status = EXIT_GRADER_ERROR
            elif any(r.error for r in results) and status != EXIT_GRADER_ERROR:
                status = EXIT_UNREADABLE
    return status


def _read_roster(path: Path) -> Roster:
    try:
        return read_roster(path)
    except RosterError as exc:
        raise RubricError(str(exc)) from None


@contextmanager
def _unpacking_room(out: Path | None) -> Iterator[Path]:
    """Where archives are unpacked: under OUT, kept for `grade rejudge` and the next run
    (emptied first), else a temporary folder."""
    if out is None:
        with tempfile.TemporaryDirectory(prefix="dlgrade-unpacked-") as folder:
            yield Path(folder)
        return
    folder = out / UNPACKED_DIR
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    yield folder


def _class_reports(out: Path, grader: Grader, missing: list[dict[str, Any]]) -> ClassReports:
    """The reports of one assignment's class in `out`, the TA's scores of written answers
    applied where `grade review` has given some."""
    reviewed = Reviews(out, grader.rubric).apply
    return ClassReports.of_class(out, grader.rubric, missing, reviewed)


def _grade_group(
    args: argparse.Namespace,
    assignment: Assignment,
    targets: list[Target],
    out: Path | None,
    missing: list[RosterStudent],
) -> tuple[list[SubmissionResult], Path | None]:
    """Grade one assignment's targets (into `out`'s journal when given) and report them;
    return this batch's results and the grader-error log's path, if one was written."""
    options = _options(args)
    grader = Grader(assignment, options)
    question_ids = [q.id for q in grader.rubric.questions]
    if out is not None:
        absent = [asdict(student) for student in missing]
        save_options(out, assignment.id, options, absent)
        writer = _class_reports(out, grader, absent)
        batch = Batch(grader, out, on_change=writer.changed)
        for problem in batch.journal.problems:
            errors.print(_("warning: {line}").format(line=problem), markup=False)
    else:
        batch = Batch(grader, None)
    with BatchProgress(console, assignment.id) as progress:
        outcome = batch.run(targets, progress)
    shown = _reviewed(outcome.results, batch, writer if out is not None else None)
    console.print(results_table(assignment.id, question_ids, shown))
    if missing:
        console.print(
            _("no submission from {count} student(s) on the roster: {students}").format(
                count=len(missing), students=", ".join(s.id for s in missing)
            ),
            markup=False,
        )
    console.print(
        _(
            "{count} graded in {seconds:.1f} s ({ran} run, {rejudged} re-judged from stored "
            "observations, {unchanged} unchanged)"
        ).format(
            count=len(outcome.results),
            seconds=outcome.seconds,
            ran=outcome.count(RUN),
            rejudged=outcome.count(REJUDGE),
            unchanged=outcome.count(REUSE),
        )
    )
    _note_missing_isolation(outcome.results)
    log = None
    if out is not None:
        written = writer.finish(batch.entries)
        _note_pending_manual(writer.results(batch.entries), out)
        console.print(
            _(
                "wrote {out}: gradebook.csv, results.json, feedback/, summary.html, "
                "lms-import.csv and gradescope/"
            ).format(out=out)
        )
        log = next((p for p in written if p.name == GRADER_ERRORS_LOG), None)
    return outcome.results, log


def _reviewed(
    results: list[SubmissionResult], batch: Batch, reports: ClassReports | None
) -> list[SubmissionResult]:
    """`results` as the reports show them: with the TA's scores of written answers."""
    if reports is None:
        return results
    return [
        reports.reviewed(batch.entries[r.student]) if r.student in batch.entries else r
        for r in results
    ]


def _note_pending_manual(results: list[SubmissionResult], out: Path) -> None:
    """The totals that are provisional, and the command that makes them final."""
    pending = [r for r in results if r.pending_manual]
    if pending:
        console.print(
            _(
                "provisional totals: {count} submission(s) have written answers no TA has "
                "scored yet ({points:g} points); score them with `grade review {out}`"
            ).format(count=len(pending), points=sum(r.pending_manual for r in pending), out=out),
            markup=False,
        )


def _note_grader_errors(results: list[SubmissionResult], log: Path | None) -> bool:
    """One line per submission the grader's own code failed on; whether there was one."""
    affected = [r for r in results if r.faults()]
    where = (
        _("tracebacks in {log}").format(log=log)
        if log
        else _("grade with --out DIR for the tracebacks")
    )
    for result in affected:
        places = ", ".join(
            _("the whole submission ({error})").format(error=fault.error)
            if fault.place == "submission"
            else fault.place
            for fault in result.faults()
        )
        errors.print(
            _("[red]grader error:[/red] {student}: not graded: {places}; {where}").format(
                student=escape(result.student), places=escape(places), where=escape(where)
            ),
            markup=True,
        )
    return bool(affected)


def _note_missing_isolation(results: list[SubmissionResult]) -> None:
    """Name the sandbox barriers this machine could not put up (see `grade --help`)."""
    missing = sorted({k for r in results for k, held in r.isolation.items() if not held})
    if missing:
        errors.print(
            _(
                "note: not enforced on this machine: {barriers} (see `grade --help` for what "
                "each needs)"
            ).format(barriers=", ".join(missing))
        )


def _cmd_self(args: argparse.Namespace) -> int:
    target = args.paths[0] if args.paths else Path.cwd()
    if len(args.paths) > 1:
        raise RubricError(_("--self checks one submission: give one notebook, module or folder"))
    if target.is_dir():
        found = discover([target])
        if len(found) != 1:
            raise RubricError(
                _(
                    "{target}: found {count} submissions; give the notebook to check, e.g. "
                    "grade --self my_work.ipynb"
                ).format(target=target, count=len(found))
            )
        target = found[0]
    bundle = args.bundle or find_bundle(target.parent if target.is_file() else target)
    candidates = [read_bundle(bundle)] if bundle else all_assignments()
    assignment = _choose(target, args.assignment, candidates)
    grader = Grader(assignment, _options(args, public_only=True))
    checking = _("checking {name} against {assignment} (public checks)")
    with console.status(checking.format(name=target.name, assignment=assignment.id)):
        result = grader.grade(read_submission(target))
    if result.error:
        errors.print(_("[red]error:[/red] {line}").format(line=result.error), markup=True)
        return 1
    for note in result.notes:
        console.print(_("[yellow]note:[/yellow] {note}").format(note=note), markup=True)
    print_checks(console, result, show_detail=args.details)
    if result.faults():
        errors.print(
            _(
                "[red]grader error:[/red] {what}: a fault in the grader, not in your work; "
                "tell your TA"
            ).format(what=escape(result.incomplete())),
            markup=True,
        )
    if grader.options.budget and grader.datasets():
        from .judge.kinds.trained import describe_budget

        console.print(
            _("training ran {budget}; `grade --self --full` trains as written").format(
                budget=describe_budget(grader.options.budget)
            ),
            markup=False,
        )
    console.print(
        _(
            "[bold]public checks: {score:g} / {max:g}[/bold] ({seconds:.1f} s); hidden checks "
            "are graded by your TA"
        ).format(score=result.score, max=result.max_score, seconds=result.seconds),
        markup=True,
    )
    if result.faults():
        return EXIT_GRADER_ERROR
    return 0 if result.full_marks else 1


def _batch_folders(out: Path) -> list[Path]:
    """The batches graded into `out`: itself, or one sub-folder per assignment."""
    if (out / BATCH_FILE).is_file():
        return [out]
    found = sorted(p for p in out.iterdir() if (p / BATCH_FILE).is_file()) if out.is_dir() else []
    if not found:
        raise no_class(out)
    return found


def _cmd_rejudge(args: argparse.Namespace) -> int:
    status = 0
    for folder in _batch_folders(args.out):
        assignment_id, stored, missing = load_options(folder)
        options = Options(**stored, cache_dir=Path(args.cache_dir) if args.cache_dir else None)
        grader = Grader(get_assignment(assignment_id), options)
        question_ids = [q.id for q in grader.rubric.questions]
        batch = Batch(grader, folder)
        for problem in batch.journal.problems:
            errors.print(_("warning: {line}").format(line=problem), markup=False)
        with BatchProgress(console, assignment_id) as progress:
            outcome, needs_run = batch.rejudge_stored(progress)
        reports = _class_reports(folder, grader, missing)
        reports.finish(batch.entries)
        shown = _reviewed(outcome.results, batch, reports)
        console.print(results_table(assignment_id, question_ids, shown))
        console.print(
            _(
                "{assignment}: {rejudged} re-judged from stored observations, {unchanged} "
                "unchanged, nothing run ({seconds:.1f} s); wrote {folder}"
            ).format(
                assignment=assignment_id,
                rejudged=outcome.count(REJUDGE),
                unchanged=outcome.count(REUSE),
                seconds=outcome.seconds,
                folder=folder,
            )
        )
        for student, why in needs_run.items():
            errors.print(
                _(
                    "needs a new run: {student}: {why}; `grade SUBMISSIONS --out {folder}` "
                    "runs only these"
                ).format(student=student, why=why, folder=folder),
                markup=False,
            )
        if needs_run:
            status = 1
    return status


def _cmd_review(args: argparse.Namespace) -> int:
    folders = _batch_folders(args.out)
    if len(folders) > 1:
        raise RubricError(
            _("{out}: holds {count} assignments; review one of them: {folders}").format(
                out=args.out, count=len(folders), folders=", ".join(str(f) for f in folders)
            )
        )
    try:
        session = ReviewSession(folders[0], anonymous=args.anonymous)
    except StoreError as exc:
        raise RubricError(str(exc)) from None
    for problem in session.problems:
        errors.print(_("warning: {line}").format(line=problem), markup=False)
    if args.export:
        write_atomic(args.export, export_csv(session))
        console.print(_("wrote {file}").format(file=args.export), markup=False)
        return 0
    if args.import_:
        try:
            count = import_csv(session, args.import_, reviewer=args.reviewer)
        except ExchangeError as exc:
            raise RubricError(str(exc)) from None
        session.close()
        console.print(
            _("imported {count} score(s); the reports in {out} show them").format(
                count=count, out=folders[0]
            ),
            markup=False,
        )
        return 0
    return serve_review(session, args.port, args.reviewer, args.open, console)


def _cmd_verify(args: argparse.Namespace) -> int:
    assignments = [get_assignment(i) for i in args.ids] if args.ids else all_assignments()
    failed, faulty = [], []
    for assignment in assignments:
        grader = Grader(assignment, _options(args, public_only=args.self_check))
        with console.status(f"verifying {assignment.id}"):
            result = grader.verify()
        print_checks(console, result, show_detail=True)
        for note in result.notes:
            console.print(f"[yellow]note:[/yellow] {note}", markup=True)
        for deferred in assignment.rubric.deferred:
            console.print(f"not graded yet: {deferred.question}: {deferred.reason}")
        # A reference earns every automatic point; the written answers wait for a TA.
        full = result.auto_full_marks
        mark = _("[green]full marks[/green]") if full else _("[red]NOT full marks[/red]")
        if args.self_check:
            mark += " " + _("(public checks, fast budget)")
        console.print(
            _("[bold]{assignment}[/bold]: {score:g} / {max:g} {mark} ({seconds:.1f} s)").format(
                assignment=assignment.id,
                score=result.auto_score,
                max=result.auto_max,
                mark=mark,
                seconds=result.seconds,
            ),
            markup=True,
        )
        manual = round(result.max_score - result.auto_max, 4)
        if manual:
            console.print(
                _(
                    "{assignment}: manual points not part of verification: {points:g} (written "
                    "answers, scored by a TA with `grade review`)"
                ).format(assignment=assignment.id, points=manual),
                markup=False,
                soft_wrap=True,
            )
        for fault in result.faults():
            errors.print(f"grader error: {assignment.id}: {fault.place}: {fault.error}")
            errors.print(fault.traceback.rstrip(), markup=False, highlight=False)
        if result.faults():
            faulty.append(assignment.id)
        if not full:
            failed.append(assignment.id)
    if failed:
        errors.print(
            f"[red]reference solutions short of full marks:[/red] {', '.join(failed)}", markup=True
        )
    if faulty:
        errors.print(f"[red]grader errors in:[/red] {', '.join(faulty)}", markup=True)
        return EXIT_GRADER_ERROR
    return 1 if failed else 0


def answers(assignment: Assignment, options: Options | None = None) -> dict:
    """The reference answers of every check that has one, by question id."""
    grader = Grader(assignment, options or Options())
    expectations = grader.expectations()

    questions: dict[str, dict] = {}
    for question in grader.rubric.questions:
        for check in question.checks:
            found = check.answers(Seen(expectations.get(f"{question.id}/{check.id}", {})))
            if found:
                value = found["expected"] if list(found) == ["expected"] else found
                questions.setdefault(question.id, {})[check.id] = value
    return {"assignment": assignment.id, "questions": questions}


def _cmd_answers(args: argparse.Namespace) -> int:
    data = answers(get_assignment(args.id), _options(args))
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    for assignment in all_assignments():
        rubric = assignment.rubric
        points = _("{total:g} points: {auto:g} auto-graded, {manual:g} for the TA").format(
            total=rubric.max_score, auto=rubric.auto_max, manual=rubric.manual_max
        )
        console.print(f"[bold]{rubric.assignment}[/bold]  {escape(rubric.title)} ({points})")
        for question in rubric.questions:
            public = sum(c.points for c in question.checks if c.visibility == "public")
            shares = _("{public:g} public").format(public=public)
            if question.manual_points:
                shares += ", " + _("{manual:g} TA").format(manual=question.manual_points)
            console.print(
                f"  {question.id:<8} {question.points:>5g} pts  ({shares})  {question.title}",
                markup=False,
            )
        for deferred in rubric.deferred:
            console.print(
                f"  {deferred.question:<8}   not graded yet: {deferred.reason}", markup=False
            )
    return 0


def _cmd_lint(args: argparse.Namespace) -> int:
    paths = args.rubrics or sorted(rubrics_dir().glob("*.yaml"))
    problems = 0
    for path in paths:
        try:
            rubric = load_rubric(path)
        except RubricError as exc:
            problems += 1
            for line in str(exc).splitlines():
                errors.print(f"[red]error:[/red] {line}", markup=True)
            continue
        console.print(
            f"{path}: ok ({len(rubric.questions)} questions, {rubric.max_score:g} points)"
        )
    return 1 if problems else 0


def _cmd_bundle(args: argparse.Namespace) -> int:
    output = args.output
    if not output.name.endswith(BUNDLE_SUFFIX):
        raise RubricError(
            f"{output}: a bundle's name must end in {BUNDLE_SUFFIX} so that "
            f"`grade --self` finds it next to a notebook"
        )
    write_bundle(get_assignment(args.id), output, _options(args))
    console.print(f"wrote {output}: public checks of {args.id}, no reference code")
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    root = DataRoot(resolve_data_root(args.data_dir))
    if args.action == "prepare":
        started = time.monotonic()
        prepared = prepare(root, args.source, args.only, progress=console.print)
        console.print(
            f"prepared {', '.join(prepared)} in {root.path} ({time.monotonic() - started:.0f} s)"
        )
    console.print(f"data root: {root.path}")
    missing = 0
    for entry in root.status():
        if entry.present:
            console.print(f"  {entry.name:<14} present  {entry.size / 1e6:7.0f} MB  {entry.detail}")
        else:
            missing += 1
            console.print(
                f"  {entry.name:<14} missing  {entry.detail}: run `grade data prepare "
                f"--from DIR` (e.g. ../shared/datasets)",
                markup=False,
            )
    return 1 if missing and args.action == "status" else 0


__all__ = ["main", "answers", "write_atomic"]
