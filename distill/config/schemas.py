"""Typed configuration: the spec's dataclasses, used as the schemas of the Hydra config groups.

Every YAML file under ``conf/`` is merged onto these dataclasses, so a misspelt key or a value of
the wrong type fails at composition time with the full key path, before any work starts. Cross-field
rules (allowed names, distributions that sum up, splits) are checked in ``__post_init__``, which
runs when :func:`distill.config.validation.to_objects` turns the composed tree into dataclasses.

Fields beyond the spec are marked as such; list and dict defaults use ``default_factory``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from distill.config.errors import ConfigError
from distill.config.pricing import ModelPrice, load_price_table

LANGUAGES = ("python", "javascript", "java", "cpp", "go", "rust")
DIFFICULTIES = ("easy", "medium", "hard")
STYLES = ("clean", "documented", "optimized")

DEFAULT_CLAUDE_MODEL = "claude-sonnet-5-5"


def _check_choice(owner: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{owner}.{name}: {value!r} is not one of {list(allowed)}")


def _check_distribution(owner: str, name: str, dist: dict[str, int], allowed: tuple[str, ...]) -> None:
    for key, weight in dist.items():
        _check_choice(owner, f"{name}.{key}", key, allowed)
        if weight < 0:
            raise ConfigError(f"{owner}.{name}.{key}: weight {weight} is negative")
    if sum(dist.values()) <= 0:
        raise ConfigError(f"{owner}.{name}: weights must sum to more than 0")


# --------------------------------------------------------------------------------------------
# Generation (black-box teacher)
# --------------------------------------------------------------------------------------------


@dataclass
class OfflineServerConfig:
    """The local Anthropic-compatible server used by ``api=offline`` (beyond the spec)."""

    seed: int = 0
    # Probability of each injected fault per request, e.g. {"429": 0.08, "529": 0.05, "500": 0.05}.
    faults: dict[str, float] = field(default_factory=dict)
    retry_after_s: float = 0.05
    latency_s: float = 0.0


@dataclass
class ClaudeConfig:
    """Client settings. ``temperature`` and ``top_p`` are kept for compatibility and never sent:
    the 2.x SDK and the current API refuse sampling parameters."""

    api_key: str | None = None  # else ANTHROPIC_API_KEY, read at the point of use
    model: str = DEFAULT_CLAUDE_MODEL
    max_tokens: int = 4096
    temperature: float = 0.1
    top_p: float = 0.95
    timeout: float = 60.0
    max_retries: int = 3
    retry_delay: float = 1.0
    rate_limit_rpm: int = 50
    rate_limit_tpm: int = 40000
    # beyond the spec
    backend: str = "claude"  # claude | offline
    base_url: str | None = None  # else ANTHROPIC_BASE_URL, else the API (or the embedded offline server)
    max_concurrent: int = 5
    max_cost_usd: float | None = None
    cache_dir: str | None = None  # durable response cache; None disables it
    offline: OfflineServerConfig = field(default_factory=OfflineServerConfig)
    prices_as_of: str = field(default_factory=lambda: load_price_table()[0])
    prices: dict[str, ModelPrice] = field(default_factory=lambda: load_price_table()[1])

    def __post_init__(self) -> None:
        _check_choice("api", "backend", self.backend, ("claude", "offline"))
        for name in ("max_tokens", "rate_limit_rpm", "rate_limit_tpm", "max_concurrent"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"api.{name}: must be positive, got {getattr(self, name)}")
        if self.max_retries < 0:
            raise ConfigError(f"api.max_retries: must be >= 0, got {self.max_retries}")


@dataclass
class DatasetConfig:
    target_size: int = 25000
    languages: list[str] = field(default_factory=lambda: list(LANGUAGES))
    language_distribution: dict[str, int] = field(
        default_factory=lambda: {"python": 40, "javascript": 25, "java": 15, "cpp": 10, "go": 5, "rust": 5}
    )
    difficulty_distribution: dict[str, int] = field(
        default_factory=lambda: {"easy": 30, "medium": 50, "hard": 20}
    )
    style_distribution: dict[str, int] = field(
        default_factory=lambda: {"clean": 50, "documented": 30, "optimized": 20}
    )
    output_dir: str = "./data/generated"
    train_split: float = 0.8
    val_split: float = 0.1
    test_split: float = 0.1
    # beyond the spec
    seed: int = 0
    max_rounds: int = 3  # rounds of top-up requests for rows that failed
    execute_tests: bool = True  # run each sample's tests against its solution in the sandbox

    def weights(self, axis: str) -> dict[str, int]:
        """The effective weights of one axis: ``language`` (listed languages only), ``difficulty``, ``style``."""
        if axis == "language":
            return {lang: self.language_distribution[lang] for lang in self.languages}
        dist = {"difficulty": self.difficulty_distribution, "style": self.style_distribution}[axis]
        return {k: v for k, v in dist.items() if v > 0}

    def __post_init__(self) -> None:
        if self.target_size <= 0:
            raise ConfigError(f"data.target_size: must be positive, got {self.target_size}")
        if not self.languages:
            raise ConfigError("data.languages: at least one language is required")
        for lang in self.languages:
            _check_choice("data", "languages", lang, LANGUAGES)
            if self.language_distribution.get(lang, 0) <= 0:
                raise ConfigError(
                    f"data.language_distribution.{lang}: a listed language needs a positive weight"
                )
        # Weights of languages not listed in `languages` are ignored (YAML options merge onto the defaults).
        _check_distribution("data", "language_distribution", self.language_distribution, LANGUAGES)
        _check_distribution("data", "difficulty_distribution", self.difficulty_distribution, DIFFICULTIES)
        _check_distribution("data", "style_distribution", self.style_distribution, STYLES)
        splits = (self.train_split, self.val_split, self.test_split)
        if any(s < 0 for s in splits) or abs(sum(splits) - 1.0) > 1e-6:
            raise ConfigError(
                f"data.train_split/val_split/test_split: must be >= 0 and sum to 1, got {splits}"
            )


# --------------------------------------------------------------------------------------------
# Models and training
# --------------------------------------------------------------------------------------------


@dataclass
class TinyLlamaSpec:
    """A small Llama built from a config (random weights) for CPU runs and tests (beyond the spec)."""

    hidden_size: int = 64
    intermediate_size: int = 176
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    num_key_value_heads: int = 4
    max_position_embeddings: int = 1024
    rope_theta: float = 10000.0
    tie_word_embeddings: bool = False
    init_seed: int = 0


@dataclass
class TokenizerSpec:
    """A byte-level BPE tokenizer trained locally with ``tokenizers`` (beyond the spec)."""

    vocab_size: int = 2048
    min_frequency: int = 2


@dataclass
class DistillationConfig:
    # Model configuration
    student_model_name: str = "codellama/CodeLlama-7b-hf"
    max_length: int = 2048

    # LoRA configuration
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    lora_target_modules: list[str] = field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    )

    # Quantization configuration
    use_4bit: bool = True
    bnb_4bit_compute_dtype: str = "float16"
    bnb_4bit_quant_type: str = "nf4"
    bnb_4bit_use_double_quant: bool = True

    # Training configuration
    num_epochs: int = 3
    batch_size: int = 4
    gradient_accumulation_steps: int = 4
    learning_rate: float = 2e-4
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0

    # Distillation configuration (mirrors of the loss group's values under Hydra)
    distillation_weight: float = 0.7
    task_weight: float = 0.3
    temperature: float = 4.0

    # beyond the spec
    dataset_path: str = "./data/generated"
    output_dir: str = "./models/distilled_codellama"
    use_lora: bool = True
    lora_modules_to_save: list[str] = field(default_factory=list)
    gradient_checkpointing: bool = False
    torch_dtype: str = "auto"  # auto | float32 | bfloat16 | float16
    attn_implementation: str = "sdpa"  # eager is selected automatically when attention maps are needed
    eval_batch_size: int = 8
    num_workers: int = 0
    # Build the student (and its tokenizer) from these specs when student_model_name holds no model yet.
    student_build: TinyLlamaSpec | None = None
    tokenizer_build: TokenizerSpec | None = None

    def __post_init__(self) -> None:
        for name in ("max_length", "num_epochs", "batch_size", "gradient_accumulation_steps", "lora_r"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"distillation.{name}: must be positive, got {getattr(self, name)}")
        if not 0.0 <= self.warmup_ratio < 1.0:
            raise ConfigError(f"distillation.warmup_ratio: must be in [0, 1), got {self.warmup_ratio}")
        if self.temperature <= 0:
            raise ConfigError(f"distillation.temperature: must be positive, got {self.temperature}")
        _check_choice(
            "distillation", "torch_dtype", self.torch_dtype, ("auto", "float32", "bfloat16", "float16")
        )
        _check_choice("distillation", "attn_implementation", self.attn_implementation, ("eager", "sdpa"))
        _check_choice("distillation", "bnb_4bit_quant_type", self.bnb_4bit_quant_type, ("nf4", "fp4"))


DIVERGENCES = ("forward_kl", "reverse_kl")
SCHEDULES = ("constant", "linear", "cosine", "step")


@dataclass
class LossConfig:
    temperature: float = 4.0
    distillation_weight: float = 0.7
    task_weight: float = 0.3
    use_attention_transfer: bool = False
    use_feature_matching: bool = False
    attention_weight: float = 0.1
    feature_weight: float = 0.1
    use_progressive_distillation: bool = False
    progressive_schedule: str = "linear"
    # beyond the spec
    divergence: str = "forward_kl"  # KL(teacher || student) by default; see distill.losses.divergences
    t2_scaling: bool = True  # multiply the KD term by T^2 (Hinton), which T=4 with weight 0.7 assumes
    progressive_start_weight: float = 0.0  # KD weight at the start of a progressive schedule
    # student layer -> teacher layer; empty means a uniform map over the depths
    attention_layer_map: dict[int, int] = field(default_factory=dict)
    feature_layer_map: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.temperature <= 0:
            raise ConfigError(f"loss.temperature: must be positive, got {self.temperature}")
        for name in ("distillation_weight", "task_weight", "attention_weight", "feature_weight"):
            if getattr(self, name) < 0:
                raise ConfigError(f"loss.{name}: must be >= 0, got {getattr(self, name)}")
        _check_choice("loss", "divergence", self.divergence, DIVERGENCES)
        _check_choice("loss", "progressive_schedule", self.progressive_schedule, SCHEDULES)


@dataclass
class TeacherPretrainConfig:
    """How a locally built teacher is trained on the dataset before it teaches (beyond the spec)."""

    max_steps: int = 200
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
        _check_choice("teacher", "kind", self.kind, ("none", "hf", "tiny"))
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
        _check_choice("logger", "kind", self.kind, ("wandb", "csv", "none"))
        _check_choice("logger", "mode", self.mode, ("auto", "online", "offline", "disabled"))


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


@dataclass
class SandboxConfig:
    """Limits for executing untrusted code (beyond the spec)."""

    isolation: str = "auto"  # auto (bubblewrap when it works) | bwrap | none
    memory_mb: int = 1024  # address-space budget per program
    max_output_bytes: int = 65536
    max_processes: int = 64


BENCHMARKS = ("humaneval", "mbpp", "apps", "custom")


@dataclass
class EvaluationConfig:
    student_model_path: str = "./models/distilled_codellama"
    teacher_model_name: str = DEFAULT_CLAUDE_MODEL
    baseline_models: list[str] = field(default_factory=lambda: ["codellama/CodeLlama-7b-hf"])
    test_datasets: list[str] = field(default_factory=lambda: ["humaneval", "mbpp", "apps"])
    custom_test_path: str | None = "./data/generated/test.jsonl"

    # Generation parameters
    max_new_tokens: int = 512
    temperature: float = 0.1
    top_p: float = 0.95
    do_sample: bool = True
    num_return_sequences: int = 1

    # Evaluation parameters
    timeout_seconds: int = 10
    max_workers: int = 4
    batch_size: int = 8

    # Output
    output_dir: str = "./evaluation_results"
    save_predictions: bool = True
    generate_report: bool = True

    # beyond the spec
    max_problems: int | None = None  # first N problems of each benchmark (None: all)
    max_prompt_tokens: int = 2048
    k_values: list[int] = field(default_factory=lambda: [1])
    seed: int = 0
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)

    def __post_init__(self) -> None:
        for name in self.test_datasets:
            _check_choice("eval", "test_datasets", name, BENCHMARKS)
        for name in (
            "max_new_tokens",
            "num_return_sequences",
            "timeout_seconds",
            "max_workers",
            "batch_size",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"eval.{name}: must be positive, got {getattr(self, name)}")
        if any(k <= 0 for k in self.k_values):
            raise ConfigError(f"eval.k_values: every k must be positive, got {self.k_values}")


# --------------------------------------------------------------------------------------------
# Whole applications (the primary configs)
# --------------------------------------------------------------------------------------------


@dataclass
class PathsConfig:
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
    eval: EvaluationConfig = field(default_factory=EvaluationConfig)

    def __post_init__(self) -> None:
        for stage in self.stages:
            _check_choice("pipeline", "stages", stage, ("generate", "train", "evaluate"))
