"""How learning-management systems (LMS) name a student's submission: the layouts (`LAYOUTS`)
that read a file or folder name into a `Key`, the names a path carries, and the fallback rule
that makes a name safe for file names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Key:
    """Who a submission's names say sent it, and which of their submissions it is."""

    text: str  # the name or login the LMS wrote, or the file or folder name
    name: str | None = None  # a display name, where the layout gives one
    lms_id: str | None = None  # the LMS's user or participant id
    attempt: str = ""  # Blackboard's attempt time, sortable as text
    resubmission: int = 0  # Canvas's `-1`, `-2` after a resubmitted file's name
    file: str = ""  # the name the student gave the file, where the LMS kept it (no suffix)


@dataclass(frozen=True)
class Layout:
    """How one LMS names a student's submission: a pattern over a file's name without its
    suffix, or a folder's name, and the key a match gives."""

    lms: str
    pattern: re.Pattern[str]
    key: Callable[[re.Match[str]], Key]

    def read(self, label: str) -> Key | None:
        """The key `label` gives under this layout, or None where it is not one of its names."""
        match = self.pattern.fullmatch(label)
        return self.key(match) if match else None


def _moodle(match: re.Match[str]) -> Key:
    """`김민수_12345_assignsubmission_file_` -> name 김민수, participant id 12345."""
    return Key(text=match["name"], name=match["name"], lms_id=match["id"])


def _canvas(match: re.Match[str]) -> Key:
    """`kimminsu_late_12345_67890_hw1-1` -> login kimminsu, user id 12345, resubmission 1."""
    resubmission = int(match["resubmission"] or 0)
    return Key(
        text=match["login"], lms_id=match["user"], resubmission=resubmission, file=match["file"]
    )


def _blackboard(match: re.Match[str]) -> Key:
    """`HW1_s20231234_attempt_2026-03-01-10-20-30_hw1` -> username s20231234, that attempt."""
    return Key(text=match["user"], attempt=match["attempt"], file=match["file"] or "")


LAYOUTS = (
    Layout(
        "moodle",
        re.compile(r"(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_.*"),
        _moodle,
    ),
    Layout(
        "canvas",
        re.compile(
            r"(?P<login>.+?)(?i:_late)?_(?P<user>\d+)_\d+_(?P<file>.+?)(?:-(?P<resubmission>\d+))?"
        ),
        _canvas,
    ),
    Layout(
        "blackboard",
        re.compile(r".+?_(?P<user>[^_]+)_attempt_(?P<attempt>\d{4}(?:-\d\d){5})(?:_(?P<file>.*))?"),
        _blackboard,
    ),
)


def read_key(labels: Sequence[str]) -> Key:
    """The key of a submission from its names, outermost first: the first one an LMS layout
    reads, else the outermost made safe for file names (as `student_id()` does)."""
    for label in labels:
        for layout in LAYOUTS:
            key = layout.read(label)
            if key:
                return key
    return Key(text=file_safe(labels[0]))


def file_safe(text: str) -> str:
    """`text` as a file name, by the rule of `student_id()`."""
    safe = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFC", text)).strip("._")
    return safe or "submission"


def label(path: Path) -> str:
    """The name a submission path carries: a file's without its suffix, a folder's."""
    return unicodedata.normalize("NFC", path.stem if path.is_file() else path.name)
