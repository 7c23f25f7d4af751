"""How a check finds its target in a run: one typed model, read by the rubric, the
routing and the sandboxed child alike."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..i18n import _, either


class Strict(BaseModel):
    """A model that refuses fields it does not declare."""

    model_config = ConfigDict(extra="forbid")


class Locator(Strict):
    """How to find a target in a run: name hints first, then by type and behaviour."""

    names: list[str] = Field(
        default_factory=list,
        description="variable names to try first, in order; `x.grad` reads an attribute",
    )
    patterns: list[str] = Field(
        default_factory=list, description="case-insensitive regular expressions for names"
    )
    kind: Literal["value", "module", "function", "function_model"] = Field(
        default="value",
        description="function_model: a function `f(x, params)` (by `names`) with its "
        "parameters (by `params`) as one model",
    )
    params: list[list[int | str]] | None = Field(
        default=None, description="function_model: the parameter shapes (str: a named size)"
    )
    accepts: list[int] | None = Field(
        default=None, description="modules: an input shape the module must run on"
    )
    class_names: list[str] = Field(
        default_factory=list, description="modules: only instances of these classes"
    )
    build: list[Any] | None = Field(
        default=None, description="modules: a fresh instance of the class named by `names`"
    )
    traces: list[str] = Field(
        default_factory=list,
        description="modules: glob patterns of operations the forward pass runs, in order",
    )
    prefer: list[str] = Field(
        default_factory=list, description="modules: like `traces`, only to choose among them"
    )
    trained: bool = Field(default=False, description="modules: an optimizer stepped them")
    optimizers: list[str] = Field(
        default_factory=list, description="modules: ... an optimizer of one of these classes"
    )
    lr: float | None = Field(default=None, gt=0, description="modules: ... at this rate")
    from_loader: bool = Field(
        default=False, description="modules: ... stepping while a DataLoader was iterated"
    )
    augmented: bool = Field(
        default=False, description="modules: ... on a loader whose transform augments"
    )
    regularized: bool = Field(
        default=False, description="modules: ... with weight decay or a squared-norm penalty"
    )
    earliest: bool = Field(default=False, description="modules: the one trained first")
    latest: bool = Field(default=False, description="modules: the one trained last")
    unlike: list[Locator] = Field(
        default_factory=list,
        description="modules: not one that these locators find (another question's model)",
    )
    search: bool = Field(
        default=False,
        description="values: every value when no name matches; functions: every function "
        "of the submission taking the call's arguments, the one that agrees counts; modules "
        "with `build` or `class_names`: the submission's own model classes that run `identify`",
    )
    near: bool = Field(
        default=False,
        description="modules: when none runs `traces`, one running the same kinds of "
        "operations with other sizes (a near miss, judged with partial credit)",
    )
    identify: list[str] = Field(
        default_factory=list,
        description="module search: operations (as `traces`) that tell the model apart",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="searches: names of functions and classes that other checks hint at "
        "(set by the routing, not by a rubric)",
    )

    @model_validator(mode="after")
    def _function_model_has_params(self) -> Locator:
        if (self.kind == "function_model") != (self.params is not None):
            raise ValueError("`params` goes with kind `function_model`, and it needs them")
        if self.identify and not (self.search and self.kind == "module"):
            raise ValueError("`identify` goes with a module locator's `search`")
        return self

    def describe(self) -> str:
        """The locator in a student's terms, for a message."""
        names = either([f"`{n}`" for n in self.names])
        if names:
            described = (
                _("{kind} named {names} accepting input {shape}")
                if self.accepts
                else _("{kind} named {names}")
            )
        else:
            described = (
                _("{kind} named any name accepting input {shape}")
                if self.accepts
                else _("{kind} named any name")
            )
        shape = tuple(self.accepts) if self.accepts else None
        return described.format(kind=self._kind_name(), names=names, shape=shape)

    def not_found(self) -> str:
        """What was looked for and not found, for a probe's message."""
        parts = []
        if self.names:
            names = either([f"`{n}`" for n in self.names])
            parts.append(_("named {names}").format(names=names))
        if self.accepts:
            shape = tuple(self.accepts)
            parts.append(_("accepting input of shape {shape}").format(shape=shape))
        if self.params:
            shapes = ", ".join(str(tuple(shape)).replace("'", "") for shape in self.params)
            parts.append(_("with parameters of shapes {shapes}").format(shapes=shapes))
        if self.traces:
            operations = ", ".join(self.traces)
            parts.append(_("whose forward pass runs {operations}").format(operations=operations))
        if not parts:
            return _("no {kind} found").format(kind=self._kind_name())
        conditions = " ".join(parts)
        return _("no {kind} {conditions}").format(kind=self._kind_name(), conditions=conditions)

    def _kind_name(self) -> str:
        """What the locator finds, as a noun of the reader's language."""
        names = {
            "value": _("value"),
            "module": _("module"),
            "function": _("function"),
            "function_model": _("function_model"),
        }
        return names[self.kind]
