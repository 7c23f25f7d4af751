"""Write the gradebook, results.json and feedback files, each atomically.

Every file is written to a temporary name in the same folder and renamed into
place, so an interrupted run leaves either the old file or the new one.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from ..score import SubmissionResult
from .feedback import feedback_markdown


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _clean(value: Any) -> Any:
    """JSON without NaN or infinity (they become strings)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def results_json(assignment: str, results: list[SubmissionResult]) -> str:
    data = {"assignment": assignment, "submissions": [r.to_json() for r in results]}
    return json.dumps(_clean(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def gradebook_csv(question_ids: list[str], results: list[SubmissionResult]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", *question_ids, "total", "max", "error"])
    for result in results:
        scores = {q.id: q.score for q in result.questions}
        writer.writerow(
            [
                result.student,
                *(f"{scores.get(q, 0):g}" for q in question_ids),
                f"{result.score:g}",
                f"{result.max_score:g}",
                result.error or "",
            ]
        )
    return out.getvalue()


def write_reports(
    out_dir: Path, assignment: str, question_ids: list[str], results: list[SubmissionResult]
) -> list[Path]:
    """Write results.json, gradebook.csv and feedback/<student>.md; return the paths."""
    written = []
    for result in results:
        path = out_dir / "feedback" / f"{result.student}.md"
        write_atomic(path, feedback_markdown(result))
        written.append(path)
    for name, text in (
        ("results.json", results_json(assignment, results)),
        ("gradebook.csv", gradebook_csv(question_ids, results)),
    ):
        write_atomic(out_dir / name, text)
        written.append(out_dir / name)
    return written
