"""One HTTP attempt at the Messages API: streamed when the reply may be long, else plain JSON.

The SDK refuses a non-streaming request whose ``max_tokens`` could take over ten minutes (and, for
some models, above a per-model cap); such requests are streamed with ``messages.stream`` and the
final message is assembled from the events. An ``error`` event in the middle of a stream (e.g.
``overloaded_error`` after the 200) surfaces as an ``APIStatusError`` that
:func:`distill.api.errors.classify` retries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anthropic

from distill.config.api import NONSTREAMING_MAX_TOKENS

try:  # the SDK's table of models with a lower non-streaming cap (a private module: optional)
    from anthropic._constants import MODEL_NONSTREAMING_TOKENS
except ImportError:  # pragma: no cover - depends on the SDK version
    MODEL_NONSTREAMING_TOKENS = {}


def should_stream(mode: str, model: str, max_tokens: int) -> bool:
    """``api.stream``: always, never, or auto (when the SDK would refuse to wait for the reply)."""
    if mode != "auto":
        return mode == "always"
    limit = min(NONSTREAMING_MAX_TOKENS, MODEL_NONSTREAMING_TOKENS.get(model, NONSTREAMING_MAX_TOKENS))
    return max_tokens > limit


async def send_message(
    sdk: anthropic.AsyncAnthropic, params: dict[str, Any], stream: bool
) -> tuple[Any, Mapping[str, str]]:
    """Send one request; return the ``Message`` and the reply's headers."""
    if stream:
        async with sdk.messages.stream(**params) as events:
            message = await events.get_final_message()
            return message, events.response.headers
    raw = await sdk.messages.with_raw_response.create(**params)
    return await raw.parse(), raw.headers
