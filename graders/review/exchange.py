"""The TA's marks as CSV: written by `grade review OUT --export FILE`, read back by
`--import FILE` (another TA's marks, or ones edited in a spreadsheet).

One row per scored answer: student, question, check, points, max_points, comment (the
comments' texts, one per line), state (`scored`, or `flagged` where the answer changed since),
reviewer and time. An import is checked whole before anything is saved: a file with one bad
row changes nothing, and its error names the row and the fix.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from ..i18n import _
from .session import ReviewSession

COLUMNS = ["student", "question", "check", "points", "max_points", "comment", "state",
           "reviewer", "updated"]  # fmt: skip
REQUIRED = ("student", "question", "check", "points")


class ExchangeError(Exception):
    """A CSV that cannot be imported; the message names the file, the row and the fix."""


def export_csv(session: ReviewSession) -> str:
    """Every mark of the class, in the order of the review page."""
    marks = session.marks()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in session.items:
        mark = marks.get(item.key)
        if mark is None:
            continue
        writer.writerow(
            [
                *item.key,
                f"{mark.points:g}",
                f"{item.points:g}",
                mark.comment,
                session.state(item, mark),
                mark.reviewer,
                mark.updated,
            ]
        )
    return out.getvalue()


def import_csv(session: ReviewSession, path: Path, reviewer: str = "") -> int:
    """Save the marks of `path` (each for the answer as it reads now); return how many."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExchangeError(
            _("{file}: cannot read it ({error}); give a UTF-8 CSV from `--export`").format(
                file=path, error=type(exc).__name__
            )
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ExchangeError(
            _("{file}: line 1: no column {columns}; the header needs {required}").format(
                file=path, columns=", ".join(missing), required=", ".join(REQUIRED)
            )
        )
    items = {item.key: item for item in session.items}
    rows = []
    for row in reader:
        where = f"{path}: " + _("line {line}").format(line=reader.line_num)
        key = (row["student"] or "", row["question"] or "", row["check"] or "")
        item = items.get(key)
        if item is None:
            raise ExchangeError(
                _(
                    "{where}: no written answer {student} / {question} / {check} in this class; "
                    "check the student id and the question and check ids (`grade list`)"
                ).format(where=where, student=key[0], question=key[1], check=key[2])
            )
        try:
            points = float(row["points"])
        except (TypeError, ValueError):
            points = math.nan
        if not 0 <= points <= item.points:
            raise ExchangeError(
                _("{where}: points {points!r} is not a number between 0 and {max:g}").format(
                    where=where, points=row["points"], max=item.points
                )
            )
        comments = [line.strip() for line in (row.get("comment") or "").splitlines()]
        rows.append((item, points, [c for c in comments if c]))
    for item, points, comments in rows:
        ids = [session.store.add_comment(item.question.id, item.check.id, c).id for c in comments]
        session.save(item, points, ids, base_version=None, reviewer=reviewer)
    return len(rows)
