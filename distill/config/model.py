"""Schemas of the student: the spec's DistillationConfig and the tiny-model builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from distill.config.checks import check_choice, key
from distill.config.errors import ConfigError


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
        if self.pack_length is not None and self.pack_length < self.max_length:
            raise ConfigError(
                f"{key(self, 'pack_length')}: must be >= max_length ({self.max_length}) so that every example "
                f"fits a row, got {self.pack_length}"
            )
        check_choice(self, "on_nonfinite_loss", self.on_nonfinite_loss, ("error", "skip"))
        check_choice(self, "progressive_by", self.progressive_by, ("step", "epoch"))
