"""The Claude client: the official SDK (``AsyncAnthropic``) behind our retry loop, rate limiter,
cost accounting, budget cap, durable response cache, prompt caching and Message Batches.

The same code serves ``api=claude`` and ``api=offline``; the latter points ``base_url`` at the
local Anthropic-compatible server, which this client starts on loopback when no URL is given.
The SDK's own retries are off (``max_retries=0``): our loop is the one owner of retries, so that
every attempt, retries included, passes through the rate limiter and the budget.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anthropic

from distill.api.cost import Budget, TokenUsage, UsageTotals, price_usd
from distill.api.errors import (
    Action,
    BudgetExceededError,
    FatalAPIError,
    backoff,
    classify,
    describe,
    retry_after,
    stop_message,
)
from distill.api.progress import RequestProgress
from distill.api.prompting import build_params, estimate_input_tokens, is_cached_prefix, system_text
from distill.api.rate_limiter import RateLimiter, Reservation
from distill.api.response_cache import ResponseCache, request_key
from distill.api.transport import send_message, should_stream
from distill.api.types import CodeGenerationRequest, CodeGenerationResponse
from distill.config.errors import ConfigError
from distill.config.schemas import ClaudeConfig

if TYPE_CHECKING:
    from distill.api.batches import MessageBatchRunner

log = logging.getLogger(__name__)

# Part of every cache key: bump it when the way a request is built changes what an answer means.
GENERATOR_VERSION = "1"
TRUNCATED_STOP_REASONS = ("max_tokens", "model_context_window_exceeded")

ProgressCallback = Callable[[int, int, CodeGenerationResponse], None]

__all__ = [
    "GENERATOR_VERSION",
    "BudgetExceededError",
    "ClaudeAPIClient",
    "FatalAPIError",
    "UsageTotals",
    "extract_code",
    "resolve_api_key",
]


def resolve_api_key(config: ClaudeConfig) -> str:
    """The key from the config or ``ANTHROPIC_API_KEY``; the offline server needs none."""
    key = config.api_key or os.environ.get("ANTHROPIC_API_KEY")
    if key:
        return key
    if config.backend == "offline":
        return "offline-no-key"
    raise ConfigError(
        "api.api_key: no Anthropic API key. Export ANTHROPIC_API_KEY (never put the key in a config "
        "file or on the command line), or run offline with api=offline."
    )


_warned_sampling = False


def _warn_sampling_once(config: ClaudeConfig) -> None:
    global _warned_sampling
    if not _warned_sampling:
        _warned_sampling = True
        log.warning(
            "api.temperature=%s and api.top_p=%s are not sent: the current API refuses sampling "
            "parameters. Variety comes from the prompt grid (language x difficulty x style x topic).",
            config.temperature,
            config.top_p,
        )


def extract_code(text: str, language: str) -> str:
    """The first fenced code block (preferring one tagged with ``language``), else the whole text."""
    blocks = re.findall(r"```([\w+#-]*)[^\n]*\n(.*?)```", text, flags=re.DOTALL)
    for tag, body in blocks:
        if tag.lower() == language.lower():
            return body.strip("\n")
    return blocks[0][1].strip("\n") if blocks else text.strip()


def _has_limit_headers(exc: anthropic.APIError) -> bool:
    response = getattr(exc, "response", None)
    return response is not None and any(h.startswith("anthropic-ratelimit-") for h in response.headers)


def _most_serious(errors: list[BaseException]) -> BaseException:
    for kind in (FatalAPIError, BudgetExceededError):
        for error in errors:
            if isinstance(error, kind):
                return error
    return errors[0]


class ClaudeAPIClient:
    """Generates code with Claude (or the offline server), never paying twice for one request."""

    def __init__(self, config: ClaudeConfig) -> None:
        self.config = config
        self._api_key = resolve_api_key(config)
        _warn_sampling_once(config)
        self.rate_limiter = RateLimiter(
            config.rate_limit_rpm,
            config.rate_limit_tpm,
            config.rate_limit_itpm,
            config.rate_limit_otpm,
            follow_header_limits=config.rate_limit_from_headers,
        )
        self.cache = ResponseCache(Path(config.cache_dir) / "responses.jsonl") if config.cache_dir else None
        self.totals = UsageTotals()
        self.budget = Budget(config.max_cost_usd, self.totals, config.cache_dir)
        self.progress = RequestProgress(enabled=config.progress)
        self._price = config.prices.get(config.model)
        self._fatal: FatalAPIError | None = None  # once set, no further request is sent
        self._server = None
        self._sdk: anthropic.AsyncAnthropic | None = None
        self._sdk_loop: asyncio.AbstractEventLoop | None = None
        self._batches: MessageBatchRunner | None = None
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # between retries; tests record it
        if self._price is None:
            log.warning("api.model %r has no entry in api.prices: its cost is counted as 0", config.model)

    # ----------------------------------------------------------------------------- set-up
    @property
    def base_url(self) -> str | None:
        url = self.config.base_url or os.environ.get("ANTHROPIC_BASE_URL")
        if url or self.config.backend != "offline":
            return url
        if self._server is None:
            from distill.offline.server import OfflineAnthropicServer

            self._server = OfflineAnthropicServer(self.config.offline)
            self._server.start()
        return self._server.base_url

    def sdk(self) -> anthropic.AsyncAnthropic:
        """One SDK client per event loop (its connection pool belongs to the loop that made it)."""
        loop = asyncio.get_running_loop()
        if self._sdk is None or self._sdk_loop is not loop:
            self._sdk = anthropic.AsyncAnthropic(
                api_key=self._api_key, base_url=self.base_url, max_retries=0, timeout=self.config.timeout
            )
            self._sdk_loop = loop
        return self._sdk

    def check_not_stopped(self, budget: bool = True) -> None:
        """Raise the error that stopped the run, if one did (a refused key; the budget, unless
        ``budget`` is false: requests already paid for are still collected then)."""
        if self._fatal is not None:
            raise self._fatal
        if budget and self.budget.exceeded is not None:
            raise self.budget.exceeded

    def stop(self, exc: anthropic.APIError) -> FatalAPIError:
        """Stop the run: no request is sent after this."""
        if self._fatal is None:
            self._fatal = FatalAPIError(stop_message(exc))
        return self._fatal

    # ----------------------------------------------------------------------------- cost
    def _calculate_cost(
        self,
        input_tokens: int,
        output_tokens: int,
        cache_write_tokens: int = 0,
        cache_read_tokens: int = 0,
        batch: bool = False,
        cache_write_1h_tokens: int = 0,
    ) -> float:
        """USD for one request at the configured model's prices. ``cache_write_tokens`` are all cache
        writes, of which ``cache_write_1h_tokens`` at the 1-hour price; ``batch`` halves everything."""
        usage = TokenUsage(
            input_tokens, output_tokens, cache_write_tokens, cache_write_1h_tokens, cache_read_tokens
        )
        return price_usd(self._price, usage, batch)

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
        return price_usd(self._price, usage, batch)

    # ----------------------------------------------------------------------------- requests
    def build_params(self, request: CodeGenerationRequest) -> dict[str, Any]:
        return build_params(request, self.config)

    def cache_key(self, params: dict[str, Any]) -> str:
        """A hash of what determines the answer: model, system text, messages, max_tokens and the
        generator version (not the prompt-caching marks: they change the price, not the answer)."""
        return request_key({**params, "system": system_text(params), "generator_version": GENERATOR_VERSION})

    async def generate_code(self, request: CodeGenerationRequest) -> CodeGenerationResponse:
        """Answer one request: from the cache when it was paid for before, else from the API."""
        self.progress.add_total(1)
        if self.config.mode == "batch":
            return (await self._batch_runner().generate([request]))[0]
        return await self._answer(request)

    async def generate_batch(
        self,
        requests: Sequence[CodeGenerationRequest],
        max_concurrent: int = 5,
        progress_callback: ProgressCallback | None = None,
    ) -> list[CodeGenerationResponse]:
        """Answer many requests, in input order: concurrently (at most ``max_concurrent`` in flight),
        or as Message Batches when ``api.mode=batch``.

        When the budget is reached or the run must stop (a refused key), no further request starts;
        those in flight finish (and are saved), then the error is raised.
        """
        self.progress.add_total(len(requests))
        if self.config.mode == "batch":
            return await self._batch_runner().generate(requests, progress_callback)
        semaphore = asyncio.Semaphore(max_concurrent)
        done = 0

        async def one(request: CodeGenerationRequest) -> CodeGenerationResponse:
            nonlocal done
            async with semaphore:
                response = await self._answer(request)
            done += 1
            if progress_callback is not None:
                progress_callback(done, len(requests), response)
            return response

        tasks = [asyncio.ensure_future(one(r)) for r in requests]
        try:
            results = await asyncio.gather(*tasks, return_exceptions=True)
        except BaseException:  # cancelled: stop everything
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise _most_serious(errors)
        return list(results)

    def _batch_runner(self) -> MessageBatchRunner:
        if self._batches is None:
            from distill.api.batches import MessageBatchRunner

            self._batches = MessageBatchRunner(self)
        return self._batches

    async def _answer(self, request: CodeGenerationRequest) -> CodeGenerationResponse:
        if request.temperature is not None:
            _warn_sampling_once(self.config)
        params = self.build_params(request)
        key = self.cache_key(params)
        start = time.monotonic()
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            self.totals.cache_hits += 1
            response = self.to_response(request, cached, time.monotonic() - start, cache_hit=True, key=key)
        else:
            self.check_not_stopped()
            try:
                record = await self._send_with_retries(params)
            except anthropic.APIError as exc:
                response = self.failed_response(
                    request, describe(exc), key, time.monotonic() - start, getattr(exc, "status_code", None)
                )
            else:
                if self.cache is not None:
                    self.cache.put(key, record)
                response = self.to_response(
                    request, record, time.monotonic() - start, cache_hit=False, key=key
                )
        self.progress.record(response.success, cached is not None, response.tokens_used, self.totals.cost_usd)
        return response

    async def _send_with_retries(self, params: dict[str, Any]) -> dict[str, Any]:
        system_tokens, message_tokens = estimate_input_tokens(params)
        estimated_input, max_output = system_tokens + message_tokens, params["max_tokens"]
        worst_case = self.worst_case_cost(params)
        self.budget.reserve(worst_case)
        stream = should_stream(self.config.stream, self.config.model, max_output)
        try:
            for attempt in range(self.config.max_retries + 1):
                reservation = await self.rate_limiter.acquire(estimated_input, max_output)
                if self._fatal is not None:
                    self.rate_limiter.release(reservation, request=True)
                    raise self._fatal
                self.totals.attempts += 1
                self.totals.retries += int(attempt > 0)
                try:
                    message, headers = await send_message(self.sdk(), params, stream)
                except anthropic.APIError as exc:
                    delay = self._after_error(exc, reservation, attempt)
                    log.info("%s; retry %d in %.2f s", describe(exc)[:200], attempt + 1, delay)
                    await self.sleep(delay)
                    continue
                self.rate_limiter.observe_headers(headers)
                usage = TokenUsage.of(message.usage, self.config.prompt_cache_ttl)
                self.rate_limiter.settle(reservation, usage.rate_limited_input, usage.output_tokens)
                return self.record_of(
                    message, usage, headers.get("request-id"), attempts=attempt + 1, streamed=stream
                )
            raise AssertionError("unreachable: the last attempt returns or raises")
        finally:
            self.budget.release(worst_case)

    def _after_error(self, exc: anthropic.APIError, reservation: Reservation, attempt: int) -> float:
        """Account for a failed attempt; raise when it must not be retried, else return the delay."""
        if isinstance(exc, anthropic.APIStatusError):  # the server answered: it used no tokens
            self.rate_limiter.observe_headers(exc.response.headers)
            self.rate_limiter.release(reservation, request=exc.status_code == 429)
        action = classify(exc)
        if action is Action.STOP:
            raise self.stop(exc) from exc
        if action is Action.FAIL or attempt == self.config.max_retries:
            raise exc
        server_delay = retry_after(exc)
        if (
            server_delay is not None
            and getattr(exc, "status_code", None) == 429
            and not _has_limit_headers(exc)
        ):
            # Without rate-limit headers to correct the buckets, everyone waits, not only this request.
            self.rate_limiter.pause(server_delay)
        return server_delay if server_delay is not None else backoff(self.config.retry_delay, attempt)

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
        cost = price_usd(self._price, usage, batch=batch_id is not None)
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

    # ----------------------------------------------------------------------------- shutdown
    async def aclose(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None
        self.close()

    def close(self) -> None:
        """Stop the embedded offline server, the progress bar and the cache files."""
        self.progress.close()
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self.cache is not None:
            self.cache.close()
        if self._batches is not None:
            self._batches.close()
