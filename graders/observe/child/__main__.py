"""Entry point of the sandboxed child: `python -I -m graders.observe.child FD`.

Reads the plan from standard input, runs the cells, answers the probes and
writes one JSON record per line to file descriptor FD (the private channel).
"""

from __future__ import annotations

import builtins
import functools
import importlib.abc
import json
import os
import random
import signal
import sys
import time
from typing import Any

from ...i18n import _, language, translations
from .. import landlock
from ..limits import apply_in_child, block_sockets
from ..protocol import CELL_END, CELL_START, DONE, HELLO, PROBE, Plan, parse_request

BLOCKED_IMPORTS = ("reference", "rubrics", "graders")


class _BlockImports(importlib.abc.MetaPathFinder):
    """Refuse to import the grader's own packages from inside a submission."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.split(".")[0] in BLOCKED_IMPORTS:
            raise ImportError(_("`{name}` cannot be imported while grading").format(name=fullname))
        return None


class Channel:
    """The private pipe to the parent: one JSON object per line."""

    def __init__(self, fd: int) -> None:
        self._file = os.fdopen(fd, "w", buffering=1 << 16, closefd=True)
        self.pid = os.getpid()

    def send(self, kind: str, **fields: Any) -> None:
        if os.getpid() != self.pid:  # a copy the submission forked: it has no say
            return
        self._file.write(json.dumps({"event": kind, **fields}, allow_nan=True) + "\n")
        self._file.flush()


def _seed_everything(seed: int, threads: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, threads))


def _hide_grader_modules() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED_IMPORTS:
            sys.modules.pop(name, None)
    sys.meta_path.insert(0, _BlockImports())


def _restore(original: dict[str, Any]) -> None:
    """Put back any builtin a cell replaced: the grader's own code relies on them."""
    current = vars(builtins)
    for name, value in original.items():
        if current.get(name) is not value:
            current[name] = value


def _lowest_priority() -> None:
    try:
        os.nice(19)
    except OSError:
        pass


def main() -> None:
    channel = Channel(int(sys.argv[1]))
    plan = Plan.from_json(json.loads(sys.stdin.read()))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    applied = apply_in_child(plan.memory_mb, plan.file_size_mb, plan.cgroup_procs)
    writable = [os.getcwd(), "/dev/shm", os.devnull]
    applied.update(landlock.confine(landlock.readable_paths(plan.data_root), writable))
    block_sockets()  # the operating system refuses too: this gives the clear message
    # Processes the submission forks (DataLoader workers, a fork bomb) run at the lowest
    # priority: however many spin, the cell's own process keeps the CPU its timer needs.
    os.register_at_fork(after_in_child=_lowest_priority)
    channel.send(HELLO, limits=applied, pid=os.getpid())

    from . import compat
    from .cells import CellTimeout, IPythonStub, StdoutTee, display, raise_timeout, run_cell
    from .datasets import DataUnavailable
    from .faults import failure_record
    from .figures import Figures
    from .probes import Context, NotFound, StudentFault, answer
    from .recorder import Recorder

    translations(language())  # compiled now, before any of the submission's code runs
    _seed_everything(plan.seed, plan.threads)
    recorder = Recorder(data_root=plan.data_root, catalogue=plan.datasets, budget=plan.budget)
    recorder.install()
    compat.install(plan.notebook)
    figures = Figures(plan.notebook)
    figures.install()
    output = StdoutTee(sys.stdout)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    stub = IPythonStub(namespace)
    namespace.update(get_ipython=lambda: stub, display=display)
    sys.path.insert(0, os.getcwd())
    _hide_grader_modules()
    original_builtins = dict(vars(builtins))

    for index, source in enumerate(plan.cells):
        channel.send(CELL_START, index=index, time=time.time())
        started = time.monotonic()
        recorder.cell = index
        figures.begin()
        outcome = run_cell(
            index,
            source,
            namespace,
            plan.cell_timeout,
            plan.notebook,
            stub,
            output,
            after_statement=functools.partial(recorder.after_statement, index, namespace),
        )
        try:
            recorder.after_cell(index, namespace)
        except Exception:  # noqa: BLE001 - a broken module must not stop grading
            pass
        if os.getpid() != channel.pid:
            os._exit(0)  # a copy the submission forked ends with the cell that forked it
        _restore(original_builtins)
        room = plan.cell_timeout - (time.monotonic() - started)  # within the cell's hard limit
        outcome["figures"], outcome["figures_skipped"] = figures.end(room)
        channel.send(CELL_END, index=index, **outcome)

    recorder.cell = len(plan.cells)
    recorder.sealed = True  # what the probes make the submission's code do is not recorded
    context = Context(
        namespace=namespace, recorder=recorder, seed=plan.seed, data_root=plan.data_root
    )
    for request in plan.probes:
        signal.signal(signal.SIGALRM, raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, plan.probe_timeout)
        started = time.monotonic()
        try:
            params = parse_request(request.probe, request.params)
            result = {"ok": True, "value": answer(params, context)}
        except NotFound as exc:
            result = {"ok": False, "error": str(exc), "not_found": True}
        except CellTimeout:
            timed_out = _("timed out after {seconds:g} s").format(seconds=plan.probe_timeout)
            result = {"ok": False, "error": timed_out}
        except (StudentFault, DataUnavailable) as exc:
            result = {"ok": False, "error": str(exc)[:500]}
        except BaseException as exc:  # noqa: BLE001 - the submission's, or a grader error
            signal.setitimer(signal.ITIMER_REAL, 0)  # the timer is for the probe, not this
            result = failure_record(exc)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        result["seconds"] = round(time.monotonic() - started, 3)
        channel.send(PROBE, id=request.id, **result)
    channel.send(DONE)
    for stream in (sys.stdout, sys.stderr, output):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a stream the submission closed or replaced
            pass
    os._exit(0)


if __name__ == "__main__":
    main()
