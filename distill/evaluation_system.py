"""The spec's ``src.evaluation_system`` module path."""

from distill.config.schemas import EvaluationConfig
from distill.evaluation.comparator import ModelComparator

__all__ = ["EvaluationConfig", "ModelComparator"]
