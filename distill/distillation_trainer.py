"""The spec's ``src.distillation_trainer`` module path."""

from distill.config.schemas import DistillationConfig
from distill.data.datamodule import CodeDataset
from distill.training.system import KnowledgeDistillationSystem

__all__ = ["CodeDataset", "DistillationConfig", "KnowledgeDistillationSystem"]
