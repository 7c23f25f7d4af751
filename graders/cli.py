"""The `grade` command.

grade PATH... [--assignment ID] [--out DIR]    grade submissions (TA)
grade --self [PATH] [--assignment ID] [--bundle FILE]
                                               public checks only (student)
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
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from .assignments import Assignment, all_assignments, detect, get_assignment, rubrics_dir
from .bundle import BUNDLE_SUFFIX, find_bundle, read_bundle, write_bundle
from .data import DATASETS, DataError, DataRoot, prepare, resolve_data_root
from .engine import Grader, Options
from .judge.verdict import Seen
from .load import discover, read_submission
from .report.files import GRADER_ERRORS_LOG, write_atomic, write_reports
from .report.table import print_checks, results_table
from .rubric import RubricError, load_rubric
from .score import SubmissionResult

COMMANDS = ("verify", "answers", "list", "lint", "bundle", "data")
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
        "paths", nargs="*", type=Path, help="notebooks, modules, or folders of them"
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
    if name == "verify":
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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            args = _command_parser(argv[0]).parse_args(argv[1:])
            return globals()[f"_cmd_{argv[0]}"](args)
        args = _grade_parser().parse_args(argv)
        return _cmd_self(args) if args.self_check else _cmd_grade(args)
    except (RubricError, DataError) as exc:
        for line in str(exc).splitlines():
            errors.print(f"[red]error:[/red] {line}", markup=True)
        return 2
    except KeyboardInterrupt:
        errors.print("interrupted: nothing half-written was left behind")
        return 130


def _choose(
    submission_path: Path, assignment_id: str | None, candidates: list[Assignment]
) -> Assignment:
    if assignment_id:
        for assignment in candidates:
            if assignment.id == assignment_id:
                return assignment
        known = ", ".join(a.id for a in candidates)
        raise RubricError(f"no assignment {assignment_id!r} (known: {known})")
    return detect(read_submission(submission_path), candidates)


def _group_by_assignment(
    paths: list[Path], assignment_id: str | None, candidates: list[Assignment]
) -> dict[str, tuple[Assignment, list[Path]]]:
    """Submissions by assignment. One that cannot be told apart (unreadable, say) joins
    the assignment of the other submissions in its folder, so that it is graded, with its
    error, alongside them; with no such neighbour, its detection error stands."""
    groups: dict[str, tuple[Assignment, list[Path]]] = {}
    undetected: list[tuple[Path, RubricError]] = []
    folders: dict[Path, dict[str, int]] = {}
    for path in paths:
        try:
            assignment = _choose(path, assignment_id, candidates)
        except RubricError as exc:
            if assignment_id:
                raise
            undetected.append((path, exc))
            continue
        groups.setdefault(assignment.id, (assignment, []))[1].append(path)
        counts = folders.setdefault(path.parent, {})
        counts[assignment.id] = counts.get(assignment.id, 0) + 1
    for path, exc in undetected:
        neighbours = folders.get(path.parent)
        if not neighbours:
            raise exc
        groups[max(neighbours, key=neighbours.__getitem__)][1].append(path)
    for _, group in groups.values():
        group.sort()
    return groups


def _cmd_grade(args: argparse.Namespace) -> int:
    if not args.paths:
        _grade_parser().print_usage()
        errors.print("error: give submissions to grade, or --self, or a command")
        return 2
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise RubricError(f"{missing[0]}: no such file or folder")
    candidates = [read_bundle(args.bundle)] if args.bundle else all_assignments()
    paths = discover(args.paths)
    if not paths:
        raise RubricError(f"{args.paths[0]}: no .ipynb or .py submissions found")
    groups = _group_by_assignment(paths, args.assignment, candidates)
    status = 0
    for assignment, group in groups.values():
        grader = Grader(assignment, _options(args))
        started = time.monotonic()
        with console.status(f"grading {len(group)} {assignment.id} submission(s)"):
            results = grader.grade_paths(group)
        question_ids = [q.id for q in grader.rubric.questions]
        console.print(results_table(assignment.id, question_ids, results))
        console.print(f"{len(results)} graded in {time.monotonic() - started:.1f} s")
        _note_missing_isolation(results)
        log = None
        if args.out:
            out = args.out / assignment.id if len(groups) > 1 else args.out
            written = write_reports(out, assignment.id, question_ids, results)
            console.print(f"wrote {out}/results.json, gradebook.csv and feedback/")
            log = next((p for p in written if p.name == GRADER_ERRORS_LOG), None)
        if _note_grader_errors(results, log):
            status = EXIT_GRADER_ERROR
        elif any(r.error for r in results) and status != EXIT_GRADER_ERROR:
            status = EXIT_UNREADABLE
    return status


def _note_grader_errors(results: list[SubmissionResult], log: Path | None) -> bool:
    """One line per submission the grader's own code failed on; whether there was one."""
    affected = [r for r in results if r.faults()]
    where = f"tracebacks in {log}" if log else "grade with --out DIR for the tracebacks"
    for result in affected:
        places = ", ".join(
            f"the whole submission ({fault.error})" if fault.place == "submission" else fault.place
            for fault in result.faults()
        )
        errors.print(
            f"[red]grader error:[/red] {escape(result.student)}: not graded: {escape(places)}; "
            f"{escape(where)}",
            markup=True,
        )
    return bool(affected)


