"""Client-side rate limiting: continuous token buckets of one minute's capacity, as the API keeps.

The API limits requests, input tokens and output tokens per minute separately, each a bucket that
refills continuously; output tokens are charged from ``max_tokens`` when a request arrives and the
unused part is returned when it ends. :class:`RateLimiter` keeps the same buckets on the client:

- :meth:`RateLimiter.acquire` waits until one request and its estimated tokens fit every bucket and
  reserves them. Waiters are served one at a time in arrival order (an ``asyncio.Lock`` is FIFO):
  the head of the queue sleeps until it fits, the rest queue behind it, so many concurrent requests
  never wake up together to race for the same refill (no thundering herd).
- :meth:`RateLimiter.settle` corrects a reservation with the reply's ``usage`` (the unused part is
  refunded), :meth:`RateLimiter.release` returns what an attempt that was refused did not use.
- :meth:`RateLimiter.observe_headers` follows the ``anthropic-ratelimit-*`` headers of every reply:
  the limits (bucket capacities) and the remaining amounts (the level never stays above what the
  server says is left, e.g. when another process shares the key).
- :meth:`RateLimiter.pause` holds every request back after a 429 for the server's ``retry-after``.

``RateLimiter(rpm, tpm)`` is the spec's shape: ``tpm`` is then one budget for input + output tokens.
With ``itpm`` and ``otpm`` the input and output buckets replace it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from distill.utils.token_bucket import HEADER_NAMES, TokenBucket


@dataclass
class Reservation:
    """What one attempt took from the buckets: a request, input tokens and output tokens."""

    input_tokens: int
    output_tokens: int
    waited_s: float = 0.0
    settled: bool = False


def _header_number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


class RateLimiter:
    """Requests-per-minute and token-per-minute limits, as the spec's ``RateLimiter(rpm, tpm)``."""

    def __init__(
        self,
        rpm: int = 50,
        tpm: int = 40000,
        itpm: int | None = None,
        otpm: int | None = None,
        *,
        follow_header_limits: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rpm = rpm
        self.tpm = tpm
        self.follow_header_limits = follow_header_limits
        self._clock = clock
        self._sleep = sleep
        self.buckets: dict[str, TokenBucket] = {"requests": TokenBucket(rpm, clock)}
        if not (itpm and otpm):
            self.buckets["tokens"] = TokenBucket(tpm, clock)
        if itpm:
            self.buckets["input"] = TokenBucket(itpm, clock)
        if otpm:
            self.buckets["output"] = TokenBucket(otpm, clock)
        self._paused_until = -math.inf
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue = asyncio.Lock()  # replaced per event loop, see _bind_loop
        self._changed = asyncio.Event()  # set when capacity comes back early (refunds, new limits)
        self.waited_s = 0.0  # total time requests spent waiting here

    @property
    def requests(self) -> TokenBucket:
        return self.buckets["requests"]

    def _bind_loop(self) -> None:
        """Asyncio primitives belong to the loop that first waits on them: new ones per loop."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._queue, self._changed = loop, asyncio.Lock(), asyncio.Event()

    async def _wait(self, delay: float) -> None:
        """Sleep ``delay``, or less when capacity comes back early (a refund, a higher limit)."""
        self._changed.clear()
        sleeper = asyncio.ensure_future(self._sleep(delay))
        changed = asyncio.ensure_future(self._changed.wait())
        _, pending = await asyncio.wait({sleeper, changed}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _notify(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._changed.set()

    def _amounts(self, input_tokens: float, output_tokens: float, requests: float = 1) -> dict[str, float]:
        amounts = {
            "requests": requests,
            "tokens": input_tokens + output_tokens,
            "input": input_tokens,
            "output": output_tokens,
        }
        return {name: amounts[name] for name in self.buckets}

    def seconds_until_ready(self, input_tokens: int = 0, output_tokens: int = 0) -> float:
        """How long a request of this size would wait now (pauses included)."""
        amounts = self._amounts(input_tokens, output_tokens)
        delay = max(bucket.seconds_until(amounts[name]) for name, bucket in self.buckets.items())
        return max(delay, self._paused_until - self._clock())

    async def acquire(self, input_tokens: int = 0, output_tokens: int = 0) -> Reservation:
        """Wait until one request of ``input_tokens`` + ``output_tokens`` (its ``max_tokens``) fits
        every bucket, then reserve it."""
        self._bind_loop()
        start, slept = self._clock(), False
        async with self._queue:
            while (delay := self.seconds_until_ready(input_tokens, output_tokens)) > 0:
                await self._wait(delay)
                slept = True
            for name, amount in self._amounts(input_tokens, output_tokens).items():
                self.buckets[name].take(amount)
        waited = self._clock() - start if slept else 0.0
        self.waited_s += waited
        return Reservation(input_tokens, output_tokens, waited)

    async def wait_if_needed(self, estimated_tokens: int = 0) -> float:
        """The spec's call: reserve one request of ``estimated_tokens``; return the seconds waited."""
        return (await self.acquire(estimated_tokens, 0)).waited_s

    def settle(self, reservation: Reservation, input_tokens: int, output_tokens: int) -> None:
        """Correct a reservation with the tokens the reply really used (refund or extra charge)."""
        if reservation.settled:
            return
        reservation.settled = True
        reserved = self._amounts(reservation.input_tokens, reservation.output_tokens, requests=0)
        used = self._amounts(input_tokens, output_tokens, requests=0)
        for name in reserved:
            difference = reserved[name] - used[name]
            if difference > 0:
                self.buckets[name].give_back(difference)
            elif difference < 0:
                self.buckets[name].take(-difference)
        self._notify()

    def release(self, reservation: Reservation, request: bool = False) -> None:
        """An attempt that used no tokens (an error reply): return its tokens, and its request slot
        too when the server did not count it (a 429 refusal)."""
        if reservation.settled:
            return
        self.settle(reservation, 0, 0)
        if request:
            self.requests.give_back(1)
            self._notify()

    def pause(self, seconds: float) -> None:
        """Let no request start for ``seconds`` (the server's retry-after after a 429)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def observe_headers(self, headers: Mapping[str, str]) -> None:
        """Follow the server's ``anthropic-ratelimit-<bucket>-{limit,remaining}`` headers."""
        for name, bucket in self.buckets.items():
            prefix = f"anthropic-ratelimit-{HEADER_NAMES[name]}"
            limit = _header_number(headers, f"{prefix}-limit")
            if limit and limit != bucket.capacity and (self.follow_header_limits or limit < bucket.capacity):
                bucket.set_capacity(limit)
                self._notify()
            remaining = _header_number(headers, f"{prefix}-remaining")
            if remaining is not None:
                # The header is a whole number read a moment after the server computed it: allow
                # the rounding and 1 % of a minute's refill, so that each reply does not shave off
                # a little throughput; a real gap (another user of the key) is still closed.
                bucket.cap_level(remaining + 1 + 0.01 * bucket.capacity)

    def drain(self) -> None:
        """Empty every bucket, as when another run has just used this minute's quota."""
        for bucket in self.buckets.values():
            bucket.cap_level(0)
