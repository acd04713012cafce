"""Schemas of training: the white-box teacher, the Lightning Trainer, experiment logging."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from distill.config.checks import check_choice
from distill.config.errors import ConfigError
from distill.config.model import TinyLlamaSpec


@dataclass
class TeacherPretrainConfig:
    """How a locally built teacher is trained on the dataset before it teaches (beyond the spec)."""

    max_steps: int = 200
    # The teacher's own seed, not the job's: a sweep over seeds trains one teacher and reuses it.
    seed: int = 0
    batch_size: int = 8
    learning_rate: float = 3e-3
    warmup_steps: int = 20


@dataclass
class TeacherConfig:
    """The optional white-box teacher (beyond the spec): none, a local/Hub model (hf), or a tiny
    Llama built and trained on the dataset first (tiny)."""

    kind: str = "none"  # none | hf | tiny
    model_name_or_path: str | None = None
    torch_dtype: str = "auto"
    load_in_4bit: bool = False
    build: TinyLlamaSpec | None = None
    pretrain: TeacherPretrainConfig = field(default_factory=TeacherPretrainConfig)

    def __post_init__(self) -> None:
        check_choice("teacher", "kind", self.kind, ("none", "hf", "tiny"))
        if self.kind == "hf" and not self.model_name_or_path:
            raise ConfigError("teacher.model_name_or_path: required when teacher.kind is 'hf'")
        if self.kind == "tiny" and self.build is None:
            raise ConfigError("teacher.build: required when teacher.kind is 'tiny'")


@dataclass
class TrainerConfig:
    """Arguments of ``lightning.Trainer`` that the framework exposes (beyond the spec)."""

    accelerator: str = "cpu"
    devices: Any = 1
    strategy: str = "auto"
    precision: str = "32-true"
    # Epochs, gradient accumulation and clipping come from the distillation config (the spec's fields).
    max_steps: int = -1
    log_every_n_steps: int = 10
    val_check_interval: Any = 1.0
    limit_train_batches: Any = 1.0
    limit_val_batches: Any = 1.0
    num_sanity_val_steps: int = 0
    enable_progress_bar: bool = True
    deterministic: bool = False


@dataclass
class LoggerConfig:
    """Experiment logging (beyond the spec). ``mode=auto`` logs online when a W&B key is
    configured and offline otherwise."""

    kind: str = "wandb"  # wandb | csv | none
    project: str = "distill"
    entity: str | None = None
    mode: str = "auto"  # auto | online | offline | disabled
    group: str | None = None  # default: the multirun folder's name, else the task name
    tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_choice("logger", "kind", self.kind, ("wandb", "csv", "none"))
        check_choice("logger", "mode", self.mode, ("auto", "online", "offline", "disabled"))
