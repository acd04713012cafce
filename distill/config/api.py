"""Schemas of the Claude client and the offline server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from distill.config.checks import check_choice, key
from distill.config.errors import ConfigError
from distill.config.pricing import ModelPrice, load_price_table

DEFAULT_CLAUDE_MODEL = "claude-sonnet-5-5"

# The longest reply the SDK sends without streaming: it refuses a request it expects to take over
# ten minutes (3,600 s x max_tokens / 128,000 > 600 s), i.e. max_tokens above 21,333.
NONSTREAMING_MAX_TOKENS = 21_333

# The shortest prefix (in tokens) each model family caches; a shorter one is silently not cached.
# Keys are model-id prefixes, the longest matching one wins; "default" covers the rest. Sources:
# Anthropic's prompt-caching page, compiled in ../shared/research/generation.md section 3.
DEFAULT_PROMPT_CACHE_MIN_TOKENS = {
    "default": 4096,
    "claude-opus-4-5": 4096,
    "claude-opus-4-6": 4096,
    "claude-opus-4-7": 2048,
    "claude-opus-4-1": 1024,
    "claude-opus-4-0": 1024,
    "claude-sonnet-4": 1024,
    "claude-haiku-4-5": 4096,
    "claude-3-haiku": 2048,
    "claude-opus-5": 512,
    "claude-fable-5": 512,
}

# Faults the offline server can inject: HTTP statuses, and the ways a reply can fail without one.
OFFLINE_FAULTS = ("401", "403", "404", "429", "500", "529", "slow", "drop", "stream_error", "expire")


@dataclass
class OfflineServerConfig:
    """The local Anthropic-compatible server used by ``api=offline`` (beyond the spec)."""

    config_key: ClassVar[str] = "api.offline"

    seed: int = 0
    # Probability of each injected fault per request, e.g. {"429": 0.08, "529": 0.05, "500": 0.05}.
    # "slow" answers after slow_s, "drop" closes the connection unanswered, "stream_error" sends an
    # overloaded_error event mid-stream (a 529 on a non-streaming request), "expire" expires a
    # request of a Message Batch.
    faults: dict[str, float] = field(default_factory=dict)
    retry_after_s: float = 0.05  # the retry-after of an injected 429
    latency_s: float = 0.0  # added to every reply
    slow_s: float = 5.0  # the delay of a "slow" reply
    # The server's own limits (per minute, token buckets like the API's); None = unlimited.
    rate_limit_rpm: int | None = None
    rate_limit_itpm: int | None = None
    rate_limit_otpm: int | None = None
    # Send the anthropic-ratelimit-* headers on every reply (false: none, as many proxies, gateways
    # and other compatible servers do; a 429 still carries retry-after).
    rate_limit_headers: bool = True
    # Count a failed attempt (500, 529, a dropped connection) against the limits as sent: its
    # request and input tokens stay charged. False: a failed attempt costs nothing.
    charge_failures: bool = False
    # Calls to the Message Batches endpoints (create, retrieve, results, list, cancel) per minute,
    # one bucket of their own; None = unlimited.
    batch_rate_limit_rpm: int | None = None
    batch_latency_s: float = 0.2  # how long a Message Batch stays in_progress
    prompt_cache_min_tokens: int = 1024  # the shortest system prompt it caches
    prompt_cache_ttl_s: float = 300.0

    def __post_init__(self) -> None:
        for name, probability in self.faults.items():
            check_choice(self, f"faults.{name}", str(name), OFFLINE_FAULTS)
            if not 0 <= probability <= 1:
                raise ConfigError(
                    f"{key(self, f'faults.{name}')}: {probability} is not a probability in [0, 1]"
                )
        if sum(self.faults.values()) > 1 + 1e-9:
            raise ConfigError(
                f"{key(self, 'faults')}: the probabilities sum to {sum(self.faults.values())} > 1"
            )
        for name in ("retry_after_s", "latency_s", "slow_s", "batch_latency_s", "prompt_cache_ttl_s"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{key(self, name)}: must be >= 0, got {getattr(self, name)}")
        for name in ("rate_limit_rpm", "rate_limit_itpm", "rate_limit_otpm", "batch_rate_limit_rpm"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{key(self, name)}: must be positive or null, got {value}")


@dataclass
class ClaudeConfig:
    """Client settings. ``temperature`` and ``top_p`` are kept for compatibility and never sent:
    the 2.x SDK and the current API refuse sampling parameters."""

    config_key: ClassVar[str] = "api"

    api_key: str | None = None  # else ANTHROPIC_API_KEY, read at the point of use
    model: str = DEFAULT_CLAUDE_MODEL
    max_tokens: int = 4096
    temperature: float = 0.1
    top_p: float = 0.95
    timeout: float = 60.0
    max_retries: int = 3
    retry_delay: float = 1.0
    rate_limit_rpm: int = 50
    # input + output tokens as one budget, unless both rate_limit_itpm and rate_limit_otpm are set
    rate_limit_tpm: int = 40000
    # beyond the spec
    backend: str = "claude"  # claude | offline
    base_url: str | None = None  # else ANTHROPIC_BASE_URL, else the API (or the embedded offline server)
    mode: str = "messages"  # messages (one request each) | batch (Message Batches API, half price)
    rate_limit_itpm: int | None = None  # input tokens per minute (input + cache writes)
    rate_limit_otpm: int | None = None  # output tokens per minute, charged from max_tokens up front
    # Follow the account's limits from the anthropic-ratelimit-*-limit headers, up as well as down
    # (false: the configured limits are a ceiling, only ever lowered by the headers).
    rate_limit_from_headers: bool = True
    # How long one request keeps retrying refusals for the rate limit (429), from its first one;
    # they do not spend max_retries, which counts transient failures (5xx, 529, timeouts) only.
    rate_limit_timeout: float = 600.0
    # Calls per minute to the Message Batches endpoints (create, retrieve, results): the API limits
    # them separately from the Messages requests.
    batch_rate_limit_rpm: int = 50
    max_concurrent: int = 5
    max_cost_usd: float | None = None
    cache_dir: str | None = None  # durable response cache (and batch journal); None disables it
    stream: str = "auto"  # auto (when max_tokens needs it) | always | never
    prompt_caching: bool = True  # mark the system prompt cache_control when long enough to be cached
    prompt_cache_ttl: str = "5m"  # 5m | 1h
    prompt_cache_min_tokens: dict[str, int] = field(
        default_factory=lambda: dict(DEFAULT_PROMPT_CACHE_MIN_TOKENS)
    )
    batch_poll_interval_s: float = 30.0
    batch_max_requests: int = 10_000  # per Message Batch (the API takes up to 100,000)
    progress: bool = True  # a progress bar of the requests on stderr
    offline: OfflineServerConfig = field(default_factory=OfflineServerConfig)
    prices_as_of: str = field(default_factory=lambda: load_price_table()[0])
    prices: dict[str, ModelPrice] = field(default_factory=lambda: load_price_table()[1])

    def __post_init__(self) -> None:
        check_choice(self, "backend", self.backend, ("claude", "offline"))
        check_choice(self, "mode", self.mode, ("messages", "batch"))
        check_choice(self, "stream", self.stream, ("auto", "always", "never"))
        check_choice(self, "prompt_cache_ttl", self.prompt_cache_ttl, ("5m", "1h"))
        for name in (
            "max_tokens",
            "rate_limit_rpm",
            "rate_limit_tpm",
            "max_concurrent",
            "batch_max_requests",
            "batch_rate_limit_rpm",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{key(self, name)}: must be positive, got {getattr(self, name)}")
        for name in ("rate_limit_itpm", "rate_limit_otpm"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{key(self, name)}: must be positive or null, got {value}")
        if self.max_retries < 0:
            raise ConfigError(f"{key(self, 'max_retries')}: must be >= 0, got {self.max_retries}")
        for name in ("timeout", "retry_delay", "batch_poll_interval_s", "rate_limit_timeout"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{key(self, name)}: must be >= 0, got {getattr(self, name)}")
        if self.max_cost_usd is not None and self.max_cost_usd < 0:
            raise ConfigError(f"{key(self, 'max_cost_usd')}: must be >= 0 or null, got {self.max_cost_usd}")
        if self.batch_max_requests > 100_000:
            raise ConfigError(
                f"{key(self, 'batch_max_requests')}: the API takes at most 100,000, got {self.batch_max_requests}"
            )
        if self.stream == "never" and self.max_tokens > NONSTREAMING_MAX_TOKENS:
            raise ConfigError(
                f"{key(self, 'stream')}: 'never' with api.max_tokens={self.max_tokens}: replies above "
                f"{NONSTREAMING_MAX_TOKENS} tokens must be streamed (use auto)"
            )
        for prefix, tokens in self.prompt_cache_min_tokens.items():
            if tokens < 0:
                raise ConfigError(
                    f"{key(self, f'prompt_cache_min_tokens.{prefix}')}: must be >= 0, got {tokens}"
                )
