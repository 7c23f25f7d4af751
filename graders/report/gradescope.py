"""Scores for other systems: Gradescope's autograder `results.json` and a CSV for an LMS.

`results.json` follows Gradescope's autograder output format: a top-level `score`,
`execution_time` (seconds), `output` (what concerns the whole submission) and one test per
check (`name`, `number`, `score`, `max_score`, `status`, `output`, `visibility`). A public
check is `visible`; a hidden one is shown `after_published`, and its output is the message
a student may read, never the expected value. The total possible points go in
`extra_data`, since the format has no top-level field for them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..i18n import _, ngettext
from ..judge.verdict import GRADER_ERROR, MANUAL, NOT_GRADED, PASS
from ..score import CheckResult, SubmissionResult
from .files import write_atomic

LMS_CSV = "lms-import.csv"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _check_output(check: CheckResult) -> str:
    """What Gradescope shows for a check: its message, and for a public check the detail."""
    if check.reviewed:
        lines = [_("Scored by your TA.")]
        if check.comment:
            lines.append(_("TA: {comment}").format(comment=check.comment))
        return "\n".join(lines)
    if not check.scored:
        lines = [_("Your TA grades this answer.")]
        if check.message:
            lines.append(check.message)
        return "\n".join(lines)
    lines = [check.message]
    # A hidden check's detail states what it expected; a grader error's names the grader's code.
    if check.detail and check.visibility == "public" and check.status != GRADER_ERROR:
        lines.append(_("Details: {detail}").format(detail=check.detail))
    if check.convention:
        lines.append(
            _("Accepted convention that matched: {convention}").format(convention=check.convention)
        )
    return "\n".join(line for line in lines if line)


def _test(question_id: str, index: int, check: CheckResult) -> dict[str, Any]:
    test: dict[str, Any] = {
        "name": f"{question_id} / {check.title or check.id}",
        "number": f"{question_id}.{index}",
        "score": check.score,
        "max_score": check.max_score,
        "output": _check_output(check),
        "visibility": "visible" if check.visibility == "public" else "after_published",
    }
    if (check.scored or check.reviewed) and check.status not in (MANUAL, NOT_GRADED, GRADER_ERROR):
        test["status"] = "passed" if check.status == PASS else "failed"
    return test


def _overall_output(result: SubmissionResult) -> str:
    lines = []
    if result.error:
        lines.append(_("Not graded: {reason}").format(reason=result.error))
    if result.grader_error:
        lines.append(
            _(
                "Not graded: a fault in the grader, not in your work, stopped the grading of "
                "this submission; your TA has been told."
            )
        )
    elif result.grader_errors:
        text = ngettext(
            "{count} check could not be graded because of a fault in the grader, not in your "
            "work; your TA has been told.",
            "{count} checks could not be graded because of a fault in the grader, not in your "
            "work; your TA has been told.",
            result.grader_errors,
        )
        lines.append(text.format(count=result.grader_errors))
    if result.pending_manual:
        lines.append(_("Provisional: {pending}").format(pending=result.provisional()))
    if result.notes:
        lines.append(_("While your code ran:"))
        lines += [f"- {note}" for note in result.notes]
    return "\n".join(lines)


def gradescope_results(result: SubmissionResult) -> dict[str, Any]:
    """One submission as Gradescope's autograder results.json: one test per check, numbered
    `<question>.<check>` from 1; a written answer no TA has scored yet scores 0 of its points,
    and the output says the total is provisional."""
    tests = [
        _test(question.id, index, check)
        for question in result.questions
        for index, check in enumerate(question.checks, start=1)
    ]
    data: dict[str, Any] = {
        "score": result.score,
        "execution_time": round(result.seconds),
        "stdout_visibility": "hidden",
        "extra_data": {
            "student": result.student,
            "assignment": result.assignment,
            "max_score": result.max_score,
            "grader_errors": result.grader_errors,
            "pending_manual": result.pending_manual,
        },
        "tests": tests,
    }
    output = _overall_output(result)
    if output:
        data["output"] = output
    return data


def write_gradescope(out_dir: Path, results: list[SubmissionResult]) -> list[Path]:
    """Write gradescope/<student>/results.json for each submission, atomically."""
    written = []
    for result in results:
        path = out_dir / "gradescope" / result.student / "results.json"
        text = json.dumps(gradescope_results(result), indent=2, ensure_ascii=False, allow_nan=False)
        write_atomic(path, text + "\n")
        written.append(path)
    return written


def _cell(text: str) -> str:
    """One line, and never read as a formula by a spreadsheet."""
    line = " ".join(text.split())
    return "'" + line if line.startswith(FORMULA_STARTS) else line


def _status(result: SubmissionResult) -> str:
    if not result.submitted:
        return "missing"
    if result.error:
        return "unreadable"
    if result.faults():
        return "grader error"
    if result.pending_manual:
        return "provisional"
    return "graded"


def _comment(result: SubmissionResult) -> str:
    parts = []
    if result.error:
        parts.append(_("Not graded: {reason}").format(reason=result.error))
    if result.grader_error:
        parts.append(_("Not graded: grader error: {error}").format(error=result.grader_error))
    elif result.grader_errors:
        parts.append(result.incomplete())
    if result.pending_manual:
        parts.append(result.provisional())
    return "; ".join(parts)


def lms_csv(
    question_ids: list[str], results: list[SubmissionResult], names: dict[str, str] | None = None
) -> str:
    """A CSV for an LMS's grade import: student, name, score, max_score, percent, one column
    per question, status (graded, provisional (written answers pending), unreadable or
    grader error: fixed words, for filtering)
    and a one-line comment."""
    names = names or {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["student", "name", "score", "max_score", "percent", *question_ids, "status", "comment"]
    )
    for result in results:
        scores = {question.id: question.score for question in result.questions}
        percent = 100 * result.score / result.max_score if result.max_score else 0.0
        writer.writerow(
            [
                _cell(result.student),
                _cell(names.get(result.student, "")),
                f"{result.score:g}",
                f"{result.max_score:g}",
                f"{percent:.1f}",
                *(f"{scores.get(question_id, 0):g}" for question_id in question_ids),
                _status(result),
                _cell(_comment(result)),
            ]
        )
    return out.getvalue()


def write_lms_csv(
    out_dir: Path,
    question_ids: list[str],
    results: list[SubmissionResult],
    names: dict[str, str] | None = None,
) -> Path:
    """Write lms-import.csv into `out_dir`, atomically; return its path."""
    path = out_dir / LMS_CSV
    write_atomic(path, lms_csv(question_ids, results, names))
    return path
