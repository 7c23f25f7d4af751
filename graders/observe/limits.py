"""Resource limits for one submission, applied by the child to itself."""

from __future__ import annotations

import ctypes
import os
import resource
from dataclasses import dataclass
from typing import Any

CLONE_NEWNET = 0x40000000
CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x4000, 0x40000


@dataclass(frozen=True)
class Limits:
    """How much one submission may use.

    `cell_timeout` is enforced in the child (interrupting Python code) and, with
    `grace` added, by the parent killing the process tree; `total_timeout`
    bounds the whole run including probes.
    """

    cell_timeout: float = 120.0
    total_timeout: float = 900.0
    probe_timeout: float = 30.0
    grace: float = 5.0
    memory_mb: int = 6144
    file_size_mb: int = 512
    output_bytes: int = 1 << 20
    # Tasks (processes and threads) of one submission: room for a DataLoader with 8 workers;
    # a fork bomb reaches it in about a second, before it starves the cell's time limit.
    max_processes: int = 96


def apply_in_child(
    memory_mb: int, file_size_mb: int, cgroup_procs: str | None = None
) -> dict[str, bool]:
    """Join the submission's control group, cap memory and file size, cut the network and
    get a private /dev/shm; say which of these held."""
    applied = {"processes": _join(cgroup_procs)}
    memory = memory_mb << 20
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        applied["memory"] = True
    except (ValueError, OSError):
        applied["memory"] = False
    size = file_size_mb << 20
    try:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        applied["file_size"] = True
    except (ValueError, OSError):
        applied["file_size"] = False
    applied["network"] = _leave_network()
    applied["private_shm"] = _private_shared_memory(memory_mb)
    return applied


def _join(cgroup_procs: str | None) -> bool:
    """Move this process into the control group the grader made for it."""
    if not cgroup_procs:
        return False
    try:
        with open(cgroup_procs, "w") as procs:
            procs.write(str(os.getpid()))
        return True
    except OSError:
        return False


def _leave_network() -> bool:
    """Move this process into a new, empty network namespace (needs privileges)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _private_shared_memory(size_mb: int) -> bool:
    """Give this process its own empty /dev/shm (DataLoader workers write there), which
    vanishes with it: a new mount namespace with a tmpfs on /dev/shm (needs privileges)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNS) != 0:
            return False
        if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
            return False
        options = f"size={size_mb}m,mode=1777".encode()
        return libc.mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV, options) == 0
    except (OSError, AttributeError):
        return False


def block_sockets() -> None:
    """Refuse socket connections in Python with a clear message (where no network
    namespace or Landlock rule can be made, this is the only barrier)."""
    import socket

    def guarded(original: Any) -> Any:
        def call(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
            # Local (AF_UNIX) sockets stay: DataLoader workers hand batches over them.
            if self.family in (socket.AF_INET, socket.AF_INET6):
                raise OSError("network access is disabled while grading")
            return original(self, *args, **kwargs)

        return call

    for name in ("connect", "connect_ex", "sendto", "bind"):
        setattr(socket.socket, name, guarded(getattr(socket.socket, name)))
    os.environ["no_proxy"] = "*"
