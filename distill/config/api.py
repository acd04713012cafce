"""Schemas of the Claude client and the offline server."""

from __future__ import annotations

from dataclasses import dataclass, field

from distill.config.checks import check_choice
from distill.config.errors import ConfigError
from distill.config.pricing import ModelPrice, load_price_table

DEFAULT_CLAUDE_MODEL = "claude-sonnet-5-5"


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
        check_choice("api", "backend", self.backend, ("claude", "offline"))
        for name in ("max_tokens", "rate_limit_rpm", "rate_limit_tpm", "max_concurrent"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"api.{name}: must be positive, got {getattr(self, name)}")
        if self.max_retries < 0:
            raise ConfigError(f"api.max_retries: must be >= 0, got {self.max_retries}")
