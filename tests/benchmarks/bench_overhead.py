"""Benchmark: what grading costs beyond a submission's own compute, side by side in one run.

One small workload (the LeNet forward/backward walk-through of cnn-basics Q1, as a
notebook of a few cells) is run

  plain python       `python script.py` of the same code (the baseline)
  nbclient           kernel-based execution, the engine under nbgrader and Otter
                     (skipped, with a note, when nbclient or ipykernel is missing)
  sandbox            dlgrade's sandboxed child running the cells, no probes
  grade (probes)     a full `Grader.grade` against the cnn-basics rubric: cells + probes + judging

and then a batch of N copies is graded with 1 and with 2 workers (submissions per minute).
Each measurement is repeated (--repeat) and its median wall time reported, with the
overhead against plain python. The reference expectations are computed once, before
timing, in a private cache; one untimed plain run first warms the file cache. Plain
python, the kernel and the sandbox all get the thread count the engine gives a single
submission (all CPUs); a batch with 2 workers gives each child half of them.

    /work/venv/bin/python tests/benchmarks/bench_overhead.py [--repeat 3] [--batch 6]
                                                             [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import torch

from graders.assignments import get_assignment
from graders.engine import Grader, Options
from graders.load import read_submission
from graders.observe.limits import Limits
from graders.observe.protocol import Plan
from graders.observe.runner import run

ASSIGNMENT = "cnn-basics"
CELLS = [
    """\
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim""",
    """\
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


torch.manual_seed(0)
net = Net()
print(net)""",
    """\
input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out.size())""",
    """\
target = torch.randn(10).view(1, -1)
criterion = nn.MSELoss()
loss = criterion(out, target)
print(loss)""",
    """\
net.zero_grad()
print(net.conv1.bias.grad)
loss.backward()
print(net.conv1.bias.grad)""",
    """\
optimizer = optim.SGD(net.parameters(), lr=0.01)
for _ in range(20):
    optimizer.zero_grad()
    loss = criterion(net(input), target)
    loss.backward()
    optimizer.step()
print(loss.item())""",
]


@dataclass
class Measurement:
    """Wall seconds of every repetition of one way of running the workload."""

    name: str
    runs: list[float]
    submissions: int = 1

    @property
    def median(self) -> float:
        """Median wall seconds of the whole measurement."""
        return statistics.median(self.runs)

    @property
    def per_submission(self) -> float:
        """Median wall seconds per submission graded."""
        return self.median / self.submissions


def match_engine_threads() -> None:
    """Give plain python and the kernel the engine's thread count for one submission."""
    threads = str(os.cpu_count() or 1)
    os.environ.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)


def write_workload(folder: Path) -> tuple[Path, Path]:
    """Write the workload as a notebook and as a plain script; return both paths."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in CELLS],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    notebook_path = folder / "lenet.ipynb"
    nbformat.write(notebook, str(notebook_path))
    script_path = folder / "lenet.py"
    script_path.write_text("\n\n".join(CELLS) + "\n")
    return notebook_path, script_path


def measure(
    name: str, action: Callable[[], None], repeat: int, submissions: int = 1
) -> Measurement:
    """Time `action` `repeat` times (wall clock) and print progress."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    print(f"  {name}: " + ", ".join(f"{s:.2f}" for s in runs) + " s", flush=True)
    return Measurement(name, runs, submissions)


def plain_python(script: Path) -> Callable[[], None]:
    """Run the script with this interpreter in a fresh process."""

    def action() -> None:
        subprocess.run(
            [sys.executable, str(script)], cwd=script.parent, check=True, capture_output=True
        )

    return action


def nbclient_runner(notebook: Path) -> Callable[[], None] | None:
    """Execute the notebook in a fresh ipykernel with nbclient; None when not installed."""
    try:
        import ipykernel  # noqa: F401
        from nbclient import NotebookClient
    except ImportError:
        return None

    def action() -> None:
        nb = nbformat.read(str(notebook), as_version=4)
        NotebookClient(
            nb,
            kernel_name="python3",
            timeout=600,
            resources={"metadata": {"path": str(notebook.parent)}},
        ).execute()

    return action


def sandbox_runner(notebook: Path) -> Callable[[], None]:
    """Run the notebook's cells in dlgrade's sandboxed child, without probes."""
    cells = read_submission(notebook).cells

    def action() -> None:
        plan = Plan(cells=cells, probes=[], threads=os.cpu_count() or 1)
        result = run(plan, Limits())
        failed = [c for c in result.cells if c.status != "ok"]
        if failed or result.stopped:
            raise RuntimeError(f"sandbox run failed: {result.stopped or failed[0].error}")

    return action


