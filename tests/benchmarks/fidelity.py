"""Benchmark: how often the grader agrees with a TA's labels on a labelled corpus.

Each `labels.yaml` names submissions (paths relative to it) and labels every question
with automatic points: `correct` (a TA gives >= 90% of those points), `partial`,
`wrong` (attempted, <= 10%) or `missing` (not attempted; a question left out of an
entry counts as missing). The submissions are graded through the library under the
fast budget, as `grade --budget fast` does, and a question's grade is the fraction of its
automatic points earned (its scored checks'; the points of written answers are a TA's to
give, and a question with no automatic points is not counted). A label agrees with that
fraction when

    correct   fraction >= 0.9
    partial   0.1 < fraction < 0.9
    wrong     fraction <= 0.1
    missing   fraction <= 0.1

Agreement is printed for attempted questions (correct, partial, wrong) and for not
attempted ones (missing), per assignment and overall, then every disagreement with its
checks' status, score and message. A question any of whose checks ended in a grader
error is a disagreement, listed apart. Entries marked `data: real` are graded only
when --data-dir is given (it must point at the real datasets).

    .venv/bin/python tests/benchmarks/fidelity.py CORPUS [LABELS ...] [-j 2]
                     [--data-dir DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graders.assignments import get_assignment
from graders.engine import Grader, Options
from graders.score import QuestionResult, SubmissionResult

LABELS = ("correct", "partial", "wrong", "missing")
ATTEMPTED = ("correct", "partial", "wrong")
GRADER_ERROR = "grader_error"
LABELS_FILE = "labels.yaml"


class LabelsError(ValueError):
    """A labels file that cannot be read as the corpus format."""


def agrees(label: str, fraction: float) -> bool:
    """Whether a TA's label agrees with the fraction of the points the grader gave."""
    if label == "correct":
        return fraction >= 0.9
    if label == "partial":
        return 0.1 < fraction < 0.9
    if label in ("wrong", "missing"):
        return fraction <= 0.1
    raise ValueError(f"unknown label {label!r} (use one of {', '.join(LABELS)})")


@dataclass
class Entry:
    """One labelled submission."""

    path: Path
    assignment: str
    labels: dict[str, tuple[str, str]]  # question id -> (label, reason)
    real_data: bool = False
    style: str = ""


@dataclass
class Disagreement:
    submission: str
    assignment: str
    question: str
    label: str
    reason: str
    fraction: float
    score: float  # of the automatic checks, as `max_score`
    max_score: float
    grader_error: bool
    checks: list[dict[str, Any]]


@dataclass
class Tally:
    """Agreements over attempted and not-attempted questions."""

    attempted: int = 0
    attempted_agree: int = 0
    missing: int = 0
    missing_agree: int = 0

    def add(self, label: str, agree: bool) -> None:
        if label == "missing":
            self.missing += 1
            self.missing_agree += agree
        else:
            self.attempted += 1
            self.attempted_agree += agree

    def rates(self) -> tuple[float | None, float | None]:
        """Agreement on attempted and on not-attempted questions (None where there are none)."""
        return (
            self.attempted_agree / self.attempted if self.attempted else None,
            self.missing_agree / self.missing if self.missing else None,
        )


@dataclass
class Report:
    """The figures of one benchmark run."""

    assignments: dict[str, Tally] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # submission -> run time
    # submission -> question -> [label, fraction graded]
    grades: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.assignments.values():
            total.attempted += tally.attempted
            total.attempted_agree += tally.attempted_agree
            total.missing += tally.missing
            total.missing_agree += tally.missing_agree
        return total

    def to_json(self) -> dict[str, Any]:
        def figures(tally: Tally) -> dict[str, Any]:
            attempted, missing = tally.rates()
            return {**asdict(tally), "attempted_rate": attempted, "missing_rate": missing}

        return {
            "assignments": {a: figures(t) for a, t in sorted(self.assignments.items())},
            "overall": figures(self.overall),
            "disagreements": [asdict(d) for d in self.disagreements],
            "skipped": self.skipped,
            "seconds": self.seconds,
            "grades": self.grades,
        }


# -- reading labels ---------------------------------------------------------


