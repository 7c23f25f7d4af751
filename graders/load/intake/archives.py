"""Safe zip unpacking: each archive into a new folder of the caller's scratch folder, within
the limits below (declared sizes are checked first, bytes are counted while unpacking);
members whose names leave that folder, symbolic links and members over a limit are refused,
one problem line each."""

from __future__ import annotations

import lzma
import os
import re
import stat
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ...i18n import _
from .layouts import file_safe, label

MAX_ARCHIVE_BYTES = 2 << 30  # unpacked from one input, the archives inside it included
MAX_ARCHIVE_MEMBERS = 5000  # files and folders in one input's archives
MAX_MEMBER_BYTES = 512 << 20  # one unpacked file
MAX_COMPRESSION_RATIO = 100  # unpacked size over packed size of one file ...
RATIO_FLOOR_BYTES = 1 << 20  # ... that unpacks to more than this
MAX_NESTED_ARCHIVES = 3  # archives inside archives, the outermost counted
COPY_CHUNK_BYTES = 1 << 20

UNPACKED_JUNK = "__MACOSX"  # macOS's resource forks: never a submission
UTF8_NAMES_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
NAME_ENCODINGS = ("utf-8", "cp949")  # tried in order for names without the UTF-8 flag
UNREADABLE_MEMBER = (  # what reading a damaged member raises
    zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError, OSError
)


class _OverLimit(Exception):
    """More bytes than a member may unpack to."""


