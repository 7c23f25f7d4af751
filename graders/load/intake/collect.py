"""Gathering the submissions under a TA's inputs, one per student: each found submission's
key read and matched to the roster, the latest of one student's several kept, the others
named in a note."""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ...i18n import _
from ..submissions import IGNORED, SOURCE_SUFFIXES, discover, student_id
from .archives import UNPACKED_JUNK, Budget, Unpacker
from .layouts import LAYOUTS, Key, file_safe, label, read_key
from .roster import Roster, RosterStudent

ARCHIVE_SUFFIX = ".zip"
BUNDLED = "together"  # under scratch: the files of one student put back together


# --- Output ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One student's submission to grade."""

    path: Path  # what to grade (file or folder), as discover() returns it
    student: str  # the gradebook id: the roster's, else the parsed key made safe for file names
    name: str | None  # display name: the roster's, else the parsed one
    notes: tuple[str, ...] = ()  # for the TA: left-out duplicates, "not on the roster"

    @classmethod
    def of(cls, path: Path) -> Target:
        """A submission given as it is, its student named by its file or folder."""
        return cls(path=path, student=student_id(path), name=None)


@dataclass
class Intake:
    """What the inputs hold: the entries to grade, who sent nothing, what could not be read."""

    entries: list[Target]
    missing: list[RosterStudent]  # on the roster, nothing submitted
    problems: list[str]  # one line each: a bad archive, a refused member, ...


# --- Submissions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A submission path and the names that may say whose it is."""

    path: Path  # what to grade
    labels: tuple[str, ...]  # its names, outermost first, from the archive or folder it was in
    shown: str  # its outermost file or folder, as the TA knows it (in its archive)
    parts: tuple[str, ...] = ()  # the files an LMS listed apart, put back together here


def _is_archive(path: Path) -> bool:
    return path.suffix.lower() == ARCHIVE_SUFFIX and path.is_file()


def _holds_code(archive: Path) -> bool:
    """Whether an archive lists a notebook or module (or cannot be listed, to say why)."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = zipped.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return True
    return any(n.endswith(SOURCE_SUFFIXES) and not n.startswith(UNPACKED_JUNK) for n in names)


def _junk(path: Path) -> bool:
    return path.name.startswith(".") or path.name in IGNORED or path.name == UNPACKED_JUNK


class _Collector:
    """Finds the submissions under each input, unpacking archives on the way."""

    def __init__(self, scratch: Path, problems: list[str]) -> None:
        self.unpacker = Unpacker(scratch, problems)

    def submissions(self, path: Path) -> list[_Found]:
        """The submissions of one input: a file, a folder or an archive."""
        budget = Budget()
        if path.suffix.lower() == ARCHIVE_SUFFIX and not path.is_dir():
            return self._in_archive(path, budget, depth=1)
        if path.is_dir():
            return self._in_folder(path, (label(path),), str(path), budget, depth=0)
        return [_Found(found, (label(found),), str(found)) for found in discover([path])]

    def _in_archive(self, archive: Path, budget: Budget, depth: int) -> list[_Found]:
        """An archive read as the folder it unpacks to, past folders that only wrap it; one
        that an LMS named for one student is that student's submission, whatever it holds."""
        folder = self.unpacker.unpack(archive, budget, depth)
        if folder is None:
            return []
        path, labels = self._descend(folder, (label(archive),), budget, depth)
        shown = self.unpacker.shown(folder)
        if any(layout.read(labels[0]) for layout in LAYOUTS):
            return [_Found(path, labels, shown)]
        return self._in_folder(path, labels, shown, budget, depth)

    def _in_folder(
        self, folder: Path, labels: tuple[str, ...], shown: str, budget: Budget, depth: int
    ) -> list[_Found]:
        """A folder's submissions: the folder where `discover()` takes it as one and no
        archive in it holds code; else each entry `discover()` finds in it, and each archive."""
        archives = sorted(p for p in folder.iterdir() if _is_archive(p) and not _junk(p))
        found = discover([folder])
        if found == [folder] and not any(map(_holds_code, archives)):
            return [_Found(folder, labels, shown)]
        if found == [folder]:
            found = [e for e in sorted(folder.iterdir()) if e.suffix in SOURCE_SUFFIXES]
        submissions = [self._entry(entry, budget, depth) for entry in found]
        for archive in archives:
            submissions += self._in_archive(archive, budget, depth + 1)
        return submissions

    def _entry(self, entry: Path, budget: Budget, depth: int) -> _Found:
        path, labels = self._descend(entry, (label(entry),), budget, depth)
        return _Found(path, labels, self.unpacker.shown(entry))

    def _descend(
        self, path: Path, labels: tuple[str, ...], budget: Budget, depth: int
    ) -> tuple[Path, tuple[str, ...]]:
        """Past folders that only wrap a submission: ones holding no notebook or module and
        one folder or one archive (unpacked), other files aside; with the names passed."""
        while path.is_dir():
            children = [child for child in path.iterdir() if not _junk(child)]
            if any(child.is_file() and child.suffix in SOURCE_SUFFIXES for child in children):
                break
            inner = [child for child in children if child.is_dir() or _is_archive(child)]
            if len(inner) != 1:
                break
            if inner[0].is_dir():
                path = inner[0]
            else:
                depth += 1
                unpacked = self.unpacker.unpack(inner[0], budget, depth)
                if unpacked is None:
                    break
                path = unpacked
            labels += (label(inner[0]),)
        return path, labels


