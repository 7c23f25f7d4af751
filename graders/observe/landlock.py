"""Confine the child with Linux Landlock: what it may read, write, connect to and signal.

Landlock (Linux 5.13 and later, no privileges needed) lets a process restrict
itself and everything it starts, for good. The child allows itself:
  read (and execute)   the Python installation and its packages, the grader's
                       engine, system folders, and the data root's public part;
  read and write       its scratch folder, and /dev/shm (DataLoader workers
                       share batches through it);
  no TCP connections or listening sockets (ABI 4 and later), and no signals to
  processes outside its own domain, such as the grader (ABI 6 and later).
Everything else on the filesystem is invisible to it: the rubric, the
reference, other submissions, the test labels, the rest of /tmp.
"""

from __future__ import annotations

import ctypes
import os
import sys

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_VERSION = 1 << 0
_PATH_BENEATH = 1
_NO_NEW_PRIVS = 38

_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_WRITE_DIR = sum(1 << bit for bit in range(4, 13))  # remove and make entries of every type
_REFER, _TRUNCATE = 1 << 13, 1 << 14
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1

SYSTEM_FOLDERS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/opt")
DEVICE_FOLDERS = ("/proc", "/sys", "/dev")


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _Ruleset(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


def abi_version() -> int:
    """The Landlock ABI the kernel offers (0: none, or not Linux)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        version = libc.syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(0, int(version))


def _file_rights(abi: int) -> tuple[int, int]:
    """(read, read-write) rights this ABI knows."""
    read = _EXECUTE | _READ_FILE | _READ_DIR
    write = read | _WRITE_FILE | _WRITE_DIR
    if abi >= 2:
        write |= _REFER
    if abi >= 3:
        write |= _TRUNCATE
    return read, write


def readable_paths(data_root: str | None) -> list[str]:
    """Folders the child may read: Python, its packages, the engine, system and public data."""
    import graders

    engine = os.path.dirname(os.path.abspath(graders.__file__))
    project = os.path.dirname(engine)  # holds rubrics/ and reference/ in a checkout
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, *SYSTEM_FOLDERS, *DEVICE_FOLDERS]
    paths += [
        p
        for p in sys.path
        if p and os.path.isdir(p) and p != os.getcwd() and not _contains(p, project)
    ]
    paths.append(engine)
    if data_root:
        paths.append(data_root)
    return [p for p in dict.fromkeys(os.path.realpath(p) for p in paths) if os.path.exists(p)]


def _contains(folder: str, path: str) -> bool:
    """Whether `path` lies in `folder` (an editable install may put the checkout on sys.path)."""
    folder, path = os.path.realpath(folder), os.path.realpath(path)
    return os.path.commonpath([folder, path]) == folder


def confine(readable: list[str], writable: list[str]) -> dict[str, bool]:
    """Restrict this process (and all it starts) for good; say which restrictions hold."""
    abi = abi_version()
    if abi < 1:
        return {"filesystem": False, "tcp": False, "signals": False}
    libc = ctypes.CDLL(None, use_errno=True)
    read, write = _file_rights(abi)
    ruleset = _Ruleset(
        handled_access_fs=write,
        handled_access_net=(_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0,
        scoped=(_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0,
    )
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    fd = libc.syscall(_CREATE_RULESET, ctypes.byref(ruleset), ctypes.c_size_t(size), 0)
    if fd < 0:
        return {"filesystem": False, "tcp": False, "signals": False}
    try:
        for path, rights in [*((p, read) for p in readable), *((p, write) for p in writable)]:
            _allow(libc, fd, path, rights)
        if libc.prctl(_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or libc.syscall(_RESTRICT_SELF, fd, 0):
            return {"filesystem": False, "tcp": False, "signals": False}
    finally:
        os.close(fd)
    return {"filesystem": True, "tcp": abi >= 4, "signals": abi >= 6}


def _allow(libc: ctypes.CDLL, ruleset: int, path: str, rights: int) -> None:
    """Grant `rights` beneath `path` (a file gets only the rights that apply to files)."""
    try:
        target = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(path):
            rights &= _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE
        rule = _PathBeneath(allowed_access=rights, parent_fd=target)
        libc.syscall(_ADD_RULE, ruleset, _PATH_BENEATH, ctypes.byref(rule), 0)
    finally:
        os.close(target)
