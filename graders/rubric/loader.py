"""Read a rubric YAML file; errors name the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..i18n import _
from ..judge.routing import CheckContractError, route
from .models import Rubric


class RubricError(Exception):
    """A rubric that cannot be used, with a one-line explanation per problem."""


def _line_of(node: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at `location` (or of its nearest parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if getattr(k, "value", None) == str(part)]
            if not match:
                continue  # a union tag or a model name in pydantic's location
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _place(location: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in location).lstrip(".")


def load_rubric(path: str | Path) -> Rubric:
    """Load and validate one rubric; raise `RubricError` naming file, line and problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = _("cannot read the rubric ({error})").format(error=exc)
        raise RubricError(f"{path}: {problem}") from exc
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problem = _("not valid YAML: {problem}").format(problem=problem)
        raise RubricError(f"{path}{line}: {problem}") from exc
    if not isinstance(data, dict):
        problem = _("a rubric is a YAML mapping with `assignment` and `questions`")
        raise RubricError(f"{path}: {problem}")
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            location = tuple(error["loc"])
            if error["type"] == "union_tag_invalid":
                location += ("kind",)
            line = _line_of(node, location)
            where = f"{path}:{line}" if line else str(path)
            message = error["msg"].removeprefix("Value error, ")
            place = _place(location) or _("rubric")
            lines.append(f"{where}: {place}: {message}")
        raise RubricError("\n".join(dict.fromkeys(lines))) from exc
    _check_provided(path, node, rubric)
    _check_probes(path, node, rubric)
    return rubric


def _check_probes(path: Path, node: yaml.Node | None, rubric: Rubric) -> None:
    """Raise `RubricError` where a check asks for a probe against its declaration."""
    try:
        route(rubric, student=True, reference=True)
    except CheckContractError as exc:
        question_id, check_id = exc.key
        qi = next(i for i, q in enumerate(rubric.questions) if q.id == question_id)
        ci = next(i for i, c in enumerate(rubric.questions[qi].checks) if c.id == check_id)
        location = ("questions", qi, "checks", ci)
        line = _line_of(node, location)
        where = f"{path}:{line}" if line else str(path)
        raise RubricError(f"{where}: {_place(location)}: {exc.problem}") from None


def provided_folder(path: Path, rubric: Rubric) -> Path:
    """Where the files a rubric's `provided` lists lie: rubrics/<assignment>/provided/."""
    return path.parent / rubric.assignment / "provided"


def _check_provided(path: Path, node: yaml.Node | None, rubric: Rubric) -> None:
    """Raise `RubricError` naming each listed course-provided file that does not exist."""
    folder = provided_folder(path, rubric)
    missing = _("{file} does not exist; add it or remove it from the list")
    lines = [
        f"{path}:{_line_of(node, ('provided', index))}: provided[{index}]: "
        + missing.format(file=folder / name)
        for index, name in enumerate(rubric.provided)
        if not (folder / name).exists()
    ]
    if lines:
        raise RubricError("\n".join(lines))
