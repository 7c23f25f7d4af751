"""Whose fault a failed probe is: the submission's, or dlgrade's own code's.

A probe fails because the student's objects misbehaved (their forward or
function raises, a deepcopy of their model fails, torch refuses their shapes)
or because the grader's code is wrong. Failures the grader means raise
`probes.NotFound` or `probes.StudentFault`; any other exception is told apart
by its traceback (`is_grader_fault`), and a grader fault goes to the parent
with a short traceback, for the TA.
"""

from __future__ import annotations

import dis
import os
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

GRADERS = str(Path(__file__).resolve().parents[2])  # the `graders` package's own folder
MAX_ERROR = 500
MAX_TRACEBACK = 4000
TRACEBACK_FRAMES = 12

_in_graders_cache: dict[str, bool] = {}


def _in_graders(filename: str) -> bool:
    known = _in_graders_cache.get(filename)
    if known is None:
        path = os.path.realpath(filename) if os.path.isabs(filename) else ""
        known = _in_graders_cache[filename] = path.startswith(GRADERS + os.sep)
    return known


def _raised_by_call(entry: TracebackType) -> bool:
    """Whether the frame's failing instruction is a call: the exception came from a function
    with no Python frame of its own (torch's or numpy's compiled code)."""
    for instruction in dis.get_instructions(entry.tb_frame.f_code):
        if instruction.offset == entry.tb_lasti:
            return instruction.opname.startswith("CALL")
    return False


def is_grader_fault(exc: BaseException) -> bool:
    """Whether `exc` was raised by dlgrade's own code rather than by the submission.

    The innermost frame decides. Outside the `graders` package (the student's code, or
    torch, numpy, the standard library working on the student's objects) the failure is
    the student's. Inside it, it is the grader's, except in a hook the grader put around
    the student's code (a frame called by code that is not the grader's, such as the
    operation tracer torch calls on every layer) failing in the call it hands on: that is
    the student's layer refusing its input.
    """
    entries = []
    entry = exc.__traceback__
    while entry is not None:
        entries.append(entry)
        entry = entry.tb_next
    if not entries or not _in_graders(entries[-1].tb_frame.f_code.co_filename):
        return False
    innermost = entries[-1]
    caller = entries[-2] if len(entries) > 1 else None
    hook = caller is not None and not _in_graders(caller.tb_frame.f_code.co_filename)
    return not (hook and _raised_by_call(innermost))


def describe(exc: BaseException) -> str:
    """`Type: message` in one line, even for an exception whose `str()` fails."""
    try:
        text = f"{type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001 - a submission's exception may refuse str()
        text = type(exc).__name__
    return text[:MAX_ERROR]


def failure_record(exc: BaseException) -> dict[str, Any]:
    """The probe record of an exception no probe meant: the student's error, or a
    grader error with the last frames of its traceback."""
    if not is_grader_fault(exc):
        return {"ok": False, "error": describe(exc)}
    try:
        frames = traceback.format_exception(exc, limit=-TRACEBACK_FRAMES)
        text = "".join(frames)[-MAX_TRACEBACK:]
    except Exception:  # noqa: BLE001 - the record still says what failed
        text = describe(exc)
    return {"ok": False, "grader_error": True, "error": describe(exc), "traceback": text}