def _note_missing_isolation(results: list[SubmissionResult]) -> None:
    """Name the sandbox barriers this machine could not put up (see `grade --help`)."""
    missing = sorted({k for r in results for k, held in r.isolation.items() if not held})
    if missing:
        errors.print(
            f"note: not enforced on this machine: {', '.join(missing)} "
            f"(see `grade --help` for what each needs)"
        )


def _cmd_self(args: argparse.Namespace) -> int:
    target = args.paths[0] if args.paths else Path.cwd()
    if len(args.paths) > 1:
        raise RubricError("--self checks one submission: give one notebook, module or folder")
    if target.is_dir():
        found = discover([target])
        if len(found) != 1:
            raise RubricError(
                f"{target}: found {len(found)} submissions; give the notebook "
                f"to check, e.g. grade --self my_work.ipynb"
            )
        target = found[0]
    bundle = args.bundle or find_bundle(target.parent if target.is_file() else target)
    candidates = [read_bundle(bundle)] if bundle else all_assignments()
    assignment = _choose(target, args.assignment, candidates)
    grader = Grader(assignment, _options(args, public_only=True))
    with console.status(f"checking {target.name} against {assignment.id} (public checks)"):
        result = grader.grade(read_submission(target))
    if result.error:
        errors.print(f"[red]error:[/red] {result.error}", markup=True)
        return 1
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}", markup=True)
    print_checks(console, result, show_detail=args.details)
    if result.faults():
        errors.print(
            f"[red]grader error:[/red] {escape(result.incomplete())}: a fault in the grader, "
            f"not in your work; tell your TA",
            markup=True,
        )
    if grader.options.budget and grader.datasets():
        from .judge.kinds.trained import describe_budget

        console.print(
            f"training ran {describe_budget(grader.options.budget)}; "
            f"`grade --self --full` trains as written",
            markup=False,
        )
    console.print(
        f"[bold]public checks: {result.score:g} / {result.max_score:g}[/bold] "
        f"({result.seconds:.1f} s); hidden checks are graded by your TA",
        markup=True,
    )
    if result.faults():
        return EXIT_GRADER_ERROR
    return 0 if result.full_marks else 1


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
        mark = "[green]full marks[/green]" if result.full_marks else "[red]NOT full marks[/red]"
        if args.self_check:
            mark += " (public checks, fast budget)"
        console.print(
            f"[bold]{assignment.id}[/bold]: {result.score:g} / {result.max_score:g} "
            f"{mark} ({result.seconds:.1f} s)",
            markup=True,
        )
        for fault in result.faults():
            errors.print(f"grader error: {assignment.id}: {fault.place}: {fault.error}")
            errors.print(fault.traceback.rstrip(), markup=False, highlight=False)
        if result.faults():
            faulty.append(assignment.id)
        if not result.full_marks:
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
        console.print(
            f"[bold]{rubric.assignment}[/bold]  {rubric.title} "
            f"({rubric.max_score:g} points auto-graded)",
            markup=True,
        )
        for question in rubric.questions:
            public = sum(c.points for c in question.checks if c.visibility == "public")
            console.print(
                f"  {question.id:<8} {question.points:>5g} pts  "
                f"({public:g} public)  {question.title}",
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
