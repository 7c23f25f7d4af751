"""Self-check bundles: an assignment's public checks and their precomputed expectations.

A bundle holds no reference code, no hidden check and no expected value of a
hidden check, so it can be handed to students with the engine alone. Of each
public check's expectation records it keeps only the fields the check's kind
reads (`bundle_expectations`): a shape check keeps the shape, not the output.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from .assignments import Assignment
from .engine import Expectations, Grader, Options
from .judge.verdict import Seen
from .report.files import write_atomic
from .rubric import Rubric, RubricError

FORMAT = "dlgrade-bundle/1"
BUNDLE_SUFFIX = ".dlgrade.json"


def make_bundle(assignment: Assignment, options: Options | None = None) -> dict:
    """The bundle of one assignment (runs the reference once if not cached: the same
    run, and cache, as grading every check)."""
    cache_dir = options.cache_dir if options else None
    expectations = Grader(assignment, Options(cache_dir=cache_dir)).expectations()
    public = assignment.rubric.public_only()
    return {
        "format": FORMAT,
        "assignment": public.assignment,
        "rubric": public.model_dump(mode="json"),
        "expectations": public_expectations(public, expectations),
    }


def public_expectations(public: Rubric, expectations: Expectations) -> Expectations:
    """Of each check of `public`, only the expectation fields its kind reads."""
    out: Expectations = {}
    for question in public.questions:
        for check in question.checks:
            key = f"{question.id}/{check.id}"
            records = check.bundle_expectations(Seen(expectations.get(key, {})))
            if records:
                out[key] = records
    return out


def write_bundle(assignment: Assignment, path: Path, options: Options | None = None) -> None:
    write_atomic(path, json.dumps(make_bundle(assignment, options), indent=1) + "\n")


def read_bundle(path: Path) -> Assignment:
    """An assignment from a bundle file; `RubricError` names the file and the fix."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RubricError(f"{path}: not a readable bundle ({exc}); ask for a new one") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RubricError(f"{path}: not a {FORMAT} bundle; make one with `grade bundle ID -o FILE`")
    try:
        rubric = Rubric.model_validate(data["rubric"])
    except (ValidationError, KeyError) as exc:
        raise RubricError(f"{path}: the bundle's rubric is invalid; ask for a new bundle") from exc
    return Assignment(rubric=rubric, origin=path, expectations=data.get("expectations", {}))


def find_bundle(folder: Path) -> Path | None:
    """A bundle lying next to the student's work, if there is exactly one."""
    found = sorted(folder.glob(f"*{BUNDLE_SUFFIX}"))
    return found[0] if len(found) == 1 else None
