"""A control group per submission: a cap on its processes, and every one of them killed at
the end, even those that double-forked away from the process tree.

Uses the cgroup v2 `pids` controller where it is enabled, else the v1 `pids`
hierarchy; both need write access to the cgroup filesystem (root on the course
machines and CI). Where neither can be used, `create` returns None and the
runner falls back to killing the child's session and process tree.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _v2_root() -> Path | None:
    for root in (CGROUP_ROOT, CGROUP_ROOT / "unified"):
        controllers = root / "cgroup.controllers"
        subtree = root / "cgroup.subtree_control"
        try:
            if "pids" not in controllers.read_text().split():
                continue
            if "pids" not in subtree.read_text().split():
                subtree.write_text("+pids")
            return root
        except OSError:
            continue
    return None


def _v1_root() -> Path | None:
    root = CGROUP_ROOT / "pids"
    return root if (root / "cgroup.procs").exists() and os.access(root, os.W_OK) else None


class Cgroup:
    """One submission's control group."""

    def __init__(self, path: Path, version: int) -> None:
        self.path, self.version = path, version

    @property
    def procs(self) -> Path:
        """Writing a process id here moves that process into the group."""
        return self.path / "cgroup.procs"

    def pids(self) -> list[int]:
        try:
            return [int(line) for line in self.procs.read_text().split()]
        except (OSError, ValueError):
            return []

    def kill_all(self) -> None:
        """SIGKILL every process in the group, until none is left (or 2 s have passed)."""
        if self.version == 2:
            try:
                (self.path / "cgroup.kill").write_text("1")
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        while (pids := self.pids()) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill_all()
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.02)


def create(max_processes: int) -> Cgroup | None:
    """A new control group holding at most `max_processes` processes and threads, or None
    where this machine does not let the grader make one."""
    for version, root in ((2, _v2_root()), (1, _v1_root())):
        if root is None:
            continue
        path = root / f"dlgrade-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(max_processes))
            return Cgroup(path, version)
        except OSError:
            try:
                path.rmdir()
            except OSError:
                pass
    return None