# --- Students -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A found submission: whose its names say it is, and how recent it is."""

    found: _Found
    key: Key
    matches: tuple[RosterStudent, ...]  # the roster students its key names
    holds_code: bool
    mtime: float  # its newest file's

    @classmethod
    def of(cls, found: _Found, roster: Roster | None) -> _Candidate:
        key = read_key(found.labels)
        path = found.path
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        return cls(
            found,
            key,
            roster.match(key) if roster else (),
            holds_code=any(p.suffix in SOURCE_SUFFIXES for p in files),
            mtime=max((p.stat().st_mtime for p in files if p.exists()), default=0.0),
        )

    @property
    def student(self) -> RosterStudent | None:
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def identity(self) -> str:
        """The same for one student's submissions: roster id, else LMS id, else key."""
        if self.student:
            return "roster:" + self.student.id
        if self.key.lms_id:
            return "lms:" + self.key.lms_id
        return "key:" + file_safe(self.key.text).casefold()

    def recency(self) -> tuple[bool, str, int, float, str]:
        """Larger for the submission to keep: holding code, then the latest attempt
        (Blackboard), resubmission (Canvas), newest file (the zip's time)."""
        key = self.key
        return (self.holds_code, key.attempt, key.resubmission, self.mtime, self.found.shown)


def intake(paths: list[Path], scratch: Path, roster: Roster | None = None) -> Intake:
    """The submissions to grade in `paths` (files, folders, `.zip` archives, which are
    unpacked into `scratch`, a folder outside the inputs), one per student: matched to `roster`
    where one is given, and the latest kept where a student sent several."""
    problems: list[str] = []
    collector = _Collector(scratch, problems)
    groups: dict[str, list[_Candidate]] = {}
    for path in paths:
        for found in collector.submissions(path):
            candidate = _Candidate.of(found, roster)
            groups.setdefault(candidate.identity, []).append(candidate)
    for number, (identity, group) in enumerate(groups.items()):
        groups[identity] = _together(group, scratch / BUNDLED / str(number), roster)
        groups[identity].sort(key=_Candidate.recency, reverse=True)
    ids = _student_ids({identity: group[0] for identity, group in groups.items()}, roster)
    entries = [_entry(group, ids[identity], roster) for identity, group in groups.items()]
    graded = {group[0].student.id for group in groups.values() if group[0].student}
    missing = [s for s in roster.students if s.id not in graded] if roster else []
    return Intake(sorted(entries, key=lambda entry: entry.student), missing, problems)