@dataclass
class Budget:
    """What one input's archives may still unpack to, all of them together."""

    bytes_left: int = field(default_factory=lambda: MAX_ARCHIVE_BYTES)
    members_left: int = field(default_factory=lambda: MAX_ARCHIVE_MEMBERS)

    def admit(self, archive: str, members: list[zipfile.ZipInfo]) -> str | None:
        """Take `members`' declared sizes from the budget; the problem when it cannot."""
        if any(info.flag_bits & ENCRYPTED_FLAG for info in members):
            return _("{archive}: password-protected; unpack it with its password and give the "
                     "folder instead").format(archive=archive)
        if len(members) > min(self.members_left, MAX_ARCHIVE_MEMBERS):
            return _("{archive}: holds {count} files, over the limit of {limit} for one input "
                     "with the archives in it; unpack it yourself and give the folder "
                     "instead").format(
                archive=archive, count=len(members), limit=MAX_ARCHIVE_MEMBERS
            )
        size = sum(info.file_size for info in members)
        if size > min(self.bytes_left, MAX_ARCHIVE_BYTES):
            return _("{archive}: unpacks to {size}, over the limit of {limit} for one input "
                     "with the archives in it; unpack it yourself and give the folder "
                     "instead").format(
                archive=archive, size=_size(size), limit=_size(MAX_ARCHIVE_BYTES)
            )
        self.members_left -= len(members)
        self.bytes_left -= size
        return None


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it, in NFC: UTF-8 where the archive's flag says so;
    else the bytes read as UTF-8, or CP949 (Korean Windows), or else CP437 (the zip default)."""
    name = info.orig_filename
    if not info.flag_bits & UTF8_NAMES_FLAG:
        raw = name.encode("cp437")  # zipfile read the bytes as CP437
        for encoding in NAME_ENCODINGS:
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return unicodedata.normalize("NFC", name)


def safe_parts(name: str) -> tuple[str, ...] | None:
    """The folders and file a member's name makes under the unpacked folder; None for a name
    that could leave it: absolute, with a drive letter, a backslash or a `..`."""
    if "\\" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return None
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    return None if ".." in parts else parts


def copy_at_most(source: BinaryIO, target: BinaryIO, limit: int) -> int:
    """Copy `source` to `target`, counting: raise `_OverLimit` as soon as it holds more than
    `limit` bytes. The number of bytes copied."""
    copied = 0
    while chunk := source.read(min(COPY_CHUNK_BYTES, limit - copied + 1)):
        copied += len(chunk)
        if copied > limit:
            raise _OverLimit
        target.write(chunk)
    return copied


def _size(count: int) -> str:
    """A byte count for people: 900 B, 12 KB, 2048 MB."""
    for unit in ("B", "KB"):
        if count < 1024:
            return f"{count} {unit}"
        count = round(count / 1024)
    return f"{count} MB"


class Unpacker:
    """Unpacks archives into new folders of `scratch`, each named after its archive; problems
    go to `problems`, one line each."""

    def __init__(self, scratch: Path, problems: list[str]) -> None:
        self.scratch = scratch
        self.problems = problems
        self.origins: dict[Path, str] = {}  # unpacked folder -> its archive, as the TA knows it

    def shown(self, path: Path) -> str:
        """`path` as the TA knows it: inside the archive it was unpacked from."""
        for folder, archive in self.origins.items():
            if path.is_relative_to(folder):
                return "/".join((archive, *path.relative_to(folder).parts))
        return str(path)

    def unpack(self, archive: Path, budget: Budget, depth: int) -> Path | None:
        """The folder `archive` unpacked to, its unsafe members left out; None when it cannot
        be unpacked at all (`depth`: how many archives hold it, itself counted)."""
        shown = self.shown(archive)
        if depth > MAX_NESTED_ARCHIVES:
            self.problems.append(
                _("{archive}: archives nested more than {limit} deep; unpack it yourself and "
                  "give the folder instead").format(archive=shown, limit=MAX_NESTED_ARCHIVES)
            )
            return None
        try:
            with zipfile.ZipFile(archive) as zipped:
                members = zipped.infolist()
                problem = budget.admit(shown, members)
                if problem:
                    self.problems.append(problem)
                    return None
                folder = self._new_folder(archive)
                self.origins[folder] = shown
                for info in members:
                    problem = _unpack_member(zipped, info, folder, shown)
                    if problem:
                        self.problems.append(problem)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            self.problems.append(_unreadable(archive, shown, exc))
            return None
        return folder

    def _new_folder(self, archive: Path) -> Path:
        number = 0
        while (self.scratch / str(number)).exists():
            number += 1
        folder = self.scratch / str(number) / file_safe(label(archive))
        folder.mkdir(parents=True)
        return folder


def _unreadable(archive: Path, shown: str, exc: Exception) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return _("{archive}: cannot be read ({error}); check the path").format(
            archive=shown, error=exc.strerror or exc
        )
    with archive.open("rb") as data:
        zip_like = data.read(2) == b"PK"
    if zip_like:
        return _("{archive}: a damaged or truncated zip archive; download it again").format(
            archive=shown
        )
    return _("{archive}: not a zip archive; give a .zip file, or unpack it and give the "
             "folder").format(archive=shown)


def _unpack_member(
    zipped: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path, archive: str
) -> str | None:
    """Unpack one member under `folder`, with its time; the problem where it is refused or
    cannot be read."""
    name = member_name(info)
    refusal = _refusal(info, archive, name)
    if refusal:
        return refusal
    parts = safe_parts(name) or ()
    if not parts or parts[0] == UNPACKED_JUNK:
        return None
    target = folder.joinpath(*parts)
    try:
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipped.open(info) as source, target.open("xb") as sink:
            copy_at_most(source, sink, info.file_size)
        _set_mtime(target, info.date_time)
    except _OverLimit:
        target.unlink()
        return _(
            "{archive}: {member}: refused, it unpacks to more than the {size} its header "
            "declares (a zip bomb?); its other files were unpacked"
        ).format(archive=archive, member=name, size=_size(info.file_size))
    except UNREADABLE_MEMBER as exc:
        if target.is_file():
            target.unlink()
        return _(
            "{archive}: {member}: cannot be unpacked ({error}); download the archive again"
        ).format(archive=archive, member=name, error=exc)
    return None


def _refusal(info: zipfile.ZipInfo, archive: str, member: str) -> str | None:
    """Why a member is not unpacked at all, or None."""
    if safe_parts(member) is None:
        return _(
            "{archive}: {member}: refused, a name outside the archive's folder (absolute, a "
            "drive letter, `..` or a backslash); its other files were unpacked"
        ).format(archive=archive, member=member)
    if stat.S_ISLNK(info.external_attr >> 16):
        return _(
            "{archive}: {member}: refused, a symbolic link; its other files were unpacked"
        ).format(archive=archive, member=member)
    if info.file_size > MAX_MEMBER_BYTES:
        return _(
            "{archive}: {member}: refused, it unpacks to {size}, over the limit of {limit} for "
            "one file; its other files were unpacked"
        ).format(
            archive=archive, member=member, size=_size(info.file_size),
            limit=_size(MAX_MEMBER_BYTES),
        )
    if info.file_size > max(RATIO_FLOOR_BYTES, MAX_COMPRESSION_RATIO * info.compress_size):
        return _(
            "{archive}: {member}: refused, compressed {ratio} times, over the limit of {limit} "
            "(a zip bomb?); its other files were unpacked"
        ).format(
            archive=archive, member=member, ratio=info.file_size // max(info.compress_size, 1),
            limit=MAX_COMPRESSION_RATIO,
        )
    return None


def _set_mtime(path: Path, date_time: tuple[int, int, int, int, int, int]) -> None:
    """Give `path` the member's time (the zip's local time), by which duplicates are ordered."""
    try:
        stamp = time.mktime((*date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return
    os.utime(path, (stamp, stamp))

