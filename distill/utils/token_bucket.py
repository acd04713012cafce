"""The continuous token bucket of the Messages API's rate limits, and the names of its headers.

Shared by the client's limiter (``distill.api.rate_limiter``) and the offline server's own limits
(``distill.offline.limits``): both keep the same buckets, one to stay under them, one to enforce them.
"""

from __future__ import annotations

from collections.abc import Callable

PERIOD_S = 60.0
# Header names of each bucket: anthropic-ratelimit-<name>-{limit,remaining,reset}.
HEADER_NAMES = {
    "requests": "requests",
    "tokens": "tokens",
    "input": "input-tokens",
    "output": "output-tokens",
}


class TokenBucket:
    """At most ``capacity`` units, refilled continuously at ``capacity`` per ``period_s``.

    ``take`` may drive the level below zero (a request larger than what is left, or usage above
    its estimate): the debt is repaid by the refill before anything else fits.
    """

    def __init__(
        self, capacity: float, clock: Callable[[], float], period_s: float = PERIOD_S, full: bool = True
    ) -> None:
        if capacity <= 0:
            raise ValueError(f"bucket capacity must be positive, got {capacity}")
        self.capacity = float(capacity)
        self.period_s = period_s
        self.level = self.capacity if full else 0.0
        self._clock = clock
        self._updated = clock()

    @property
    def rate(self) -> float:
        """Units per second."""
        return self.capacity / self.period_s

    def _refill(self) -> None:
        now = self._clock()
        self.level = min(self.capacity, self.level + (now - self._updated) * self.rate)
        self._updated = now

    def available(self) -> float:
        self._refill()
        return self.level

    def seconds_until(self, amount: float) -> float:
        """Time until ``amount`` units are available (an amount above capacity waits for a full bucket)."""
        self._refill()
        needed = min(amount, self.capacity)
        return max(0.0, (needed - self.level) / self.rate)

    def take(self, amount: float) -> None:
        self._refill()
        self.level -= amount

    def give_back(self, amount: float) -> None:
        self._refill()
        self.level = min(self.capacity, self.level + amount)

    def set_capacity(self, capacity: float) -> None:
        self._refill()
        self.capacity = float(capacity)
        self.level = min(self.level, self.capacity)

    def cap_level(self, remaining: float) -> None:
        """Never hold more than ``remaining`` (what the server reports is left)."""
        self._refill()
        self.level = min(self.level, remaining)

    def seconds_until_full(self) -> float:
        self._refill()
        return max(0.0, (self.capacity - self.level) / self.rate)