def _together(group: list[_Candidate], folder: Path, roster: Roster | None) -> list[_Candidate]:
    """One student's files that an LMS listed apart (Canvas and Blackboard name each uploaded
    file on its own: `kim_123_456_hw1.ipynb`, `kim_123_457_utils.py`), copied under the names
    the student gave them into `folder`, as one submission where they form one (a notebook
    and the modules it imports, say); the latest of each name, the older ones left out."""
    latest: dict[str, _Candidate] = {}
    for candidate in sorted(group, key=_Candidate.recency):
        name = candidate.key.file.casefold()
        if name and candidate.found.path.is_file():
            latest[name + candidate.found.path.suffix.casefold()] = candidate
    if len(latest) < 2:
        return group
    folder.mkdir(parents=True)
    for candidate in latest.values():
        source = candidate.found.path
        shutil.copy2(source, folder / (candidate.key.file + source.suffix))
    if discover([folder]) != [folder]:  # not one submission: each is graded as it came
        shutil.rmtree(folder)
        return group
    parts = tuple(sorted(c.found.shown for c in latest.values()))
    entry = max(latest.values(), key=lambda c: (c.found.path.suffix == ".ipynb", c.recency()))
    bundle = _Found(folder, entry.found.labels, entry.found.shown, parts)
    bundled = {id(c) for c in latest.values()}
    return [_Candidate.of(bundle, roster), *(c for c in group if id(c) not in bundled)]


def _student_ids(kept: dict[str, _Candidate], roster: Roster | None) -> dict[str, str]:
    """Each student's gradebook id: the roster's; else the key made safe for file names, with
    the LMS id (else a number) appended where two students would share it."""
    ids = {identity: c.student.id for identity, c in kept.items() if c.student}
    taken = {student.id for student in roster.students} if roster else set()
    unlisted = sorted(
        ((c.found.shown, identity, c) for identity, c in kept.items() if not c.student)
    )
    bases = Counter(file_safe(c.key.text) for _shown, _identity, c in unlisted)
    for _shown, identity, candidate in unlisted:
        base = student = file_safe(candidate.key.text)
        if (bases[base] > 1 or base in taken) and candidate.key.lms_id:
            student = f"{base}_{candidate.key.lms_id}"
        number = 2
        while student in taken:
            student, number = f"{base}_{number}", number + 1
        taken.add(student)
        ids[identity] = student
    return ids


def _entry(group: list[_Candidate], student: str, roster: Roster | None) -> Target:
    """The entry of one student's submissions, the most recent first."""
    kept = group[0]
    notes = [_kept_note(kept, group[1:])] if len(group) > 1 else []
    if kept.found.parts:
        notes.insert(
            0,
            _("handed in as separate files, graded together: {files}").format(
                files=", ".join(kept.found.parts)
            ),
        )
    if roster and kept.student is None:
        notes.append(_roster_note(kept))
    name = (kept.student.name if kept.student else None) or kept.key.name
    return Target(kept.found.path, student, name, tuple(notes))


def _kept_note(kept: _Candidate, left_out: list[_Candidate]) -> str:
    """Which of a student's submissions is graded, and why."""
    runner_up = left_out[0]
    names = {"kept": kept.found.shown, "left_out": ", ".join(c.found.shown for c in left_out)}
    if kept.holds_code != runner_up.holds_code:
        note = _("kept {kept}, the only one with a notebook or module; left out {left_out}")
    elif kept.key.attempt != runner_up.key.attempt:
        note = _("kept {kept}, the latest attempt; left out {left_out}")
    elif kept.key.resubmission != runner_up.key.resubmission:
        note = _("kept {kept}, the latest resubmission; left out {left_out}")
    elif kept.mtime != runner_up.mtime:
        note = _("kept {kept}, the newest file; left out {left_out}")
    else:
        note = _(
            "kept {kept} of submissions equally recent, left out {left_out}; check which "
            "one to grade"
        )
    return note.format(**names)


def _roster_note(candidate: _Candidate) -> str:
    if candidate.matches:
        return _(
            "names {students} on the roster, not one of them; add an `lms_id` or `login` "
            "column to tell them apart"
        ).format(students=", ".join(student.id for student in candidate.matches))
    return _("not on the roster")
