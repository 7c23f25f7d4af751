"""Run one submission in a child process and collect what it observed.

The parent never imports or runs submission code. It starts the child in its
own session with a scratch working directory and a clean environment, sends
it the plan, reads records from a private pipe, enforces the hard time limits
and kills the whole process tree when one runs out.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import _, language
from . import cgroup
from .limits import Limits
from .protocol import (
    CELL_END,
    CELL_OUTPUT_KEPT,
    CELL_START,
    DONE,
    FIGURE_BYTES,
    FIGURES_PER_CELL,
    FIGURES_PER_RUN,
    HELLO,
    PNG_MAGIC,
    PROBE,
    Plan,
    result_problem,
)

MAX_CHANNEL_BYTES = 256 << 20
_BASE64_CHARS = 4 * -(-FIGURE_BYTES // 3)  # the base64 length of FIGURE_BYTES


@dataclass
class CellOutcome:
    index: int
    status: str  # ok, error, timeout, exit, not_run
    error: str | None = None
    seconds: float = 0.0
    skipped_magics: list[str] = field(default_factory=list)
    compat: list[str] = field(default_factory=list)  # notes of the compatibility measures used
    output: str = ""  # the end of what the cell printed
    figures: list[str] = field(default_factory=list)  # the figures it drew, base64 PNGs
    figures_skipped: int = 0  # figures it drew that were not kept


@dataclass
class RunResult:
    """Everything observed about one run of a submission."""

    cells: list[CellOutcome]
    probes: dict[str, dict[str, Any]]
    stdout: str
    stderr: str
    seconds: float
    stopped: str | None = None  # why the run ended early, in one line
    isolation: dict[str, bool] = field(default_factory=dict)

    @property
    def completed(self) -> bool:
        return self.stopped is None


class _Tail:
    """Keep the first `limit` bytes of a stream, and count the rest."""

    def __init__(self, stream: Any, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.dropped = 0
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: Any) -> None:
        while chunk := stream.read1(1 << 16):
            room = self.limit - len(self.data)
            self.data += chunk[:room]
            self.dropped += max(0, len(chunk) - room)

    def text(self) -> str:
        self.thread.join(timeout=2)
        text = self.data.decode("utf-8", errors="replace")
        if self.dropped:
            dropped = _("[... {count} more bytes of output not kept]").format(count=self.dropped)
            text += "\n" + dropped
        return text


def _child_env(scratch: str, threads: int, seed: int) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        HOME=scratch,
        TMPDIR=scratch,
        MPLBACKEND="Agg",
        PYTHONHASHSEED=str(seed),
        OMP_NUM_THREADS=str(threads),
        OMP_WAIT_POLICY="PASSIVE",
        MKL_NUM_THREADS=str(threads),
        PYTHONDONTWRITEBYTECODE="1",
        MPLCONFIGDIR=os.path.join(scratch, ".matplotlib"),
        TORCH_HOME=os.path.join(scratch, ".torch"),
        NO_PROXY="*",
        no_proxy="*",
        LANGUAGE=language(),  # the grader's messages from the child speak the reader's language
    )
    return env


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        for pid in children.get(stack.pop(), []):
            found.append(pid)
            stack.append(pid)
    return found


def kill_tree(process: subprocess.Popen) -> None:
    """Kill the child, its process group and every descendant still known."""
    pids = _descendants(process.pid) if os.path.isdir("/proc") else []
    for kill in (lambda: os.killpg(process.pid, signal.SIGKILL),):
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            pass
    for pid in [process.pid, *pids]:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.wait()


def _child_command(channel_fd: int) -> list[str]:
    return [sys.executable, "-I", "-m", "graders.observe.child", str(channel_fd)]


def run(
    plan: Plan,
    limits: Limits,
    files_from: Path | None = None,
    provided: Sequence[tuple[Path, str]] = (),
) -> RunResult:
    """Run `plan` in a fresh sandboxed child. Its scratch folder gets the `provided` files
    (each a file or folder and its path there) first, then `files_from`'s files, so that a
    submission's own file of the same name wins."""
    scratch = tempfile.mkdtemp(prefix="dlgrade-scratch-")
    try:
        for source, name in provided:
            _copy_into(source, Path(scratch, name))
        if files_from is not None:
            _copy_into(files_from, Path(scratch))
        return _run_in(plan, limits, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _copy_into(source: Path, target: Path) -> None:
    """Copy file or folder `source` to `target`, merging into a folder already there."""
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True, symlinks=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


# The children running now, so that an interrupted batch ends them all at once.
_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()


def stop_all() -> None:
    """Kill every running child's process tree (a batch was interrupted): each run then
    ends at once, as if its child had died."""
    with _LIVE_LOCK:
        running = list(_LIVE)
    for process in running:
        kill_tree(process)


def _run_in(plan: Plan, limits: Limits, scratch: str) -> RunResult:
    group = cgroup.create(limits.max_processes)
    if group is not None:
        plan = dataclasses.replace(plan, cgroup_procs=str(group.procs))
    try:
        return _run_child(plan, limits, scratch, group)
    finally:
        if group is not None:
            group.remove()


def _held_to_contract(probe: str, record: dict[str, Any]) -> dict[str, Any]:
    """A probe's record; where its answer is not of the probe's declared result type, a
    grader error instead (the grader's probe broke its own contract)."""
    problem = result_problem(probe, record["value"]) if record.get("ok") else None
    if problem is None:
        return record
    return {"ok": False, "grader_error": True, "error": problem, "seconds": record.get("seconds")}


def kept_output(claimed: Any) -> str:
    """A CELL_END record's `output` held to the protocol: text, at most its last
    `CELL_OUTPUT_KEPT` characters, and writable as UTF-8."""
    if not isinstance(claimed, str):
        return ""
    return claimed[-CELL_OUTPUT_KEPT:].encode("utf-8", "replace").decode("utf-8")


def kept_figures(claimed: Any, skipped: Any) -> tuple[list[str], int]:
    """A CELL_END record's `figures` and `figures_skipped` held to the protocol: at most
    `FIGURES_PER_CELL` base64 PNGs of at most `FIGURE_BYTES` each; whatever else it claims
    is counted as not kept."""
    figures = claimed if isinstance(claimed, list) else []
    kept: list[str] = []
    for figure in figures:
        if len(kept) == FIGURES_PER_CELL:
            break
        if _is_png(figure):
            kept.append(figure)
    counted = skipped if type(skipped) is int and skipped >= 0 else 0
    return kept, counted + len(figures) - len(kept)


def _is_png(figure: Any) -> bool:
    if not isinstance(figure, str) or len(figure) > _BASE64_CHARS:
        return False
    try:
        data = base64.b64decode(figure, validate=True)
    except (binascii.Error, ValueError):
        return False
    return data.startswith(PNG_MAGIC) and len(data) <= FIGURE_BYTES


def _run_child(plan: Plan, limits: Limits, scratch: str, group: cgroup.Cgroup | None) -> RunResult:
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    process = subprocess.Popen(
        _child_command(write_fd),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=scratch,
        env=_child_env(scratch, plan.threads, plan.seed),
        pass_fds=(write_fd,),
        start_new_session=True,
    )
    os.close(write_fd)
    with _LIVE_LOCK:
        _LIVE.add(process)
    stdout = _Tail(process.stdout, limits.output_bytes)
    stderr = _Tail(process.stderr, limits.output_bytes)
    writer = threading.Thread(target=_send_plan, args=(process, plan), daemon=True)
    writer.start()
    session = _Session(plan, limits, started)
    try:
        session.read(read_fd, process)
    finally:
        os.close(read_fd)
        kill_tree(process)
        if group is not None:
            group.kill_all()
        with _LIVE_LOCK:
            _LIVE.discard(process)
    return RunResult(
        cells=session.cell_outcomes(),
        probes=session.probes,
        stdout=stdout.text(),
        stderr=stderr.text(),
        seconds=round(time.monotonic() - started, 3),
        stopped=session.stopped(process),
        isolation=session.isolation,
    )


def _send_plan(process: subprocess.Popen, plan: Plan) -> None:
    try:
        process.stdin.write(json.dumps(plan.to_json()).encode())
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass


class _Session:
    """Reads the child's records and decides when it has run out of time."""

    def __init__(self, plan: Plan, limits: Limits, started: float) -> None:
        self.plan = plan
        self.limits = limits
        self.started = started
        self.cells: dict[int, CellOutcome] = {}
        self.probes: dict[str, dict[str, Any]] = {}
        self.isolation: dict[str, bool] = {}
        self.done = False
        self.killed: str | None = None
        self.running_cell: int | None = None
        self.last_record = started
        self.hello = False

    def deadline(self) -> tuple[float, str]:
        total = self.started + self.limits.total_timeout
        reason = _("the submission ran past its total time limit of {seconds:g} s").format(
            seconds=self.limits.total_timeout
        )
        if self.running_cell is not None:
            cell = self.last_record + self.plan.cell_timeout + self.limits.grace
            if cell < total:
                return cell, _(
                    "cell {cell} ran past its time limit of {seconds:g} s "
                    "and could not be interrupted"
                ).format(cell=self.running_cell + 1, seconds=self.plan.cell_timeout)
        elif len(self.cells) == len(self.plan.cells) and self.cells:
            probe = self.last_record + self.plan.probe_timeout + self.limits.grace
            if probe < total:
                return probe, _(
                    "a check's probe ran past its time limit and could not be interrupted"
                )
        return total, reason

    def read(self, fd: int, process: subprocess.Popen) -> None:
        buffer = b""
        received = 0
        while not self.done:
            deadline, reason = self.deadline()
            wait = deadline - time.monotonic()
            if wait <= 0:
                self.killed = reason
                return
            ready = select.select([fd], [], [], min(wait, 1.0))[0]
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return
            received += len(chunk)
            if received > MAX_CHANNEL_BYTES:
                self.killed = _("the submission flooded the grader's channel")
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                self._record(line)
                if self.killed:
                    return

    def _record(self, line: bytes) -> None:
        """Take one record; one out of the protocol's order (forged by the submission, which
        shares the child's process) stops the run and voids its observations."""
        try:
            record = json.loads(line)
            event = record.pop("event")
            self._check_order(event, record)
        except (ValueError, KeyError, AttributeError, TypeError):
            self.killed = _("the submission wrote to the grader's private channel")
            self.probes.clear()
            return
        self.last_record = time.monotonic()
        if event == HELLO:
            self.isolation = record.get("limits", {})
        elif event == CELL_START:
            self.running_cell = int(record["index"])
        elif event == CELL_END:
            index = int(record.pop("index"))
            figures, skipped = kept_figures(record.get("figures"), record.get("figures_skipped"))
            room = max(0, FIGURES_PER_RUN - sum(len(c.figures) for c in self.cells.values()))
            figures, skipped = figures[:room], skipped + len(figures[room:])
            self.cells[index] = CellOutcome(
                index=index,
                **{
                    k: record[k]
                    for k in ("status", "error", "seconds", "skipped_magics", "compat")
                    if k in record
                },
                output=kept_output(record.get("output")),
                figures=figures,
                figures_skipped=skipped,
            )
            self.running_cell = None
        elif event == PROBE:
            request = self.plan.probes[len(self.probes)]  # `_check_order` holds them in order
            self.probes[str(record.pop("id"))] = _held_to_contract(request.probe, record)
        elif event == DONE:
            self.done = True

    def _check_order(self, event: str, record: dict[str, Any]) -> None:
        """Raise ValueError unless `event` is the one the protocol expects next: a hello,
        then each cell started and ended in turn, then each probe once in plan order."""
        cells = len(self.plan.cells)
        expected = {
            HELLO: not self.hello,
            CELL_START: self.hello and self.running_cell is None
            and record.get("index") == len(self.cells) < cells,
            CELL_END: self.running_cell is not None and record.get("index") == self.running_cell,
            PROBE: len(self.cells) == cells and self.running_cell is None
            and len(self.probes) < len(self.plan.probes)
            and record.get("id") == self.plan.probes[len(self.probes)].id,
            DONE: len(self.cells) == cells and len(self.probes) == len(self.plan.probes),
        }  # fmt: skip
        if not expected.get(event, False):
            raise ValueError(f"unexpected {event} record")
        self.hello = True

    def cell_outcomes(self) -> list[CellOutcome]:
        outcomes = []
        for index in range(len(self.plan.cells)):
            if index in self.cells:
                outcomes.append(self.cells[index])
            elif index == self.running_cell:
                died = self.killed or _("the process died")
                outcomes.append(CellOutcome(index, "timeout", died))
            else:
                stopped = _("an earlier failure stopped the run")
                outcomes.append(CellOutcome(index, "not_run", stopped))
        return outcomes

    def stopped(self, process: subprocess.Popen) -> str | None:
        if self.done:
            return None
        if self.killed:
            return self.killed
        code = process.returncode
        if code is not None and code < 0:
            name = (
                signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else code
            )
            killed = _("the submission's process was killed by {signal} (memory limit or a crash)")
            return killed.format(signal=name)
        return _("the submission's process ended early (exit code {code})").format(code=code)
