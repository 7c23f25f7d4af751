"""The TA's scores of written answers and their reusable comments: one SQLite database in OUT.

The database is in WAL mode, so that readers (the reports, a second TA's page) never wait
for a writer; each save is its own short transaction. A mark is keyed by student, question
and check, so it survives grading and re-judging again; it keeps the hash of the answer it
was given for, so that a changed answer is flagged for review again. Each mark has a version:
a save names the version it was made on, and one made on an older version is refused (another
TA saved in between) rather than silently overwriting it.

Comments are a library per check: a mark names the comments it uses, so a comment edited
once reads the same for every student it was given to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..i18n import _

DATABASE = Path(".dlgrade") / "review.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE marks (
    student TEXT NOT NULL,
    question TEXT NOT NULL,
    check_id TEXT NOT NULL,
    points REAL NOT NULL,
    answer_hash TEXT NOT NULL,
    reviewer TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (student, question, check_id)
);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    check_id TEXT NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (question, check_id, text)
);
CREATE TABLE mark_comments (
    student TEXT NOT NULL,
    question TEXT NOT NULL,
    check_id TEXT NOT NULL,
    comment INTEGER NOT NULL REFERENCES comments (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (student, question, check_id, comment)
);
"""


class StoreError(Exception):
    """The review database cannot be used; the message names the file and the fix."""


class _Stale(Exception):
    """Inside a save: the mark's version is not the one the save was made on."""


class Conflict(Exception):
    """Another save changed this mark since the page read it."""

    def __init__(self, current: StoredMark | None) -> None:
        super().__init__("the mark changed since it was read")
        self.current = current


@dataclass
class Comment:
    id: int
    text: str


@dataclass
class StoredMark:
    """One written answer's score as saved."""

    student: str
    question: str
    check: str
    points: float
    answer_hash: str
    reviewer: str
    updated: str
    version: int
    comments: list[Comment] = field(default_factory=list)

    @property
    def comment(self) -> str:
        """The comments' texts, one per line, as the student reads them."""
        return "\n".join(comment.text for comment in self.comments)