def read_labels(path: Path) -> list[Entry]:
    """The entries of one labels file; raises `LabelsError` naming the file and the fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LabelsError(f"{path}: cannot read the labels ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("submissions"), dict):
        raise LabelsError(f"{path}: expected a mapping with `submissions:`; see the format")
    default = data.get("assignment")
    entries = []
    for name, spec in data["submissions"].items():
        where = f"{path}: submission {name!r}"
        if not isinstance(spec, dict):
            raise LabelsError(f"{where}: expected a mapping with `questions:`")
        assignment = spec.get("assignment", default)
        if not assignment:
            raise LabelsError(f"{where}: no assignment; add `assignment:` to it or the file")
        target = path.parent / name
        if not target.exists():
            raise LabelsError(f"{where}: no such file or folder {target}")
        labels = {}
        for qid, value in (spec.get("questions") or {}).items():
            if not isinstance(value, list) or not value or value[0] not in LABELS:
                raise LabelsError(
                    f"{where}, question {qid}: expected [LABEL, reason] with LABEL one of "
                    f"{', '.join(LABELS)}"
                )
            labels[str(qid)] = (value[0], str(value[1]) if len(value) > 1 else "")
        data_kind = spec.get("data", "synthetic")
        if data_kind not in ("synthetic", "real"):
            raise LabelsError(f"{where}: `data:` must be synthetic or real, not {data_kind!r}")
        entries.append(
            Entry(
                path=target,
                assignment=str(assignment),
                labels=labels,
                real_data=data_kind == "real",
                style=str(spec.get("style", "")),
            )
        )
    return entries


def find_labels(corpus: Path) -> list[Path]:
    """Every labels file under the corpus folder, in path order."""
    return sorted(corpus.rglob(LABELS_FILE))


# -- comparing --------------------------------------------------------------


def _automatic(question: QuestionResult) -> tuple[float, float]:
    """The points a question's scored checks earned and could earn (its written answers,
    scored by a TA, are left out)."""
    scored = [c for c in question.checks if c.scored]
    return sum(c.score for c in scored), sum(c.max_score for c in scored)


def compare(entry: Entry, result: SubmissionResult, report: Report, root: Path) -> None:
    """Add one graded submission's agreements and disagreements to the report."""
    tally = report.assignments.setdefault(entry.assignment, Tally())
    shown = _shown(entry.path, root)
    report.seconds[shown] = round(result.seconds, 1)
    grades = report.grades.setdefault(shown, {})
    automatic = {q.id: _automatic(q) for q in result.questions}
    graded = {q.id: q for q in result.questions if automatic[q.id][1] > 0}
    unknown = sorted(set(entry.labels) - {q.id for q in result.questions})
    if unknown:
        raise LabelsError(
            f"{entry.path}: no question {unknown[0]!r} in {entry.assignment}'s rubric"
        )
    for qid, question in graded.items():
        label, reason = entry.labels.get(qid, ("missing", "not labelled"))
        score, max_score = automatic[qid]
        fraction = score / max_score
        grades[qid] = [label, round(fraction, 3)]
        grader_error = any(c.status == GRADER_ERROR for c in question.checks)
        agree = agrees(label, fraction) and not grader_error
        tally.add(label, agree)
        if agree:
            continue
        report.disagreements.append(
            Disagreement(
                submission=shown,
                assignment=entry.assignment,
                question=qid,
                label=label,
                reason=reason,
                fraction=round(fraction, 3),
                score=round(score, 4),
                max_score=max_score,
                grader_error=grader_error,
                checks=[
                    {"id": c.id, "status": c.status, "score": c.score,
                     "max_score": c.max_score, "message": c.message}
                    for c in question.checks
                    if c.scored
                ],
            )
        )


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# -- running ----------------------------------------------------------------


def run_benchmark(
    corpus: Path,
    labels_files: Iterable[Path] | None = None,
    workers: int = 2,
    data_dir: Path | None = None,
) -> Report:
    """Grade every labelled submission and compare the grades with the labels."""
    files = list(labels_files) if labels_files else find_labels(corpus)
    if not files:
        raise LabelsError(f"{corpus}: no {LABELS_FILE} found")
    entries = [entry for path in files for entry in read_labels(path)]
    report = Report()
    by_assignment: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.real_data and data_dir is None:
            report.skipped.append(_shown(entry.path, corpus))
            continue
        by_assignment.setdefault(entry.assignment, []).append(entry)
    for assignment_id, group in sorted(by_assignment.items()):
        options = Options(fast=True, workers=workers, data_dir=data_dir)
        grader = Grader(get_assignment(assignment_id), options)
        results = grader.grade_paths([entry.path for entry in group])
        for entry, result in zip(group, results):
            compare(entry, result, report, corpus)
    return report


def _percent(agree: int, total: int) -> str:
    return f"{agree}/{total} ({100 * agree / total:.1f}%)" if total else "-"


def format_report(report: Report) -> str:
    """The figures and every disagreement, as text."""
    lines = [f"{'assignment':<20} {'attempted':>18} {'not attempted':>18}"]
    rows = sorted(report.assignments.items()) + [("overall", report.overall)]
    for name, tally in rows:
        lines.append(
            f"{name:<20} {_percent(tally.attempted_agree, tally.attempted):>18} "
            f"{_percent(tally.missing_agree, tally.missing):>18}"
        )
    for title, grader_error in (("disagreements", False), ("grader errors", True)):
        listed = [d for d in report.disagreements if d.grader_error == grader_error]
        if not listed:
            continue
        lines += ["", f"{title} ({len(listed)}):"]
        for d in listed:
            lines.append(
                f"- {d.submission} {d.question}: labelled {d.label} ({d.reason}); "
                f"graded {d.score:g}/{d.max_score:g} = {d.fraction:.2f}"
            )
            for check in d.checks:
                lines.append(
                    f"    {check['id']}: {check['status']} {check['score']:g}/"
                    f"{check['max_score']:g} {check['message']}"
                )
    if report.skipped:
        lines += ["", "not graded (need --data-dir with the real data): "
                  + ", ".join(report.skipped)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of labelled submissions")
    parser.add_argument("labels", nargs="*", type=Path, help="labels files (default: all)")
    parser.add_argument("-j", "--workers", type=int, default=2, help="submissions at once")
    parser.add_argument("--data-dir", type=Path, help="the real data root")
    parser.add_argument("--json", type=Path, help="write the figures and disagreements here")
    args = parser.parse_args(argv)
    try:
        report = run_benchmark(args.corpus, args.labels, args.workers, args.data_dir)
    except LabelsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