def grade_runner(grader: Grader, notebook: Path) -> Callable[[], None]:
    """Grade the notebook against the rubric: cells, probes and judging."""

    def action() -> None:
        result = grader.grade(read_submission(notebook))
        failed = [c for c in result.cells if c["status"] != "ok"]
        if result.error or failed:
            raise RuntimeError(f"grading failed: {result.error or failed[0]['error']}")

    return action


def batch_runner(grader: Grader, paths: list[Path]) -> Callable[[], None]:
    """Grade every path with the grader's worker count."""

    def action() -> None:
        results = grader.grade_paths(paths)
        if any(r.error for r in results):
            raise RuntimeError("a batch submission could not be graded")

    return action


def copies(notebook: Path, folder: Path, count: int) -> list[Path]:
    """`count` copies of the notebook, one per student, in `folder`."""
    folder.mkdir()
    paths = [folder / f"student_{i + 1:02d}.ipynb" for i in range(count)]
    for path in paths:
        shutil.copy(notebook, path)
    return paths


def format_table(measurements: list[Measurement], skipped: list[tuple[str, str]]) -> str:
    """The readable table: median wall time and overhead against plain python."""
    baseline = measurements[0].median
    header = (
        f"{'mode':<34} {'median s':>9} {'per sub. s':>11} {'overhead s':>11} "
        f"{'x plain':>8} {'subs/min':>9}"
    )
    lines = [header, "-" * len(header)]
    for m in measurements:
        per = m.per_submission
        lines.append(
            f"{m.name:<34} {m.median:>9.2f} {per:>11.2f} {per - baseline:>+11.2f} "
            f"{per / baseline:>8.2f} {60 * m.submissions / m.median:>9.1f}"
        )
    lines += [f"{name:<34} {'skipped: ' + reason}" for name, reason in skipped]
    return "\n".join(lines)


def environment(load_before: float) -> dict[str, str | int | float]:
    """What the numbers were measured on, with the 1-minute load average before and after."""
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cpus": os.cpu_count() or 1,
        "platform": platform.platform(),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def run_benchmark(
    repeat: int, batch: int, folder: Path
) -> tuple[list[Measurement], list[tuple[str, str]]]:
    """Every measurement, in table order, and the columns that were skipped with why."""
    match_engine_threads()
    notebook, script = write_workload(folder)
    cache = folder / "cache"
    assignment = get_assignment(ASSIGNMENT)
    by_workers = {w: Grader(assignment, Options(workers=w, cache_dir=cache)) for w in (1, 2)}
    print("computing reference expectations (untimed) ...", flush=True)
    by_workers[1].expectations()
    by_workers[2].expectations()
    plain_python(script)()  # untimed: warms the file cache
    print(f"measuring ({repeat} runs each):", flush=True)
    measurements = [measure("plain python", plain_python(script), repeat)]
    skipped: list[tuple[str, str]] = []
    kernel = nbclient_runner(notebook)
    if kernel is None:
        skipped.append(("nbclient (ipykernel)", "pip install nbclient ipykernel"))
        print("  nbclient or ipykernel is not installed: skipping that column", flush=True)
    else:
        measurements.append(measure("nbclient (ipykernel)", kernel, repeat))
    measurements.append(measure("dlgrade sandbox, no probes", sandbox_runner(notebook), repeat))
    measurements.append(
        measure(
            f"dlgrade grade ({ASSIGNMENT} rubric)", grade_runner(by_workers[1], notebook), repeat
        )
    )
    paths = copies(notebook, folder / "batch", batch)
    for workers, grader in by_workers.items():
        name = f"batch of {batch}, workers={workers}"
        measurements.append(measure(name, batch_runner(grader, paths), repeat, batch))
    return measurements, skipped


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, and write JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--batch", type=int, default=6, help="submissions in the batch")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="dlgrade-bench-") as tmp:
        measurements, skipped = run_benchmark(args.repeat, args.batch, Path(tmp))
    env = environment(load_before)
    print(
        f"\nworkload: cnn-basics Q1 LeNet forward/backward + 20 SGD steps, {len(CELLS)} cells; "
        f"median of {args.repeat}; python {env['python']}, torch {env['torch']}, "
        f"{env['cpus']} CPUs; load average {env['load_before']:.1f} before, "
        f"{env['load_after']:.1f} after"
    )
    print(format_table(measurements, skipped))
    if args.json:
        data = {
            "environment": env,
            "repeat": args.repeat,
            "measurements": [asdict(m) | {"median": m.median} for m in measurements],
            "skipped": dict(skipped),
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
