"""Every check kind a rubric can use, as one tagged union."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import CheckBase, Compared, Expectation, Locator
from .models import (
    ArchitectureCheck,
    AutogradFunctionCheck,
    FunctionCheck,
    GradientCheck,
    ModelOutputCheck,
)
from .text import ManualCheck, OutputCheck
from .trained import AccuracyCheck, ProgressCheck
from .training import (
    AugmentationCheck,
    LossCheck,
    OptimizerCheck,
    RegularizationCheck,
    UpdateCheck,
)
from .values import ChoiceCheck, ParametersCheck, ShapeCheck, ValueCheck

Check = Annotated[
    ValueCheck
    | ShapeCheck
    | ParametersCheck
    | ChoiceCheck
    | ArchitectureCheck
    | GradientCheck
    | FunctionCheck
    | AutogradFunctionCheck
    | ModelOutputCheck
    | OptimizerCheck
    | UpdateCheck
    | LossCheck
    | AugmentationCheck
    | RegularizationCheck
    | OutputCheck
    | ManualCheck
    | AccuracyCheck
    | ProgressCheck,
    Field(discriminator="kind"),
]

__all__ = ["Check", "CheckBase", "Compared", "Expectation", "Locator"]
