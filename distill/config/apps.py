"""The applications' schemas (one per primary config), composed from the stages' schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from distill.config.api import ClaudeConfig
from distill.config.checks import check_choice
from distill.config.dataset import DatasetConfig
from distill.config.evaluation import EvaluationConfig
from distill.config.loss import LossConfig
from distill.config.model import DistillationConfig
from distill.config.training import LoggerConfig, TeacherConfig, TrainerConfig


@dataclass
class PathsConfig:
    config_key: ClassVar[str] = "paths"
    root_dir: str = "."
    log_dir: str = "./outputs"
    output_dir: str = "."
    data_dir: str = "./data"
    cache_dir: str = "./.cache/distill"


@dataclass
class AppConfig:
    """What every application has: a name for its output folder, a seed, paths, the dataset."""

    task_name: str = "app"
    seed: int = 0
    paths: PathsConfig = field(default_factory=PathsConfig)
    data: DatasetConfig = field(default_factory=DatasetConfig)


@dataclass
class GenerateAppConfig(AppConfig):
    task_name: str = "generate"
    api: ClaudeConfig = field(default_factory=ClaudeConfig)


@dataclass
class TrainAppConfig(AppConfig):
    task_name: str = "train"
    ckpt_path: str | None = None
    distillation: DistillationConfig = field(default_factory=DistillationConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    teacher: TeacherConfig = field(default_factory=TeacherConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)
    logger: LoggerConfig = field(default_factory=LoggerConfig)
    eval: EvaluationConfig = field(default_factory=EvaluationConfig)
    # Lightning callbacks beyond the framework's checkpoint: name -> a `_target_` spec (conf/callbacks/)
    callbacks: dict[str, Any] = field(default_factory=dict)
    # distill-train only: evaluate the student right after training (a sweep then gets pass@k per job)
    evaluate_after_training: bool = False
    # the value a sweeper (e.g. Optuna) optimises: a key of the job's flattened metrics
    objective: str = "eval/val/total"


@dataclass
class EvaluateAppConfig(AppConfig):
    task_name: str = "evaluate"
    eval: EvaluationConfig = field(default_factory=EvaluationConfig)
    logger: LoggerConfig = field(default_factory=LoggerConfig)


@dataclass
class PipelineAppConfig(TrainAppConfig):
    """Everything the three stages need, run one after the other."""

    task_name: str = "pipeline"
    stages: list[str] = field(default_factory=lambda: ["generate", "train", "evaluate"])
    api: ClaudeConfig = field(default_factory=ClaudeConfig)
    # also evaluate the white-box teacher the training stage used (tiny or hf), next to the student
    compare_teacher: bool = True

    def __post_init__(self) -> None:
        for stage in self.stages:
            check_choice("pipeline", "stages", stage, ("generate", "train", "evaluate"))
