"""Write the gradebook, results.json, feedback files and the grader-error log, each atomically.

Every file is written to a temporary name in the same folder and renamed into
place, so an interrupted run leaves either the old file or the new one.

In the gradebook, `total` counts the checks that were graded and the written answers a TA
scored; `pending_manual` is the points of written answers no TA has scored yet (the total is
provisional while it is not 0); `grader_errors` is the
number of checks the grader failed on (0 for a complete row): a row with grader errors
is incomplete, to be graded again once the fault is fixed (`grader-errors.log` has it).
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


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `path` so that readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
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
    writer.writerow(
        ["student", *question_ids, "total", "max", "pending_manual", "grader_errors", "error"]
    )
    for result in results:
        scores = {q.id: q.score for q in result.questions}
        writer.writerow(
            [
                result.student,
                *(f"{scores.get(q, 0):g}" for q in question_ids),
                f"{result.score:g}",
                f"{result.max_score:g}",
                f"{result.pending_manual:g}",
                result.grader_errors,
                result.error or "",
            ]
        )
    return out.getvalue()


GRADER_ERRORS_LOG = "grader-errors.log"


def grader_errors_log(results: list[SubmissionResult]) -> str:
    """Every grader error of a batch, for the TA: student, question/check, traceback."""
    blocks = []
    for result in results:
        for fault in result.faults():
            blocks.append(
                f"== {result.student} ({result.path}): {fault.place}\n{fault.error}\n"
                f"{fault.traceback.rstrip()}\n"
            )
    return "\n".join(blocks)


def write_gradebook(
    out_dir: Path, assignment: str, question_ids: list[str], results: list[SubmissionResult]
) -> list[Path]:
    """Write results.json, gradebook.csv and, when the grader failed on some check,
    grader-errors.log (an older one is removed); return the paths."""
    written = []
    for name, text in (
        ("results.json", results_json(assignment, results)),
        ("gradebook.csv", gradebook_csv(question_ids, results)),
    ):
        write_atomic(out_dir / name, text)
        written.append(out_dir / name)
    log = grader_errors_log(results)
    if log:
        write_atomic(out_dir / GRADER_ERRORS_LOG, log)
        written.append(out_dir / GRADER_ERRORS_LOG)
    else:
        (out_dir / GRADER_ERRORS_LOG).unlink(missing_ok=True)
    return written


def write_feedback(out_dir: Path, result: SubmissionResult) -> Path:
    """Write feedback/<student>.md; return its path."""
    path = out_dir / "feedback" / f"{result.student}.md"
    write_atomic(path, feedback_markdown(result))
    return path


def write_reports(
    out_dir: Path, assignment: str, question_ids: list[str], results: list[SubmissionResult]
) -> list[Path]:
    """Write feedback/<student>.md for each result, then the gradebook (see
    `write_gradebook`); return the paths."""
    written = [write_feedback(out_dir, result) for result in results]
    return written + write_gradebook(out_dir, assignment, question_ids, results)
