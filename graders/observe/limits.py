"""Resource limits for one submission, applied by the child to itself."""

from __future__ import annotations

import ctypes
import os
import resource
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000


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


def apply_in_child(memory_mb: int, file_size_mb: int) -> dict[str, bool]:
    """Cap memory and file size and cut the network; say which of these held."""
    applied = {}
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
    return applied


def _leave_network() -> bool:
    """Move this process into a new, empty network namespace (needs privileges)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def block_sockets() -> None:
    """Fallback where no network namespace can be made: refuse socket connections."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access is disabled while grading")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.socket.sendto = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    os.environ["no_proxy"] = "*"
