"""The offline server's account model: its own rate-limit buckets and its prompt cache.

:class:`ServerRateLimits` keeps the API's three buckets (requests, input tokens, output tokens per
minute; output charged from ``max_tokens`` on arrival, the unused part returned at the end), refuses
what does not fit with a 429 and a ``retry-after``, and reports every bucket in the
``anthropic-ratelimit-*`` headers. :class:`PromptCache` reports a cached system prompt as a cache
write on first use and as a cache read afterwards, within its time to live.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from distill.utils.token_bucket import HEADER_NAMES, TokenBucket


@dataclass
class Admission:
    """What a served request holds: its input tokens and its max_tokens of output."""

    input_tokens: int
    output_tokens: int


class ServerRateLimits:
    def __init__(
        self,
        rpm: int | None,
        itpm: int | None,
        otpm: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self.buckets = {
            name: TokenBucket(limit, clock)
            for name, limit in (("requests", rpm), ("input", itpm), ("output", otpm))
            if limit is not None
        }

    def admit(self, input_tokens: int, max_tokens: int) -> float:
        """Charge a request and return 0, or charge nothing and return the seconds until it fits."""
        amounts = {"requests": 1, "input": input_tokens, "output": max_tokens}
        wait = max((b.seconds_until(amounts[name]) for name, b in self.buckets.items()), default=0.0)
        if wait > 0:
            return wait
        for name, bucket in self.buckets.items():
            bucket.take(amounts[name])
        return 0.0

    def refund(
        self, admission: Admission, input_tokens: int = 0, output_tokens: int = 0, request: bool = False
    ) -> None:
        """Settle a request: return what it held beyond the tokens it used (and, with ``request``,
        its request slot: an attempt that is not counted at all)."""
        if request and "requests" in self.buckets:
            self.buckets["requests"].give_back(1)
        for name, held, used in (
            ("input", admission.input_tokens, input_tokens),
            ("output", admission.output_tokens, output_tokens),
        ):
            if name in self.buckets and held > used:
                self.buckets[name].give_back(held - used)

    def drain(self) -> None:
        for bucket in self.buckets.values():
            bucket.cap_level(0)

    def headers(self) -> dict[str, str]:
        now = datetime.now(UTC)
        headers: dict[str, str] = {}

        def put(name: str, limit: float, remaining: float, full_in_s: float) -> None:
            prefix = f"anthropic-ratelimit-{name}"
            reset = (now + timedelta(seconds=full_in_s)).isoformat(timespec="milliseconds")
            headers[f"{prefix}-limit"] = str(int(limit))
            headers[f"{prefix}-remaining"] = str(max(0, math.floor(remaining)))
            headers[f"{prefix}-reset"] = reset.replace("+00:00", "Z")

        for name, bucket in self.buckets.items():
            put(HEADER_NAMES[name], bucket.capacity, bucket.available(), bucket.seconds_until_full())
        tokens = [self.buckets[n] for n in ("input", "output") if n in self.buckets]
        if len(tokens) == 2:  # the combined tokens header, as the API still sends it
            put(
                "tokens",
                sum(b.capacity for b in tokens),
                sum(max(b.available(), 0) for b in tokens),
                max(b.seconds_until_full() for b in tokens),
            )
        return headers


class PromptCache:
    """System prompts marked ``cache_control`` and long enough, by (model, text), until they expire."""

    def __init__(self, min_tokens: int, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.min_tokens = min_tokens
        self.ttl_s = ttl_s
        self._clock = clock
        self._expiry: dict[str, float] = {}

    def lookup(
        self, model: str, system: str, system_tokens: int, ttl: str | None, remember: bool = True
    ) -> tuple[int, int]:
        """``(cache write tokens, cache read tokens)`` of this system prompt (``ttl`` None: not marked
        for caching); ``remember`` records the write or refreshes the entry, as serving it does."""
        if ttl is None or system_tokens < self.min_tokens:
            return 0, 0
        key = hashlib.sha256(f"{model}\n{system}".encode()).hexdigest()
        now = self._clock()
        hit = self._expiry.get(key, -math.inf) > now
        if remember:
            self._expiry[key] = now + (3600.0 if ttl == "1h" else self.ttl_s)
        return (0, system_tokens) if hit else (system_tokens, 0)
