"""Every reference solution under the full training budget on the real data, timed.

    python tests/benchmarks/verify_full.py --data-dir DIR [ASSIGNMENT ...]

The test suite verifies the references on the real data under the fast budget (what
`grade --self` runs); this script trains every network as the reference is written, as a
TA's `grade` does, which takes the better part of an hour on two cores. It prints each
assignment's total, whether it is full marks, and its time, and exits non-zero when a
reference falls short.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time

from graders.assignments import all_assignments
from graders.cli import main as grade


def run(assignments: list[str], data_dir: str) -> int:
    """Verify each assignment in turn; the number that fell short."""
    short = 0
    for assignment in assignments:
        started = time.monotonic()
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            status = grade(["verify", assignment, "--data-dir", data_dir])
        seconds = time.monotonic() - started
        total = next(
            (line for line in output.getvalue().splitlines() if line.startswith(f"{assignment}:")),
            f"{assignment}: no total printed",
        )
        print(f"{total.split(' (')[0]:<45} {seconds / 60:5.1f} min")
        short += status != 0
    return short


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    every = [a.rubric.assignment for a in all_assignments()]
    parser.add_argument("assignments", nargs="*", default=every)
    parser.add_argument("--data-dir", required=True, help="a prepared data root with real data")
    arguments = parser.parse_args()
    return 1 if run(arguments.assignments, arguments.data_dir) else 0


if __name__ == "__main__":
    raise SystemExit(main())
