"""Schemas of the student: the spec's DistillationConfig and the tiny-model builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from distill.config.checks import check_choice, key
from distill.config.errors import ConfigError
from distill.config.on_policy import OnPolicyConfig


@dataclass
class TinyLlamaSpec:
    """A small Llama built from a config (random weights) for CPU runs and tests (beyond the spec)."""

    config_key: ClassVar[str] = "distillation.student_build"

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

    config_key: ClassVar[str] = "distillation.tokenizer_build"

    vocab_size: int = 2048
    min_frequency: int = 2


@dataclass
class DistillationConfig:
    config_key: ClassVar[str] = "distillation"
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
    # eager is selected automatically when attention maps are needed; flash_attention_2 (CUDA, the
    # flash-attn package) takes packed rows through its varlen path
    attn_implementation: str = "sdpa"
    eval_batch_size: int = 8
    num_workers: int = 0
    # Build the student (and its tokenizer) from these specs when student_model_name holds no model yet.
    student_build: TinyLlamaSpec | None = None
    tokenizer_build: TokenizerSpec | None = None
    # Several examples per row of pack_length tokens, attention kept inside each example (position ids
    # restart per example; a block-diagonal mask, or the flash-attention varlen path on CUDA).
    packing: bool = False
    pack_length: int | None = None  # tokens per packed row (null: max_length); >= max_length
    # A non-finite loss stops training with an error naming the step and the term (error), or the batch
    # is skipped (no effect on the weights) and counted in train/skipped_batches (skip).
    on_nonfinite_loss: str = "error"  # error | skip
    # The progressive loss schedule advances per optimizer step (finer) or per epoch (the spec's set_epoch).
    progressive_by: str = "step"  # step | epoch
    # Also write the adapter merged into its base (bfloat16/float32, no quantisation) to <output_dir>/merged,
    # loadable by a plain AutoModelForCausalLM.from_pretrained.
    export_merged: bool = False
    # on-policy distillation (GKD's lmbda / seq_kd): see distill/config/on_policy.py
    on_policy: OnPolicyConfig = field(default_factory=OnPolicyConfig)
    # Initialise the student from a subset of a teacher's decoder layers (DistilBERT / Minitron style): the
    # embeddings, final norm and head plus these layers, in this order (indices into the source's layers;
    # negative ones count from the end), copied from init_from_model (null: teacher.model_name_or_path)
    # and saved at student_model_name (a folder), which from_pretrained then loads like any saved model.
    # See distill/models/layer_init.py.
    init_from_teacher_layers: list[int] | None = None
    init_from_model: str | None = None
    # Before distilling, the teacher and the student's starting point are scored on the validation split
    # (token cross-entropy over the first teacher_check_batches batches of eval_batch_size; null: all of
    # them; 0: no check). A teacher that is no better is logged as a warning naming both figures, or stops
    # the run when require_better_teacher is true. See distill/training/teacher_check.py.
    teacher_check_batches: int | None = 8
    require_better_teacher: bool = False

    def __post_init__(self) -> None:
        for name in ("max_length", "num_epochs", "batch_size", "gradient_accumulation_steps", "lora_r"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{key(self, name)}: must be positive, got {getattr(self, name)}")
        if not 0.0 <= self.warmup_ratio < 1.0:
            raise ConfigError(f"{key(self, 'warmup_ratio')}: must be in [0, 1), got {self.warmup_ratio}")
        if self.temperature <= 0:
            raise ConfigError(f"{key(self, 'temperature')}: must be positive, got {self.temperature}")
        check_choice(self, "torch_dtype", self.torch_dtype, ("auto", "float32", "bfloat16", "float16"))
        check_choice(
            self,
            "attn_implementation",
            self.attn_implementation,
            ("eager", "sdpa", "flash_attention_2"),
        )
        check_choice(self, "bnb_4bit_quant_type", self.bnb_4bit_quant_type, ("nf4", "fp4"))
        check_choice(
            self,
            "bnb_4bit_compute_dtype",
            self.bnb_4bit_compute_dtype,
            ("float32", "bfloat16", "float16"),
        )
        if self.on_policy.enabled and self.packing:
            raise ConfigError(
                f"{key(self, 'on_policy.lmbda')}: on-policy batches are sampled per example; set "
                "distillation.packing=false"
            )
        if self.pack_length is not None and self.pack_length < self.max_length:
            raise ConfigError(
                f"{key(self, 'pack_length')}: must be >= max_length ({self.max_length}) so that every example "
                f"fits a row, got {self.pack_length}"
            )
        check_choice(self, "on_nonfinite_loss", self.on_nonfinite_loss, ("error", "skip"))
        if self.init_from_teacher_layers is not None:
            layers = list(self.init_from_teacher_layers)
            if not layers:
                raise ConfigError(
                    f"{key(self, 'init_from_teacher_layers')}: must list at least one layer (or be null)"
                )
            if len(set(layers)) != len(layers):
                raise ConfigError(
                    f"{key(self, 'init_from_teacher_layers')}: a layer is listed twice: {layers}"
                )
            if self.student_build is not None:
                raise ConfigError(
                    f"{key(self, 'init_from_teacher_layers')}: the student is built either from teacher layers or "
                    "from distillation.student_build, not both (set one of them to null)"
                )
            if self.student_model_name.endswith(".gguf"):
                raise ConfigError(
                    f"{key(self, 'student_model_name')}: with init_from_teacher_layers it is the folder the "
                    f"student is written to, not a GGUF file ({self.student_model_name})"
                )
        if self.teacher_check_batches is not None and self.teacher_check_batches < 0:
            raise ConfigError(
                f"{key(self, 'teacher_check_batches')}: must be >= 0 (0: no check; null: the whole validation "
                f"split), got {self.teacher_check_batches}"
            )
        check_choice(self, "progressive_by", self.progressive_by, ("step", "epoch"))
