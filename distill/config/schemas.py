"""Typed configuration: the spec's dataclasses, used as the schemas of the Hydra config groups.

Every YAML file under ``conf/`` is merged onto these dataclasses, so a misspelt key or a value of
the wrong type fails at composition time with the full key path, before any work starts. Cross-field
rules (allowed names, distributions that sum up, splits) are checked in ``__post_init__``, which
runs when :func:`distill.config.validation.to_app_config` turns the composed tree into dataclasses.
Fields beyond the spec are marked as such; list and dict defaults use ``default_factory``.

The schemas live in one module per stage; this module gathers them.
"""

from distill.config.api import DEFAULT_CLAUDE_MODEL, ClaudeConfig, OfflineServerConfig
from distill.config.apps import (
    AppConfig,
    EvaluateAppConfig,
    GenerateAppConfig,
    PathsConfig,
    PipelineAppConfig,
    TrainAppConfig,
)
from distill.config.dataset import (
    DIFFICULTIES,
    LANGUAGES,
    STYLES,
    DatasetConfig,
    DecontaminationConfig,
    PromptConfig,
    QualityConfig,
)
from distill.config.evaluation import EvaluationConfig, SandboxConfig, benchmark_module, known_benchmarks
from distill.config.loss import DIVERGENCES, SCHEDULES, LossConfig
from distill.config.model import DistillationConfig, TinyLlamaSpec, TokenizerSpec
from distill.config.training import LoggerConfig, TeacherConfig, TeacherPretrainConfig, TrainerConfig

__all__ = [
    "DEFAULT_CLAUDE_MODEL",
    "DIFFICULTIES",
    "DIVERGENCES",
    "LANGUAGES",
    "SCHEDULES",
    "STYLES",
    "AppConfig",
    "ClaudeConfig",
    "DatasetConfig",
    "DecontaminationConfig",
    "DistillationConfig",
    "EvaluateAppConfig",
    "EvaluationConfig",
    "GenerateAppConfig",
    "LoggerConfig",
    "LossConfig",
    "OfflineServerConfig",
    "PathsConfig",
    "PipelineAppConfig",
    "PromptConfig",
    "QualityConfig",
    "SandboxConfig",
    "TeacherConfig",
    "TeacherPretrainConfig",
    "TinyLlamaSpec",
    "TokenizerSpec",
    "TrainAppConfig",
    "TrainerConfig",
]

# Evaluation: the benchmarks' data sources (appended).
from distill.config.evaluation import APPSConfig, HumanEvalConfig, MBPPConfig

__all__ += ["APPSConfig", "HumanEvalConfig", "MBPPConfig", "benchmark_module", "known_benchmarks"]
