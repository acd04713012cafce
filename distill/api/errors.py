"""What to do about each API error: retry it (and after how long), fail the request, or stop the run.

Retried: 429, 529 and other 5xx, 408/409, connection errors and timeouts, and an ``error`` event in
the middle of a stream (it arrives inside an HTTP 200, so it is classified by its ``error.type``).
Never retried: 400, 403, 404 and the other 4xx. A refused key (401), an account that cannot pay
(402, spend-limit 429s), a permission error (403) or a model that does not exist (404) would fail
every request of the run the same way: they stop the whole run at once.
"""

from __future__ import annotations

import enum
import random

import anthropic

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
