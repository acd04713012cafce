"""The schema of on-policy distillation (``distillation.on_policy``, beyond the spec)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from distill.config.checks import key
from distill.config.errors import ConfigError


@dataclass
class OnPolicyConfig:
    """GKD's knobs (Agarwal et al., 2024; TRL's ``GKDTrainer`` / ``DistillationTrainer``): with probability
    ``lmbda`` a training batch's responses are replaced by ones sampled from the student for the
    batch's prompts (``seq_kd``: from the teacher), and the loss group's divergence is taken on them.
    ``lmbda=0`` trains exactly as without this node."""

    config_key: ClassVar[str] = "distillation.on_policy"

    lmbda: float = 0.0
    seq_kd: bool = False  # sample the responses from the teacher instead (sequence-level KD)
    max_new_tokens: int = 128
    temperature: float = 1.0
    top_p: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.lmbda <= 1.0:
            raise ConfigError(f"{key(self, 'lmbda')}: must be in [0, 1], got {self.lmbda}")
        if self.max_new_tokens < 1:
            raise ConfigError(f"{key(self, 'max_new_tokens')}: must be >= 1, got {self.max_new_tokens}")
        if not self.temperature > 0:
            raise ConfigError(f"{key(self, 'temperature')}: must be positive, got {self.temperature}")
        if not 0.0 < self.top_p <= 1.0:
            raise ConfigError(f"{key(self, 'top_p')}: must be in (0, 1], got {self.top_p}")

    @property
    def enabled(self) -> bool:
        return self.lmbda > 0
