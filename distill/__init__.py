"""distill: distil a strong code model into a small one (Hydra + Lightning).

Every name of the public API is importable from here; imports are lazy so that ``import distill``
stays cheap (torch, transformers and the SDK load on first use).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # stage 1: the black-box teacher writes the data
    "ClaudeAPIClient": "distill.api.client",
    "RateLimiter": "distill.api.rate_limiter",
    "CodeGenerationRequest": "distill.api.types",
    "CodeGenerationResponse": "distill.api.types",
    "OfflineAnthropicServer": "distill.offline.server",
    "DatasetGenerator": "distill.generation.generator",
    "DatasetQualityController": "distill.generation.quality",
    # stage 2: distillation
    "KnowledgeDistillationSystem": "distill.training.system",
    "DistillationModule": "distill.training.module",
    "CodeDataset": "distill.data.datamodule",
    "DistillDataModule": "distill.data.datamodule",
    "AdvancedDistillationLoss": "distill.losses.distillation",
    # stage 3: evaluation
    "ModelComparator": "distill.evaluation.comparator",
    "Sandbox": "distill.execution.sandbox",
    "pass_at_k": "distill.evaluation.metrics",
    # configuration
    "ClaudeConfig": "distill.config.schemas",
    "DatasetConfig": "distill.config.schemas",
    "DistillationConfig": "distill.config.schemas",
    "EvaluationConfig": "distill.config.schemas",
    "LossConfig": "distill.config.schemas",
    "TeacherConfig": "distill.config.schemas",
    "TrainerConfig": "distill.config.schemas",
    "ConfigError": "distill.config.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'distill' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
