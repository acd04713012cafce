"""Client-side rate limiting: continuous token buckets of one minute's capacity, as the API keeps.

The API limits requests, input tokens and output tokens per minute separately, each a bucket that
refills continuously; output tokens are charged from ``max_tokens`` when a request arrives and the
unused part is returned when it ends. :class:`RateLimiter` keeps the same buckets on the client:

- :meth:`RateLimiter.acquire` waits until one request and its estimated tokens fit every bucket and
  reserves them. Waiters are served one at a time in arrival order (an ``asyncio.Lock`` is FIFO):
  the head of the queue sleeps until it fits, the rest queue behind it, so many concurrent requests
  never wake up together to race for the same refill (no thundering herd).
- What an attempt took is then accounted by what became of it: :meth:`RateLimiter.settle` (a reply:
  the ``usage`` corrects the estimate), :meth:`RateLimiter.release` (rejected unread, a 4xx: the
  tokens come back), :meth:`RateLimiter.charge_failed` (a 5xx/529, a timeout, a dropped
  connection: charged as sent, only the output reservation comes back),
  :meth:`RateLimiter.refused` (a 429: the server is out of capacity: every bucket is drained as of
  the attempt's sending, and every request waits for a ``retry-after`` longer than the drained
  buckets' own wait), :meth:`RateLimiter.cancel` (never sent). A request slot that reached the
  server is never given back: a server that counts failed attempts, or whose bucket is emptier
  than ours, is then never overrun by what we believed we had.
- :meth:`RateLimiter.observe_headers` follows the ``anthropic-ratelimit-*`` headers of every reply
  when the server sends them: the limits (bucket capacities) and the remaining amounts (the level
  never stays above what the server says is left, e.g. when another process shares the key).
  Without headers the buckets, the drain after each 429 and the retry-after are all there is.

``RateLimiter(rpm, tpm)`` is the spec's shape: ``tpm`` is then one budget for input + output tokens
(``tpm=None``: requests only). With ``itpm`` and ``otpm`` the input and output buckets replace it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from distill.utils.token_bucket import HEADER_NAMES, TokenBucket

# A retry-after is whole seconds, rounded up: one that asks for at most this much longer than the
# buckets' own wait agrees with them.
RETRY_AFTER_ROUNDING_S = 1.0


@dataclass
class Reservation:
    """What one attempt took from the buckets: a request, input tokens and output tokens."""

    input_tokens: int
    output_tokens: int
    waited_s: float = 0.0
    requests: int = 1  # request slots: more than one for a call that makes several HTTP requests
    settled: bool = False
    # Each bucket's level just after this attempt took its share, and the limiter's running total
    # of refusal corrections at that moment (see RateLimiter.refused).
    left: dict[str, float] = field(default_factory=dict)
    corrected: dict[str, float] = field(default_factory=dict)


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
        tpm: int | None = 40000,
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
        if tpm and not (itpm and otpm):
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
        self.refusals = 0  # 429s seen (each drained the buckets)
        self._corrected = dict.fromkeys(self.buckets, 0.0)  # taken off each bucket by refusals so far

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

    def seconds_until_ready(self, input_tokens: int = 0, output_tokens: int = 0, requests: int = 1) -> float:
        """How long a request of this size would wait now (pauses included)."""
        amounts = self._amounts(input_tokens, output_tokens, requests)
        delay = max(bucket.seconds_until(amounts[name]) for name, bucket in self.buckets.items())
        return max(delay, self._paused_until - self._clock())

    async def acquire(self, input_tokens: int = 0, output_tokens: int = 0, requests: int = 1) -> Reservation:
        """Wait until one request of ``input_tokens`` + ``output_tokens`` (its ``max_tokens``) fits
        every bucket, then reserve it (``requests`` slots: a call that sends several)."""
        self._bind_loop()
        start, slept = self._clock(), False
        async with self._queue:
            while (delay := self.seconds_until_ready(input_tokens, output_tokens, requests)) > 0:
                await self._wait(delay)
                slept = True
            left = {}
            for name, amount in self._amounts(input_tokens, output_tokens, requests).items():
                self.buckets[name].take(amount)
                left[name] = self.buckets[name].level
        waited = self._clock() - start if slept else 0.0
        self.waited_s += waited
        return Reservation(
            input_tokens, output_tokens, waited, requests, left=left, corrected=dict(self._corrected)
        )

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

    def release(self, reservation: Reservation) -> None:
        """An attempt the server rejected without processing it (a 4xx such as 400): its tokens
        come back; its request slot does not (the server may have counted it)."""
        self.settle(reservation, 0, 0)

    def charge_failed(self, reservation: Reservation) -> None:
        """An attempt that reached (or may have reached) the server and failed: a 5xx or 529, a
        timeout, a dropped connection, an error mid-stream. It is charged as sent (its request and
        its input tokens); only the output reservation comes back, since nothing was generated."""
        self.settle(reservation, reservation.input_tokens, 0)

    def refused(
        self,
        reservation: Reservation,
        headers: Mapping[str, str] | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        """A 429: the server had no capacity when this attempt arrived, whatever our buckets said.

        The attempt stays charged (its slot is never given back). A bucket whose ``remaining`` the
        429 reports is set to exactly that; every other bucket is drained *as of the moment this
        attempt was sent*: what the bucket still held after it is taken off, so the refill since
        then is kept and the attempts sent since stay counted. The client's view is then the
        server's: empty when it refused, refilling at the configured rate from there. Several
        refusals of attempts sent together correct a bucket once, not once each.

        The server's ``retry-after`` then holds every request back (:meth:`pause`) only where it
        asks for longer than the corrected buckets do: a server that keeps the same buckets says
        the same as they do (rounded up to whole seconds), and a pause on top would only throw
        their refill away; a longer one means the server knows what the buckets do not (another
        user of the key, a lower limit than configured, a fixed window). (The refused attempt itself
        always waits for its retry-after before it is sent again.)
        """
        reservation.settled = True  # nothing comes back
        self.refusals += 1
        reported = self.observe_headers(headers, exact=True) if headers is not None else set()
        for name, bucket in self.buckets.items():
            if name in reported:
                continue
            if name not in reservation.left:  # a bucket that did not exist when it was sent
                bucket.cap_level(0)
                continue
            corrected_since = self._corrected[name] - reservation.corrected.get(name, 0.0)
            excess = reservation.left[name] - corrected_since
            if excess > 0:
                bucket.take(excess)
                self._corrected[name] += excess
        own_wait = self.seconds_until_ready(
            reservation.input_tokens, reservation.output_tokens, reservation.requests
        )
        if retry_after_s is not None and retry_after_s > own_wait + RETRY_AFTER_ROUNDING_S:
            self.pause(retry_after_s)

    def cancel(self, reservation: Reservation) -> None:
        """An attempt that was never sent (the run stopped while it waited): all of it comes back."""
        if reservation.settled:
            return
        self.settle(reservation, 0, 0)
        self.requests.give_back(reservation.requests)
        self._notify()

    def pause(self, seconds: float) -> None:
        """Let no request start for ``seconds`` (the server's retry-after after a 429)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def observe_headers(self, headers: Mapping[str, str], exact: bool = False) -> set[str]:
        """Follow the server's ``anthropic-ratelimit-<bucket>-{limit,remaining}`` headers; return
        the buckets whose remaining amount they reported. ``exact`` (a 429's headers): the level
        is set to at most the remaining amount itself, without the allowance below."""
        reported = set()
        for name, bucket in self.buckets.items():
            prefix = f"anthropic-ratelimit-{HEADER_NAMES[name]}"
            limit = _header_number(headers, f"{prefix}-limit")
            if limit and limit != bucket.capacity and (self.follow_header_limits or limit < bucket.capacity):
                bucket.set_capacity(limit)
                self._notify()
            remaining = _header_number(headers, f"{prefix}-remaining")
            if remaining is not None:
                reported.add(name)
                # The header is a whole number read a moment after the server computed it: allow
                # the rounding and 1 % of a minute's refill, so that each reply does not shave off
                # a little throughput; a real gap (another user of the key) is still closed.
                bucket.cap_level(remaining if exact else remaining + 1 + 0.01 * bucket.capacity)
        return reported

    def drain(self) -> None:
        """Empty every bucket, as when another run has just used this minute's quota."""
        for bucket in self.buckets.values():
            bucket.cap_level(0)
