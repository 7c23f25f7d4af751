"""Benchmark: the review page over a class of N students (default 100).

The midterm examples (submissions_example/midterm-2022) are graded once into a journal;
their entries are copied to make a class of N students, as a batch would have left it.
Then, as `grade review OUT` does, without a browser:

- opening the class (journal read, the answers to review listed);
- finding every answer once (what the page's first pass over the class costs);
- the page's list request (`/api/items`: every answer's state, the count left);
- one answer's request (`/api/items/<n>`);
- saving one score (its own SQLite transaction), median over 50 saves;
- rewriting every report with the marks applied (what follows a burst of saves).

    .venv/bin/python tests/benchmarks/bench_review.py [--students 100] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from graders.cli import main as grade
from graders.journal import Journal
from graders.review.server import TOKEN_HEADER, ReviewServer
from graders.review.session import ReviewSession

EXAMPLES = Path(__file__).resolve().parents[2] / "submissions_example" / "midterm-2022"


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def get(server: ReviewServer, path: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}")
    request.add_header(TOKEN_HEADER, server.token)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-review-") as folder:
        out = Path(folder) / "out"
        extra = ["--data-dir", str(args.data_dir)] if args.data_dir else []
        grade([str(EXAMPLES), "--out", str(out), "--budget", "fast", "-j", "2", *extra])
        journal = Journal(out)
        graded = [e for e in journal.load().values() if e.result.error is None]
        for number in range(args.students):
            entry = graded[number % len(graded)]
            student = f"s{number:04d}"
            result = dataclasses.replace(entry.result, student=student)
            journal.put(dataclasses.replace(entry, student=student, result=result))
        for entry in graded:
            journal.drop(entry.student)
        shutil.rmtree(out / "feedback", ignore_errors=True)

        opened, session = timed(lambda: ReviewSession(out))
        found, _ = timed(lambda: [session.answer(item) for item in session.items])
        server = ReviewServer(session)
        server.serve_in_thread()
        listed, summary = timed(lambda: get(server, "/api/items"))
        one, _ = timed(lambda: get(server, "/api/items/0"))
        saves = []
        for item in session.items[:50]:
            seconds, _ = timed(lambda item=item: session.save(item, 1, [], base_version=0))
            saves.append(seconds)
        server.shutdown()
        written, _ = timed(session.write_reports)
        session.close()

    count = len(session.items)
    print(f"class: {args.students} students, {count} written answers to review")
    print(f"open the class: {opened:.2f} s")
    print(f"find every answer: {found:.2f} s ({1000 * found / count:.1f} ms an answer)")
    print(f"list request: {1000 * listed:.0f} ms ({len(summary['items'])} answers)")
    print(f"one answer's request: {1000 * one:.0f} ms")
    print(f"save a score: median {1000 * statistics.median(saves):.1f} ms over {len(saves)}")
    print(f"rewrite every report with the marks: {written:.2f} s")


if __name__ == "__main__":
    main()
