"""The spec's ``src.advanced_loss`` module path."""

from distill.config.schemas import LossConfig
from distill.losses.distillation import AdvancedDistillationLoss

__all__ = ["AdvancedDistillationLoss", "LossConfig"]
