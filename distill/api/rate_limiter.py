"""Client-side rate limiting: continuous token buckets of one minute's capacity.

A bucket of capacity C refills at C/60 per second. ``wait_if_needed`` reserves one request and the
estimated tokens, sleeping until both buckets hold enough; waiters are served in arrival order
(an ``asyncio.Lock`` is FIFO), so concurrency does not turn into a thundering herd. After the reply,
``record_usage`` corrects the reservation with the tokens actually used.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class TokenBucket:
    """A bucket holding at most ``capacity`` units, refilled continuously over ``period_s``."""

    def __init__(self, capacity: float, clock: Callable[[], float], period_s: float = 60.0) -> None:
        if capacity <= 0:
            raise ValueError(f"bucket capacity must be positive, got {capacity}")
        self.capacity = float(capacity)
        self.rate = self.capacity / period_s
        self.level = self.capacity
        self._clock = clock
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self.level = min(self.capacity, self.level + (now - self._updated) * self.rate)
        self._updated = now

    def seconds_until(self, amount: float) -> float:
        """Time until ``amount`` units are available (an amount above capacity waits for a full bucket)."""
        self._refill()
        needed = min(amount, self.capacity)
        return max(0.0, (needed - self.level) / self.rate)

    def take(self, amount: float) -> None:
        self._refill()
        self.level -= min(amount, self.capacity)

    def give_back(self, amount: float) -> None:
        self._refill()
        self.level = min(self.capacity, self.level + amount)


class RateLimiter:
    """Requests-per-minute and tokens-per-minute limits, as the spec's ``RateLimiter(rpm, tpm)``."""

    def __init__(
        self,
        rpm: int,
        tpm: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rpm = rpm
        self.tpm = tpm
        self.requests = TokenBucket(rpm, clock)
        self.tokens = TokenBucket(tpm, clock)
        self._sleep = sleep
        self._lock = asyncio.Lock()

    async def wait_if_needed(self, estimated_tokens: int = 0) -> float:
        """Wait until a request of ``estimated_tokens`` fits both limits, reserve it; return seconds waited."""
        waited = 0.0
        async with self._lock:
            while True:
                delay = max(self.requests.seconds_until(1), self.tokens.seconds_until(estimated_tokens))
                if delay <= 0:
                    break
                await self._sleep(delay)
                waited += delay
            self.requests.take(1)
            self.tokens.take(estimated_tokens)
        return waited

    def record_usage(self, estimated_tokens: int, actual_tokens: int) -> None:
        """Correct a reservation once the reply says how many tokens were really used."""
        difference = estimated_tokens - actual_tokens
        if difference > 0:
            self.tokens.give_back(difference)
        elif difference < 0:
            self.tokens.take(-difference)
