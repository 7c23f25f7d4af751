"""The class roster: reading its CSV and matching a submission's `Key` to its students."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...i18n import _
from .layouts import Key

ROSTER_ENCODINGS = ("utf-8-sig", "cp949")
ROSTER_COLUMNS = ("id", "name", "email", "login", "lms_id")


class RosterError(ValueError):
    """A roster that cannot be used; the message is one line naming file, line and fix."""


@dataclass(frozen=True)
class RosterStudent:
    """One row of the roster."""

    id: str
    name: str | None = None
    email: str | None = None
    login: str | None = None
    lms_id: str | None = None

    def logins(self) -> set[str]:
        """What a file name may call the student by login: login, e-mail local part, id."""
        local_part = self.email.split("@")[0] if self.email else None
        return {value.casefold() for value in (self.login, local_part, self.id) if value}


@dataclass(frozen=True)
class Roster:
    """The class list a submission's key is matched against."""

    path: Path
    students: tuple[RosterStudent, ...]

    def match(self, key: Key) -> tuple[RosterStudent, ...]:
        """The students `key` names: by LMS id, else by login, else by name; the first of
        these that names anyone (several where it is ambiguous)."""
        login = key.text.casefold()
        forms = name_forms(key.name or key.text)
        tiers: tuple[Callable[[RosterStudent], bool], ...] = (
            lambda student: key.lms_id is not None and student.lms_id == key.lms_id,
            lambda student: login in student.logins(),
            lambda student: student.name is not None and bool(name_forms(student.name) & forms),
        )
        for names_student in tiers:
            found = tuple(student for student in self.students if names_student(student))
            if found:
                return found
        return ()


def name_forms(name: str) -> set[str]:
    """The forms under which two spellings of a name are one: NFC, case and spaces ignored
    (`_` counts as a space), and a Latin name's last word also first, or its first word last
    (`kim_minsu` is "Minsu Kim")."""
    words = [w for w in re.split(r"[\s_]+", unicodedata.normalize("NFC", name).casefold()) if w]
    forms = {"".join(words)}
    if len(words) > 1 and all(map(_latin, words)):
        forms |= {"".join(words[-1:] + words[:-1]), "".join(words[1:] + words[:1])}
    return forms


def _latin(word: str) -> bool:
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in word)


def read_roster(path: Path) -> Roster:
    """Read a roster CSV: a header row naming `id` and any of `name`, `email`, `login`,
    `lms_id`; UTF-8 (with or without Excel's BOM) or CP949. Blank rows are skipped.
    Raise `RosterError` for a missing `id` column, an empty id or a duplicate id."""
    reader = csv.reader(io.StringIO(_roster_text(path), newline=""))
    try:
        header = next(reader, None)
        columns = [column.strip().casefold() for column in header or ()]
        if "id" not in columns:
            raise RosterError(
                _("{file}:1: no `id` column (found: {columns}); name the student-id column `id`")
                .format(file=path, columns=", ".join(c for c in columns if c) or "-")
            )
        students: dict[str, RosterStudent] = {}
        first_line: dict[str, int] = {}
        for row in reader:
            if any(cell.strip() for cell in row):
                student = _roster_student(path, reader.line_num, dict(zip(columns, row)))
                if student.id in first_line:
                    raise RosterError(
                        _("{file}:{line}: id {id} is already on line {first}; keep one row per "
                          "student").format(file=path, line=reader.line_num, id=student.id,
                                            first=first_line[student.id])
                    )
                first_line[student.id] = reader.line_num
                students[student.id] = student
    except csv.Error as exc:
        raise RosterError(
            _("{file}:{line}: not valid CSV ({error}); save the roster as CSV again").format(
                file=path, line=reader.line_num, error=exc
            )
        ) from exc
    return Roster(path, tuple(students.values()))


def _roster_student(path: Path, line: int, row: dict[str, str]) -> RosterStudent:
    values = {
        column: unicodedata.normalize("NFC", row.get(column, "").strip()) or None
        for column in ROSTER_COLUMNS
    }
    if not values["id"]:
        raise RosterError(
            _("{file}:{line}: empty `id`; fill in the student id or delete the row").format(
                file=path, line=line
            )
        )
    return RosterStudent(**values)


def _roster_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(
            _("{file}: cannot read the roster ({error}); check the path").format(
                file=path, error=exc.strerror or exc
            )
        ) from exc
    errors: list[UnicodeDecodeError] = []
    for encoding in ROSTER_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            errors.append(exc)
    raise RosterError(
        _("{file}:{line}: neither UTF-8 nor CP949 text; save the roster as CSV UTF-8").format(
            file=path, line=data[: errors[0].start].count(b"\n") + 1
        )
    )

