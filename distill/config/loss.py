"""The schema of the distillation loss (the spec's LossConfig); semantics in distill/losses/distillation.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from distill.config.checks import check_choice, key
from distill.config.errors import ConfigError

# The allowed names; distill.losses imports them from here (the schemas do not import torch).
DIVERGENCES = ("forward_kl", "reverse_kl", "jsd", "skew_forward", "skew_reverse", "tvd")
SCHEDULES = ("constant", "linear", "cosine", "step")
TOPK_MISSING_MASS = ("renormalize", "tail")
ATTENTION_LOSSES = ("mse", "kl")
ATTENTION_HEADS = ("mean", "groups")
FEATURE_LOSSES = ("mse", "cosine")

RENORMALIZE_REVERSE_KL = (
    "loss.topk_missing_mass: 'renormalize' gives a top-k teacher zero probability outside its top-k, where "
    "KL(student || teacher) is infinite; use 'tail' with reverse_kl"
)


def is_reverse_kl(divergence: str, beta: float) -> bool:
    """Whether the KD term is KL(student || teacher): infinite against a top-k teacher renormalised
    over its top-k (zero probability elsewhere)."""
    return divergence == "reverse_kl" or (divergence == "jsd" and beta == 1.0)


@dataclass
class LossConfig:
    config_key: ClassVar[str] = "loss"
    temperature: float = 4.0
    distillation_weight: float = 0.7
    task_weight: float = 0.3
    use_attention_transfer: bool = False
    use_feature_matching: bool = False
    attention_weight: float = 0.1
    feature_weight: float = 0.1
    use_progressive_distillation: bool = False
    progressive_schedule: str = "linear"
    # beyond the spec --------------------------------------------------------------------------
    # KD divergence, student/teacher order as in distill.losses.divergences; forward_kl = KL(teacher || student)
    divergence: str = "forward_kl"
    beta: float = 0.5  # jsd: weight of the teacher in the mixture; 0 = forward_kl, 1 = reverse_kl exactly
    alpha: float = 0.1  # skew_forward / skew_reverse: weight of the first distribution in the mixture
    t2_scaling: bool = True  # multiply the KD term by T^2 (Hinton), which T=4 with weight 0.7 assumes
    # progressive schedule: the KD weight moves from progressive_start_weight to distillation_weight and,
    # when progressive_start_temperature is set, the temperature from it to `temperature`
    progressive_start_weight: float = 0.0
    progressive_start_temperature: float | None = None
    progressive_step_count: int = 1  # the `step` schedule's number of equal jumps
    # training computes the task and KD terms from hidden states and lm_head weights, chunk by chunk,
    # instead of from the models' full logits (see distill.losses.chunked)
    memory_lean: bool = True
    chunk_size: int = 512  # kept tokens per chunk of the memory-lean path (docs/loss.md: the trade-off)
    # KD against the teacher's top-k only (as a cache stores it; 0 = the whole distribution); a cached
    # teacher always gives top-k. How the mass outside the top-k is handled:
    teacher_top_k: int = 0
    topk_missing_mass: str = "tail"  # renormalize | tail (see distill.losses.logit_terms.LogitTerms)
    # student layer -> teacher layer; empty means a uniform map over the depths
    attention_layer_map: dict[int, int] = field(default_factory=dict)
    attention_loss: str = "mse"  # mse | kl between attention rows
    attention_heads: str = "mean"  # mean: average all heads; groups: gcd(Hs, Ht) groups of heads
    feature_layer_map: dict[int, int] = field(default_factory=dict)
    feature_loss: str = "mse"  # mse (of layer-normalised states) | cosine

    def __post_init__(self) -> None:
        if not self.temperature > 0:
            raise ConfigError(f"{key(self, 'temperature')}: must be positive, got {self.temperature}")
        for name in (
            "distillation_weight",
            "task_weight",
            "attention_weight",
            "feature_weight",
            "progressive_start_weight",
        ):
            if not getattr(self, name) >= 0:
                raise ConfigError(f"{key(self, name)}: must be >= 0, got {getattr(self, name)}")
        check_choice(self, "divergence", self.divergence, DIVERGENCES)
        check_choice(self, "progressive_schedule", self.progressive_schedule, SCHEDULES)
        check_choice(self, "topk_missing_mass", self.topk_missing_mass, TOPK_MISSING_MASS)
        check_choice(self, "attention_loss", self.attention_loss, ATTENTION_LOSSES)
        check_choice(self, "attention_heads", self.attention_heads, ATTENTION_HEADS)
        check_choice(self, "feature_loss", self.feature_loss, FEATURE_LOSSES)
        if not 0.0 <= self.beta <= 1.0:
            raise ConfigError(f"{key(self, 'beta')}: must be in [0, 1], got {self.beta}")
        if not 0.0 <= self.alpha < 1.0:
            raise ConfigError(
                f"{key(self, 'alpha')}: must be in [0, 1) (1 makes the divergence 0), got {self.alpha}"
            )
        start_temperature = self.progressive_start_temperature
        if start_temperature is not None and not start_temperature > 0:
            raise ConfigError(
                f"{key(self, 'progressive_start_temperature')}: must be positive, got {start_temperature}"
            )
        for name in ("progressive_step_count", "chunk_size"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{key(self, name)}: must be >= 1, got {getattr(self, name)}")
        if self.teacher_top_k < 0:
            raise ConfigError(
                f"{key(self, 'teacher_top_k')}: must be >= 0 (0 = the whole distribution), got {self.teacher_top_k}"
            )
        if (
            self.teacher_top_k
            and self.topk_missing_mass == "renormalize"
            and is_reverse_kl(self.divergence, self.beta)
        ):
            raise ConfigError(RENORMALIZE_REVERSE_KL)
        for name in ("attention_layer_map", "feature_layer_map"):
            for s, t in getattr(self, name).items():
                if int(s) < 0 or int(t) < 0:
                    raise ConfigError(f"{key(self, name)}: layer numbers must be >= 0, got {s}->{t}")