class ReviewStore:
    """The review database of one graded class (`OUT/.dlgrade/review.sqlite3`)."""

    def __init__(self, out_dir: Path, create: bool = True) -> None:
        self.path = out_dir / DATABASE
        if not self.path.exists() and not create:
            raise StoreError(_("{file}: no review database").format(file=self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            self._migrate(db)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection of its own (one per call: the server's threads never share one)."""
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(
                _(
                    "{file}: cannot open the review database ({error}); check the folder's "
                    "permissions"
                ).format(file=self.path, error=exc)
            ) from None
        try:
            db.execute("PRAGMA foreign_keys = ON")
            yield db
        finally:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so that two writers queue rather than fail."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _migrate(self, db: sqlite3.Connection) -> None:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                db.execute("BEGIN IMMEDIATE")
                if db.execute("PRAGMA user_version").fetchone()[0] == 0:  # not made meanwhile
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    _(
                        "{file}: review database of a newer dlgrade (schema {found}, this one "
                        "reads {known}); upgrade dlgrade"
                    ).format(file=self.path, found=version, known=SCHEMA_VERSION)
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                _(
                    "{file}: not a review database ({error}); move it aside and import the "
                    "scores from a CSV export with `grade review OUT --import FILE`"
                ).format(file=self.path, error=exc)
            ) from None

    # -- reading -----------------------------------------------------------------------------

    def marks(self, student: str | None = None) -> dict[tuple[str, str, str], StoredMark]:
        """Every mark (of `student`, where given) by (student, question, check)."""
        where, args = ("WHERE student = ?", (student,)) if student is not None else ("", ())
        with self._connection() as db:
            rows = db.execute(
                "SELECT student, question, check_id, points, answer_hash, reviewer, updated, "
                f"version FROM marks {where}",
                args,
            ).fetchall()
            links = db.execute(
                "SELECT l.student, l.question, l.check_id, c.id, c.text FROM mark_comments l "
                f"JOIN comments c ON c.id = l.comment {where.replace('student', 'l.student')} "
                "ORDER BY l.position",
                args,
            ).fetchall()
        marks = {(r[0], r[1], r[2]): StoredMark(*r) for r in rows}
        for student_id, question, check, comment_id, text in links:
            mark = marks.get((student_id, question, check))
            if mark is not None:
                mark.comments.append(Comment(comment_id, text))
        return marks

    def mark(self, student: str, question: str, check: str) -> StoredMark | None:
        return self.marks(student).get((student, question, check))

    def comments(self, question: str, check: str) -> list[Comment]:
        """The comment library of one check, oldest first."""
        with self._connection() as db:
            rows = db.execute(
                "SELECT id, text FROM comments WHERE question = ? AND check_id = ? ORDER BY id",
                (question, check),
            ).fetchall()
        return [Comment(*row) for row in rows]

    # -- writing -----------------------------------------------------------------------------

    def save(
        self,
        student: str,
        question: str,
        check: str,
        points: float,
        answer_hash: str,
        comment_ids: list[int],
        base_version: int | None,
        reviewer: str = "",
    ) -> StoredMark:
        """Save one mark in its own transaction and return it. `base_version` is the version
        the page read (0: no mark yet; None: whatever is there, as an import does); a mark
        changed since is not overwritten: `Conflict` carries the current one."""
        try:
            self._write_mark(
                student, question, check, points, answer_hash, comment_ids, base_version, reviewer
            )
        except _Stale:
            raise Conflict(self.mark(student, question, check)) from None
        saved = self.mark(student, question, check)
        assert saved is not None
        return saved

    def _write_mark(
        self,
        student: str,
        question: str,
        check: str,
        points: float,
        answer_hash: str,
        comment_ids: list[int],
        base_version: int | None,
        reviewer: str,
    ) -> None:
        with self._transaction() as db:
            row = db.execute(
                "SELECT version FROM marks WHERE student = ? AND question = ? AND check_id = ?",
                (student, question, check),
            ).fetchone()
            current = row[0] if row else 0
            if base_version is not None and base_version != current:
                raise _Stale
            known = {
                r[0]
                for r in db.execute(
                    "SELECT id FROM comments WHERE question = ? AND check_id = ?",
                    (question, check),
                )
            }
            unknown = [i for i in comment_ids if i not in known]
            if unknown:
                raise StoreError(
                    _("comment {id} is not one of this check's comments").format(id=unknown[0])
                )
            db.execute(
                "INSERT INTO marks (student, question, check_id, points, answer_hash, reviewer, "
                "updated, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (student, question, check_id) DO UPDATE SET points = excluded.points, "
                "answer_hash = excluded.answer_hash, reviewer = excluded.reviewer, "
                "updated = excluded.updated, version = excluded.version",
                (student, question, check, points, answer_hash, reviewer, _now(), current + 1),
            )
            db.execute(
                "DELETE FROM mark_comments WHERE student = ? AND question = ? AND check_id = ?",
                (student, question, check),
            )
            db.executemany(
                "INSERT INTO mark_comments VALUES (?, ?, ?, ?, ?)",
                [
                    (student, question, check, comment_id, position)
                    for position, comment_id in enumerate(dict.fromkeys(comment_ids))
                ],
            )

    def add_comment(self, question: str, check: str, text: str) -> Comment:
        """A comment for the library of one check (the existing one where the text is known)."""
        text = _comment_text(text)
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO comments (question, check_id, text) VALUES (?, ?, ?)",
                (question, check, text),
            )
            row = db.execute(
                "SELECT id FROM comments WHERE question = ? AND check_id = ? AND text = ?",
                (question, check, text),
            ).fetchone()
        return Comment(row[0], text)

    def edit_comment(self, comment_id: int, text: str) -> Comment:
        """Change a library comment's text: every mark that uses it reads the new text."""
        text = _comment_text(text)
        try:
            with self._transaction() as db:
                updated = db.execute(
                    "UPDATE comments SET text = ? WHERE id = ?", (text, comment_id)
                ).rowcount
        except sqlite3.IntegrityError:
            raise StoreError(_("another comment of this check already says this")) from None
        if not updated:
            raise StoreError(_("no comment {id}").format(id=comment_id))
        return Comment(comment_id, text)


def _comment_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise StoreError(_("a comment needs some text"))
    return text


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
