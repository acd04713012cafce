"""What to do about each API error: retry it (and after how long), fail the request, or stop the run.

Retried: 429, 529 and other 5xx, 408/409, connection errors and timeouts, and an ``error`` event in
the middle of a stream (it arrives inside an HTTP 200, so it is classified by its ``error.type``).
Never retried: 400, 403, 404 and the other 4xx. A refused key (401), an account that cannot pay
(402, spend-limit 429s), a permission error (403) or a model that does not exist (404) would fail
every request of the run the same way: they stop the whole run at once.

:class:`RetryBudget` decides, per request, whether another attempt is due: transient failures
(5xx, 529, timeouts, dropped connections) spend ``api.max_retries``; refusals for the rate limit
(429) spend nothing of it, they are bounded by time (``api.rate_limit_timeout`` from the first one),
so that waiting for capacity never turns into a lost request.
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import anthropic

if TYPE_CHECKING:
    from distill.api.rate_limiter import RateLimiter, Reservation

MAX_BACKOFF_S = 60.0
MAX_RETRY_AFTER_S = 600.0  # a longer retry-after (a monthly quota) is honoured, but capped
RETRYABLE_ERROR_TYPES = ("overloaded_error", "api_error", "rate_limit_error", "timeout_error")


class FatalAPIError(RuntimeError):
    """An error that must stop the whole run (a refused key, an exhausted account)."""


class BudgetExceededError(RuntimeError):
    """Starting another request could pass ``api.max_cost_usd``."""


class Action(enum.Enum):
    RETRY = "retry"
    FAIL = "fail"  # this request fails; the run goes on
    STOP = "stop"  # the whole run stops


def classify(exc: anthropic.APIError) -> Action:
    if isinstance(exc, anthropic.APIConnectionError):  # includes timeouts and dropped connections
        return Action.RETRY
    if isinstance(
        exc,
        anthropic.AuthenticationError
        | anthropic.PaymentRequiredError
        | anthropic.EnforcedSpendLimitReachedError
        | anthropic.ContractSpendLimitReachedError
        | anthropic.PermissionDeniedError
        | anthropic.NotFoundError,
    ):
        return Action.STOP
    status = getattr(exc, "status_code", None)
    if status is None:
        return Action.FAIL
    if status < 400:  # an error event inside a 200 stream
        return Action.RETRY if error_type(exc) in RETRYABLE_ERROR_TYPES else Action.FAIL
    if status in (408, 409, 429) or status >= 500:
        return Action.RETRY
    return Action.FAIL


def is_rate_limited(exc: anthropic.APIError) -> bool:
    """A refusal for the rate limit: a 429 (or a ``rate_limit_error`` event inside a stream)."""
    status = getattr(exc, "status_code", None)
    return status == 429 or (status is not None and status < 400 and error_type(exc) == "rate_limit_error")


def error_type(exc: anthropic.APIError) -> str | None:
    """``error.type`` of the body (``overloaded_error``, ...), also for errors inside a stream."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("type"), str):
            return inner["type"]
    return None


def stop_message(exc: anthropic.APIError) -> str:
    """Why the run stops, in words a user can act on (never the key itself)."""
    if isinstance(exc, anthropic.AuthenticationError):
        return "The Anthropic API refused the key (401). Check ANTHROPIC_API_KEY; nothing more is sent."
    if isinstance(exc, anthropic.PermissionDeniedError):
        return f"The key may not use this API or model (403); nothing more is sent: {exc}"
    if isinstance(exc, anthropic.NotFoundError):
        return f"Not found (404): check api.model and api.base_url; nothing more is sent: {exc}"
    return f"The account cannot pay for more requests; nothing more is sent: {exc}"


def retry_after(exc: anthropic.APIError) -> float | None:
    """The server's ``retry-after-ms`` / ``retry-after`` (seconds) of an error reply, if any."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    for header, scale in (("retry-after-ms", 1e-3), ("retry-after", 1.0)):
        value = response.headers.get(header)
        if value is not None:
            try:
                return min(max(float(value) * scale, 0.0), MAX_RETRY_AFTER_S)
            except ValueError:
                continue
    return None


def backoff(base: float, attempt: int) -> float:
    """Exponential backoff with jitter: ``base`` x 2^attempt (at most a minute) x uniform(0.5, 1)."""
    return min(MAX_BACKOFF_S, base * 2**attempt) * random.uniform(0.5, 1.0)


def describe(exc: anthropic.APIError) -> str:
    status = getattr(exc, "status_code", None)
    kind = error_type(exc)
    label = type(exc).__name__ + (f" ({status}" + (f", {kind}" if kind else "") + ")" if status else "")
    return f"{label}: {exc}"[:500]


class RetryBudget:
    """The retries left to one request (or one batch API call).

    :meth:`next_delay` returns how long to wait before the next attempt, or None when there is
    none: after ``max_retries`` transient failures, or when a rate-limit refusal would have the
    request wait past ``rate_limit_timeout`` seconds from its first refusal. The delay is the
    server's ``retry-after`` when it sends one, else exponential backoff from ``retry_delay``
    (counted separately for transient failures and for refusals).
    """

    def __init__(
        self,
        max_retries: int,
        retry_delay: float,
        rate_limit_timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_retries = max_retries
        self.retry_delay = retry_delay
        self.rate_limit_timeout = rate_limit_timeout
        self._clock = clock
        self.transient = 0  # transient failures so far (each spent one of max_retries)
        self.refusals = 0  # rate-limit refusals so far
        self._refused_since: float | None = None

    def next_delay(self, exc: anthropic.APIError) -> float | None:
        server_delay = retry_after(exc)
        if is_rate_limited(exc):
            now = self._clock()
            if self._refused_since is None:
                self._refused_since = now
            delay = server_delay if server_delay is not None else backoff(self.retry_delay, self.refusals)
            self.refusals += 1
            if now + delay - self._refused_since > self.rate_limit_timeout:
                return None
            return delay
        if self.transient >= self.max_retries:
            return None
        delay = server_delay if server_delay is not None else backoff(self.retry_delay, self.transient)
        self.transient += 1
        return delay


def settle_failed_attempt(
    limiter: RateLimiter, reservation: Reservation, exc: anthropic.APIError, retry: RetryBudget
) -> float | None:
    """Account for a failed attempt in ``limiter``; return the delay before the next attempt, or
    None when there is none (the error is not retried, or the retry budget is spent).

    - a 429: :meth:`RateLimiter.refused` (the buckets as the 429's headers report them, or drained
      as of the attempt's sending; no request starts before the retry-after); the attempt is sent
      again after the retry-after;
    - another retried failure (5xx, 529, 408/409, a timeout, a dropped connection, an error
      mid-stream): charged as sent (:meth:`RateLimiter.charge_failed`);
    - an error that is not retried (a 400, a refused key...): its tokens come back, not its slot.
    """
    action = classify(exc)
    headers = exc.response.headers if isinstance(exc, anthropic.APIStatusError) else None
    if action is not Action.RETRY:
        if headers is not None:
            limiter.observe_headers(headers)
        limiter.release(reservation)
        return None
    delay = retry.next_delay(exc)
    if is_rate_limited(exc):
        limiter.refused(reservation, headers, retry_after(exc))
    else:
        if headers is not None:
            limiter.observe_headers(headers)
        limiter.charge_failed(reservation)
    return delay
