"""Rubrics: one YAML file per assignment, validated into typed models."""

from .loader import RubricError, load_rubric, provided_folder
from .models import Question, Rubric

__all__ = ["Question", "Rubric", "RubricError", "load_rubric", "provided_folder"]
