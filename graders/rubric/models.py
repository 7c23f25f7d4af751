"""The typed form of a rubric: assignment, questions, checks, limits."""

from __future__ import annotations

import math
import re
from pathlib import PurePosixPath

from pydantic import Field, field_validator, model_validator

from ..i18n import _
from ..judge.kinds import Check
from ..observe.locator import Strict

QUESTION_ID = r"^q\d+(\.\d+)*$|^[a-z][a-z0-9-]*$"
# The fields by which a check names other checks of its question.
CHECK_LINKS = ("inline", "alongside", "recovers")


class Question(Strict):
    """One question of the source document; its points are shared among its checks."""

    id: str = Field(pattern=QUESTION_ID)
    title: str
    title_ko: str | None = None
    points: float = Field(ge=0)
    checks: list[Check] = Field(min_length=1)

    @model_validator(mode="after")
    def _points_add_up(self) -> Question:
        total = sum(c.points for c in self.checks)
        if not math.isclose(total, self.points, abs_tol=1e-9):
            raise ValueError(
                _("the checks' points add up to {total:g}, not {points:g}").format(
                    total=total, points=self.points
                )
            )
        ids = [c.id for c in self.checks]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(_("check ids repeat: {ids}").format(ids=", ".join(duplicates)))
        by_id = {c.id: c for c in self.checks}
        for check in self.checks:
            for link in CHECK_LINKS:
                unknown = sorted(set(getattr(check, link, [])) - (set(ids) - {check.id}))
                if unknown:
                    raise ValueError(
                        _(
                            "check {check}: `{link}` names no other check of this question: "
                            "{unknown}"
                        ).format(check=check.id, link=link, unknown=", ".join(unknown))
                    )
            manual = sorted(i for i in getattr(check, "recovers", []) if not by_id[i].scored)
            if manual:
                raise ValueError(
                    _("check {check}: `recovers` names checks a TA scores already: {ids}").format(
                        check=check.id, ids=", ".join(manual)
                    )
                )
        return self

    @property
    def auto_points(self) -> float:
        """The points the grader scores; the rest are the TA's (written answers)."""
        return sum(c.points for c in self.checks if c.scored)

    @property
    def manual_points(self) -> float:
        return self.points - self.auto_points


class Deferred(Strict):
    """A question of the document that this rubric does not grade yet, and why."""

    question: str = Field(pattern=QUESTION_ID)
    reason: str


class RunLimits(Strict):
    cell_timeout: float = Field(default=120, gt=0)
    total_timeout: float = Field(default=900, gt=0)
    probe_timeout: float = Field(default=30, gt=0)
    memory_mb: int = Field(default=6144, ge=256)
    fast_cell_timeout: float | None = Field(
        default=None, gt=0, description="cell time limit under the fast budget"
    )


class Rubric(Strict):
    """One assignment: where it comes from, its reference, and its questions."""

    assignment: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    source: str = ""
    reference: str = Field(default="", description="module in reference/ that solves it")
    seed: int = 0
    limits: RunLimits = Field(default_factory=RunLimits)
    detect: list[str] = Field(
        default_factory=list, description="names a submission of this assignment defines"
    )
    entry: list[str] = Field(
        default_factory=list,
        description="file names that run, in order, when a submission folder's files do not "
        "decide it (e.g. [main.py, train.py])",
    )
    provided: list[str] = Field(
        default_factory=list,
        description="files the course hands out, relative to rubrics/<assignment>/provided/, "
        "copied into every run before the submission's own files",
    )
    deferred: list[Deferred] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _drop_anchor_holders(cls, data: object) -> object:
        """Top-level keys starting with `x-` only hold YAML anchors for reuse."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not str(k).startswith("x-")}
        return data

    @model_validator(mode="after")
    def _unique_questions(self) -> Rubric:
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(_("question ids repeat: {ids}").format(ids=", ".join(duplicates)))
        if self.reference and not re.fullmatch(r"[a-z_][a-z0-9_]*", self.reference):
            problem = _("reference {reference!r} is not a module name")
            raise ValueError(problem.format(reference=self.reference))
        return self

    @field_validator("entry")
    @classmethod
    def _entry_names(cls, names: list[str]) -> list[str]:
        for name in names:
            if "/" in name or "\\" in name or not name.endswith((".ipynb", ".py")):
                problem = _("{name!r} is not the name of a .ipynb or .py file")
                raise ValueError(problem.format(name=name))
        return names

    @field_validator("provided")
    @classmethod
    def _provided_paths(cls, paths: list[str]) -> list[str]:
        for path in paths:
            parts = PurePosixPath(path).parts
            if not parts or path.startswith("/") or ".." in parts or "\\" in path:
                problem = _("{path!r} is not a path inside provided/: write it relative, with /")
                raise ValueError(problem.format(path=path))
        return paths

    @property
    def max_score(self) -> float:
        """Every point of the assignment, the TA's for written answers included."""
        return sum(q.points for q in self.questions)

    @property
    def auto_max(self) -> float:
        """The points the grader scores by itself (what `grade verify` checks)."""
        return sum(q.auto_points for q in self.questions)

    @property
    def manual_max(self) -> float:
        return self.max_score - self.auto_max

    def public_only(self) -> Rubric:
        """The same rubric with hidden checks removed (questions left empty are dropped), and
        with them from the lists of checks the checks kept name (`CHECK_LINKS`)."""
        questions = []
        for question in self.questions:
            checks = [c for c in question.checks if c.visibility == "public"]
            kept = {c.id for c in checks}
            checks = [
                c.model_copy(
                    update={
                        link: [i for i in getattr(c, link) if i in kept]
                        for link in CHECK_LINKS
                        if getattr(c, link, None)
                    }
                )
                for c in checks
            ]
            if checks:
                questions.append(
                    question.model_copy(
                        update={"checks": checks, "points": sum(c.points for c in checks)}
                    )
                )
        return self.model_copy(update={"questions": questions})
