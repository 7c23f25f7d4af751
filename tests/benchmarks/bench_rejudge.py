"""Benchmark: re-judging a stored class, and what the journal costs per submission.

The cnn-basics examples (submissions_example/cnn-basics, the unreadable ones included) are
graded once under the fast budget into a journal; their entries are then copied to make a
class of N students (default 100), as a batch of N distinct submissions would have left it.
Then a threshold of the rubric changes (Q4's tolerance) and the whole class is judged again
from the stored observations, as `grade rejudge OUT` does, with the sandbox's `run` replaced
by a function that fails: re-judging must run nothing.

Reported: the seconds to re-judge N stored submissions (and per submission), the seconds to
reload the journal, and per submission the journal's size on disk and the seconds to write
one entry (a JSON dump, fsync and rename).

    .venv/bin/python tests/benchmarks/bench_rejudge.py [--students 100] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from graders import engine
from graders.assignments import Assignment, get_assignment
from graders.batch import REJUDGE, Batch
from graders.engine import Grader, Options
from graders.journal import Entry, Journal
from graders.load.intake import Target

EXAMPLES = Path(__file__).resolve().parents[2] / "submissions_example" / "cnn-basics"


def with_tolerance(assignment: Assignment, rtol: float) -> Assignment:
    """`assignment` with cnn-basics Q4's value check at tolerance `rtol`: a rubric change
    that keeps every probe."""
    questions = []
    for question in assignment.rubric.questions:
        if question.id == "q4":
            checks = [
                c.model_copy(update={"rtol": rtol}) if c.id == "value" else c
                for c in question.checks
            ]
            question = question.model_copy(update={"checks": checks})
        questions.append(question)
    return dataclasses.replace(
        assignment, rubric=assignment.rubric.model_copy(update={"questions": questions})
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    options = Options(fast=True, data_dir=args.data_dir)
    assignment = get_assignment("cnn-basics")
    out = Path(tempfile.mkdtemp(prefix="dlgrade-bench-rejudge-"))
    try:
        examples = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".py", ".ipynb"))
        examples = [p for p in examples if p.stem != "infinite_loop"]
        started = time.monotonic()
        Batch(Grader(assignment, options), out).run([Target.of(p) for p in examples])
        print(f"graded {len(examples)} examples once in {time.monotonic() - started:.1f} s")

        journal = Journal(out)
        stored = list(journal.load().values())
        writes, sizes = [], []
        for i in range(args.students):
            entry: Entry = stored[i % len(stored)]
            copy = dataclasses.replace(entry, student=f"student{i:03d}")
            copy.result = dataclasses.replace(entry.result, student=copy.student)
            began = time.perf_counter()
            journal.put(copy)
            writes.append(time.perf_counter() - began)
            sizes.append(journal.path(copy.student).stat().st_size)
        for entry in stored:
            journal.drop(entry.student)

        def no_runs(*_args, **_kwargs):
            raise AssertionError("re-judging ran a submission")

        engine.run = no_runs
        began = time.perf_counter()
        batch = Batch(Grader(with_tolerance(assignment, 10.0), options), out)
        loaded = time.perf_counter() - began
        outcome, needs_run = batch.rejudge_stored()
        rejudged = outcome.count(REJUDGE)
        print(f"journal of {len(batch.entries)} students loaded in {loaded:.2f} s")
        print(
            f"re-judged {rejudged} of {len(batch.entries)} stored submissions in "
            f"{outcome.seconds:.2f} s ({outcome.seconds / max(1, rejudged) * 1000:.1f} ms each), "
            f"nothing run; {len(needs_run)} needing a new run"
        )
        print(
            f"journal per submission: median {statistics.median(sizes) / 1024:.0f} KiB "
            f"(max {max(sizes) / 1024:.0f} KiB), written in median "
            f"{statistics.median(writes) * 1000:.1f} ms (max {max(writes) * 1000:.1f} ms)"
        )
        print(json.dumps({"students": len(batch.entries), "rejudge_s": outcome.seconds}))
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
