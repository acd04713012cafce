"""The request ledger: what the Messages path of the client and the Message Batches runner share.

:class:`RequestLedger` holds the state every paid request goes through, and only that: the
durable response cache, the usage totals and the budget cap, the progress bar, the run's stop
state (a refused key stops everything), the SDK handle, the sleep between retries and the rate
limiter of the batch API calls. It turns a reply into the record stored in the cache and a record
into a :class:`CodeGenerationResponse`. :class:`distill.api.client.ClaudeAPIClient` owns one and
hands it to :class:`distill.api.batches.MessageBatchRunner`, which sees nothing else of the client
(so neither module imports the other).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anthropic

from distill.api.cost import Budget, TokenUsage, UsageTotals, price_usd
from distill.api.errors import FatalAPIError, stop_message
from distill.api.progress import RequestProgress
from distill.api.prompting import build_params, estimate_input_tokens, is_cached_prefix, system_text
from distill.api.rate_limiter import RateLimiter
from distill.api.response_cache import ResponseCache, request_key
from distill.api.types import CodeGenerationRequest, CodeGenerationResponse
from distill.config.schemas import ClaudeConfig

# Part of every cache key: bump it when the way a request is built changes what an answer means.
GENERATOR_VERSION = "1"
TRUNCATED_STOP_REASONS = ("max_tokens", "model_context_window_exceeded")


def extract_code(text: str, language: str) -> str:
    """The first fenced code block (preferring one tagged with ``language``), else the whole text."""
    blocks = re.findall(r"```([\w+#-]*)[^\n]*\n(.*?)```", text, flags=re.DOTALL)
    for tag, body in blocks:
        if tag.lower() == language.lower():
            return body.strip("\n")
    return blocks[0][1].strip("\n") if blocks else text.strip()


class RequestLedger:
    """Cache, totals, budget, progress, stop state and SDK handle of one client."""

    def __init__(self, config: ClaudeConfig, sdk: Callable[[], anthropic.AsyncAnthropic]) -> None:
        self.config = config
        self.sdk = sdk  # the SDK client of the running event loop
        self.cache = ResponseCache(Path(config.cache_dir) / "responses.jsonl") if config.cache_dir else None
        self.totals = UsageTotals()
        self.budget = Budget(config.max_cost_usd, self.totals, config.cache_dir)
        self.progress = RequestProgress(enabled=config.progress)
        self.price = config.prices.get(config.model)
        # The Message Batches endpoints have a request limit of their own (no tokens).
        self.batch_limiter = RateLimiter(
            config.batch_rate_limit_rpm, None, follow_header_limits=config.rate_limit_from_headers
        )
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # between retries; tests record it
        self.fatal: FatalAPIError | None = None  # once set, no further request is sent

    # ----------------------------------------------------------------------------- the run's state
    def check_not_stopped(self, budget: bool = True) -> None:
        """Raise the error that stopped the run, if one did (a refused key; the budget, unless
        ``budget`` is false: requests already paid for are still collected then)."""
        if self.fatal is not None:
            raise self.fatal
        if budget and self.budget.exceeded is not None:
            raise self.budget.exceeded

    def stop(self, exc: anthropic.APIError) -> FatalAPIError:
        """Stop the run: no request is sent after this."""
        if self.fatal is None:
            self.fatal = FatalAPIError(stop_message(exc))
        return self.fatal

    # ----------------------------------------------------------------------------- requests
    def build_params(self, request: CodeGenerationRequest) -> dict[str, Any]:
        return build_params(request, self.config)

    def cache_key(self, params: dict[str, Any]) -> str:
        """A hash of what determines the answer: model, system text, messages, max_tokens and the
        generator version (not the prompt-caching marks: they change the price, not the answer)."""
        return request_key({**params, "system": system_text(params), "generator_version": GENERATOR_VERSION})

    def worst_case_cost(self, params: dict[str, Any], batch: bool = False) -> float:
        """The most a request can cost: its estimated input (the system prompt as a cache write when
        it is marked for caching) and all of ``max_tokens``."""
        system_tokens, message_tokens = estimate_input_tokens(params)
        cached = is_cached_prefix(params)
        writes = system_tokens if cached else 0
        usage = TokenUsage(
            input_tokens=message_tokens + (0 if cached else system_tokens),
            output_tokens=params["max_tokens"],
            cache_write_tokens=writes,
            cache_write_1h_tokens=writes if self.config.prompt_cache_ttl == "1h" else 0,
        )
        return price_usd(self.price, usage, batch)

    # ----------------------------------------------------------------------------- records
    def record_of(
        self,
        message: Any,
        usage: TokenUsage,
        request_id: str | None,
        attempts: int,
        streamed: bool = False,
        batch_id: str | None = None,
    ) -> dict[str, Any]:
        """What is stored in the response cache for a paid reply, counted in the totals."""
        cost = price_usd(self.price, usage, batch=batch_id is not None)
        self.totals.add(usage, cost, batch=batch_id is not None)
        text = "".join(block.text for block in message.content if getattr(block, "type", "") == "text")
        return {
            "text": text,
            "model": message.model,
            "stop_reason": message.stop_reason,
            "usage": usage.as_record(),
            "cost_usd": cost,
            "request_id": request_id,
            "attempts": attempts,
            "streamed": streamed,
            "batch_id": batch_id,
        }

    def to_response(
        self,
        request: CodeGenerationRequest,
        record: dict[str, Any],
        elapsed: float,
        cache_hit: bool,
        key: str,
    ) -> CodeGenerationResponse:
        stop_reason = record["stop_reason"]
        truncated = stop_reason in TRUNCATED_STOP_REASONS
        error = None
        if truncated:
            error = f"truncated: the reply stopped at {stop_reason}"
        elif stop_reason == "refusal":
            error = "refused: the model declined to answer"
        usage = record["usage"]
        return CodeGenerationResponse(
            instruction=request.instruction,
            generated_code=extract_code(record["text"], request.language),
            language=request.language,
            tokens_used=usage["input_tokens"] + usage["output_tokens"],
            generation_time=elapsed,
            success=error is None,
            error=error,
            metadata={**record, "truncated": truncated, "cache_hit": cache_hit, "cache_key": key},
        )

    def failed_response(
        self, request: CodeGenerationRequest, error: str, key: str, elapsed: float, status: int | None = None
    ) -> CodeGenerationResponse:
        self.totals.failures += 1
        return CodeGenerationResponse(
            instruction=request.instruction,
            generated_code="",
            language=request.language,
            tokens_used=0,
            generation_time=elapsed,
            success=False,
            error=error,
            metadata={"model": self.config.model, "cache_key": key, "status_code": status},
        )

    def close(self) -> None:
        """The progress bar and the cache file."""
        self.progress.close()
        if self.cache is not None:
            self.cache.close()
