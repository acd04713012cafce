"""Schemas of the generation stage: the Claude client, the offline server and the dataset."""

from __future__ import annotations

from dataclasses import dataclass, field

from distill.config.checks import check_choice, check_distribution
from distill.config.errors import ConfigError
from distill.config.pricing import ModelPrice, load_price_table

LANGUAGES = ("python", "javascript", "java", "cpp", "go", "rust")
DIFFICULTIES = ("easy", "medium", "hard")
STYLES = ("clean", "documented", "optimized")

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
            check_choice("data", "languages", lang, LANGUAGES)
            if self.language_distribution.get(lang, 0) <= 0:
                raise ConfigError(
                    f"data.language_distribution.{lang}: a listed language needs a positive weight"
                )
        # Weights of languages not listed in `languages` are ignored (YAML options merge onto the defaults).
        check_distribution("data", "language_distribution", self.language_distribution, LANGUAGES)
        check_distribution("data", "difficulty_distribution", self.difficulty_distribution, DIFFICULTIES)
        check_distribution("data", "style_distribution", self.style_distribution, STYLES)
        splits = (self.train_split, self.val_split, self.test_split)
        if any(s < 0 for s in splits) or abs(sum(splits) - 1.0) > 1e-6:
            raise ConfigError(
                f"data.train_split/val_split/test_split: must be >= 0 and sum to 1, got {splits}"
            )
