"""Schemas of training: the white-box teacher, the Lightning Trainer, experiment logging."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from distill.config.checks import check_choice, key
from distill.config.errors import ConfigError
from distill.config.model import TinyLlamaSpec


@dataclass
class TeacherPretrainConfig:
    """How a locally built teacher is trained on the dataset before it teaches (beyond the spec)."""

    config_key: ClassVar[str] = "teacher.build"

    max_steps: int = 200
    # The teacher's own seed, not the job's: a sweep over seeds trains one teacher and reuses it.
    seed: int = 0
    batch_size: int = 8
    learning_rate: float = 3e-3
    warmup_steps: int = 20


TEACHER_KINDS = ("none", "hf", "tiny", "topk_cache")
LOGPROB_DTYPES = ("float16", "float32")


@dataclass
class TeacherConfig:
    """The optional white-box teacher (beyond the spec): none, a local/Hub model (hf), a tiny Llama built
    and trained on the dataset first (tiny), or the top-k log-probabilities a teacher wrote to disk once
    with ``distill-cache-teacher`` (topk_cache: no teacher in memory while training)."""

    config_key: ClassVar[str] = "teacher"

    kind: str = "none"  # none | hf | tiny | topk_cache
    # hf: the teacher; topk_cache: the teacher distill-cache-teacher runs (training reads the cache only)
    model_name_or_path: str | None = None
    torch_dtype: str = "auto"  # also the compute dtype of a 4-bit teacher (auto: bfloat16)
    load_in_4bit: bool = False
    # Where the teacher runs: null = the student's device; e.g. "cuda:1" puts it on a second GPU.
    device: str | None = None
    build: TinyLlamaSpec | None = None
    pretrain: TeacherPretrainConfig = field(default_factory=TeacherPretrainConfig)
    # topk_cache: the cache folder, the number of log-probabilities kept per token, the temperature they
    # are captured at (null: the loss temperature, which loss.topk_missing_mass=tail needs), their storage
    # dtype, and the batch size of the caching pass.
    cache_dir: str | None = None
    top_k: int = 20
    capture_temperature: float | None = None
    logprob_dtype: str = "float16"
    cache_batch_size: int = 8

    def __post_init__(self) -> None:
        check_choice(self, "kind", self.kind, TEACHER_KINDS)
        check_choice(self, "torch_dtype", self.torch_dtype, ("auto", "float32", "bfloat16", "float16"))
        check_choice(self, "logprob_dtype", self.logprob_dtype, LOGPROB_DTYPES)
        if self.kind == "hf" and not self.model_name_or_path:
            raise ConfigError(f"{key(self, 'model_name_or_path')}: required when teacher.kind is 'hf'")
        if self.kind == "tiny" and self.build is None:
            raise ConfigError(f"{key(self, 'build')}: required when teacher.kind is 'tiny'")
        if self.kind == "topk_cache" and not self.cache_dir:
            raise ConfigError(f"{key(self, 'cache_dir')}: required when teacher.kind is 'topk_cache'")
        if self.top_k < 1:
            raise ConfigError(f"{key(self, 'top_k')}: must be >= 1, got {self.top_k}")
        if self.capture_temperature is not None and not self.capture_temperature > 0:
            raise ConfigError(
                f"{key(self, 'capture_temperature')}: must be positive, got {self.capture_temperature}"
            )
        if self.cache_batch_size < 1:
            raise ConfigError(f"{key(self, 'cache_batch_size')}: must be >= 1, got {self.cache_batch_size}")


@dataclass
class TrainerConfig:
    """Arguments of ``lightning.Trainer`` that the framework exposes (beyond the spec)."""

    config_key: ClassVar[str] = "trainer"

    accelerator: str = "cpu"
    devices: Any = 1
    num_nodes: int = 1
    # A Lightning strategy name (auto, ddp, ddp_spawn, fsdp, deepspeed_stage_2, ...) and keyword arguments
    # of its class (e.g. FSDPStrategy's sharding_strategy); auto_wrap_policy and
    # activation_checkpointing_policy may list layer classes by dotted path.
    strategy: str = "auto"
    strategy_options: dict[str, Any] = field(default_factory=dict)
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
    # debug/: run one batch of each loop and stop (true, or a number of batches); train on these batches only
    fast_dev_run: Any = False
    overfit_batches: Any = 0.0
    # Also checkpoint every n optimizer steps (0: at the end of each epoch only); ckpt_path=last resumes.
    checkpoint_every_n_steps: int = 0
    # PyTorch's intra-op threads on CPU; null: OMP_NUM_THREADS if set, else the cores divided among a
    # sweep's parallel jobs (hydra/launcher=joblib_cpu's n_jobs). See distill/utils/threads.py.
    cpu_threads: int | None = None

    def __post_init__(self) -> None:
        if self.num_nodes < 1:
            raise ConfigError(f"{key(self, 'num_nodes')}: must be >= 1, got {self.num_nodes}")
        if self.cpu_threads is not None and self.cpu_threads < 1:
            raise ConfigError(f"{key(self, 'cpu_threads')}: must be >= 1 or null, got {self.cpu_threads}")
        if self.checkpoint_every_n_steps < 0:
            raise ConfigError(
                f"{key(self, 'checkpoint_every_n_steps')}: must be >= 0, got {self.checkpoint_every_n_steps}"
            )


@dataclass
class LoggerConfig:
    """Experiment logging (beyond the spec). ``mode=auto`` logs online when a W&B key is
    configured and offline otherwise."""

    config_key: ClassVar[str] = "logger"

    kind: str = "wandb"  # wandb | csv | none
    project: str = "distill"
    entity: str | None = None
    mode: str = "auto"  # auto | online | offline | disabled
    group: str | None = None  # default: the multirun folder's name, else the task name
    tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_choice(self, "kind", self.kind, ("wandb", "csv", "none"))
        check_choice(self, "mode", self.mode, ("auto", "online", "offline", "disabled"))
