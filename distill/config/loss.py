"""The schema of the distillation loss (the spec's LossConfig)."""

from __future__ import annotations

from dataclasses import dataclass, field

from distill.config.checks import check_choice
from distill.config.errors import ConfigError

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
        check_choice("loss", "divergence", self.divergence, DIVERGENCES)
        check_choice("loss", "progressive_schedule", self.progressive_schedule, SCHEDULES)
