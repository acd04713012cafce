"""The Claude client: the official SDK (``AsyncAnthropic``) behind our retry loop, rate limiter,
cost accounting, budget cap, durable response cache, prompt caching and Message Batches.

The same code serves ``api=claude`` and ``api=offline``; the latter points ``base_url`` at the
local Anthropic-compatible server, which this client starts on loopback when no URL is given.
The SDK's own retries are off (``max_retries=0``): our loop is the one owner of retries, so that
every attempt, retries included, passes through the rate limiter and the budget.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anthropic

from distill.api.batches import MessageBatchRunner
from distill.api.cost import Budget, TokenUsage, UsageTotals, price_usd
from distill.api.errors import (
    Action,
    BudgetExceededError,
    FatalAPIError,
    RetryBudget,
    classify,
    describe,
    is_rate_limited,
    settle_failed_attempt,
)
from distill.api.ledger import GENERATOR_VERSION, RequestLedger, extract_code
from distill.api.progress import RequestProgress
from distill.api.prompting import estimate_input_tokens
from distill.api.rate_limiter import RateLimiter, Reservation
from distill.api.response_cache import ResponseCache
from distill.api.transport import send_message, should_stream
from distill.api.types import CodeGenerationRequest, CodeGenerationResponse, ProgressCallback
from distill.config.errors import ConfigError
from distill.config.schemas import ClaudeConfig

log = logging.getLogger(__name__)

__all__ = [
    "GENERATOR_VERSION",
    "BudgetExceededError",
    "ClaudeAPIClient",
    "FatalAPIError",
    "ProgressCallback",
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
        self.ledger = RequestLedger(config, self.sdk)
        self._server = None
        self._sdk: anthropic.AsyncAnthropic | None = None
        self._sdk_loop: asyncio.AbstractEventLoop | None = None
        self._batches: MessageBatchRunner | None = None
        # Requests being answered, by cache key: an identical request waits for that answer
        # instead of paying for the same reply again.
        self._in_flight: dict[str, asyncio.Future[dict[str, Any] | None]] = {}
        if self.ledger.price is None:
            log.warning("api.model %r has no entry in api.prices: its cost is counted as 0", config.model)

    # ----------------------------------------------------------------------------- the ledger's parts
    @property
    def cache(self) -> ResponseCache | None:
        return self.ledger.cache

    @property
    def totals(self) -> UsageTotals:
        return self.ledger.totals

    @property
    def budget(self) -> Budget:
        return self.ledger.budget

    @property
    def progress(self) -> RequestProgress:
        return self.ledger.progress

    @property
    def sleep(self) -> Callable[[float], Awaitable[None]]:
        """The sleep between retries (of Messages requests and batch calls); tests replace it."""
        return self.ledger.sleep

    @sleep.setter
    def sleep(self, sleep: Callable[[float], Awaitable[None]]) -> None:
        self.ledger.sleep = sleep

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
        """Raise the error that stopped the run, if one did (see :meth:`RequestLedger.check_not_stopped`)."""
        self.ledger.check_not_stopped(budget)

    def stop(self, exc: anthropic.APIError) -> FatalAPIError:
        """Stop the run: no request is sent after this."""
        return self.ledger.stop(exc)

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
        return price_usd(self.ledger.price, usage, batch)

    def worst_case_cost(self, params: dict[str, Any], batch: bool = False) -> float:
        return self.ledger.worst_case_cost(params, batch)

    # ----------------------------------------------------------------------------- requests
    def build_params(self, request: CodeGenerationRequest) -> dict[str, Any]:
        return self.ledger.build_params(request)

    def cache_key(self, params: dict[str, Any]) -> str:
        return self.ledger.cache_key(params)

    def to_response(
        self,
        request: CodeGenerationRequest,
        record: dict[str, Any],
        elapsed: float,
        cache_hit: bool,
        key: str,
    ) -> CodeGenerationResponse:
        return self.ledger.to_response(request, record, elapsed, cache_hit, key)

    def failed_response(
        self, request: CodeGenerationRequest, error: str, key: str, elapsed: float, status: int | None = None
    ) -> CodeGenerationResponse:
        return self.ledger.failed_response(request, error, key, elapsed, status)

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
            self._batches = MessageBatchRunner(self.ledger)
        return self._batches

    async def _answer(self, request: CodeGenerationRequest) -> CodeGenerationResponse:
        if request.temperature is not None:
            _warn_sampling_once(self.config)
        params = self.build_params(request)
        key = self.cache_key(params)
        start = time.monotonic()
        while (same := self._in_flight.get(key)) is not None:  # an identical request is being paid for
            record = await asyncio.shield(same)
            if record is not None:
                self.totals.cache_hits += 1
                response = self.to_response(
                    request, record, time.monotonic() - start, cache_hit=True, key=key
                )
                self.progress.record(response.success, True, response.tokens_used, self.totals.cost_usd)
                return response
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            self.totals.cache_hits += 1
            response = self.to_response(request, cached, time.monotonic() - start, cache_hit=True, key=key)
        else:
            self.check_not_stopped()
            answered = self._in_flight[key] = asyncio.get_running_loop().create_future()
            record = None
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
            finally:
                del self._in_flight[key]
                answered.set_result(record)  # None: the others try for themselves
        self.progress.record(response.success, cached is not None, response.tokens_used, self.totals.cost_usd)
        return response

    async def _send_with_retries(self, params: dict[str, Any]) -> dict[str, Any]:
        system_tokens, message_tokens = estimate_input_tokens(params)
        estimated_input, max_output = system_tokens + message_tokens, params["max_tokens"]
        worst_case = self.worst_case_cost(params)
        self.budget.reserve(worst_case)
        stream = should_stream(self.config.stream, self.config.model, max_output)
        retry = RetryBudget(self.config.max_retries, self.config.retry_delay, self.config.rate_limit_timeout)
        try:
            for attempt in itertools.count():
                reservation = await self.rate_limiter.acquire(estimated_input, max_output)
                if self.ledger.fatal is not None:
                    self.rate_limiter.cancel(reservation)
                    raise self.ledger.fatal
                self.totals.attempts += 1
                self.totals.retries += int(attempt > 0)
                try:
                    message, headers = await send_message(self.sdk(), params, stream)
                except anthropic.APIError as exc:
                    delay = self._after_error(exc, reservation, retry)
                    log.info("%s; attempt %d again in %.2f s", describe(exc)[:200], attempt + 2, delay)
                    await self.sleep(delay)
                    continue
                except BaseException:  # cancelled mid-request: it may have reached the server
                    self.rate_limiter.charge_failed(reservation)
                    raise
                self.rate_limiter.observe_headers(headers)
                usage = TokenUsage.of(message.usage, self.config.prompt_cache_ttl)
                self.rate_limiter.settle(reservation, usage.rate_limited_input, usage.output_tokens)
                return self.ledger.record_of(
                    message, usage, headers.get("request-id"), attempts=attempt + 1, streamed=stream
                )
            raise AssertionError("unreachable: the loop returns or raises")
        finally:
            self.budget.release(worst_case)

    def _after_error(self, exc: anthropic.APIError, reservation: Reservation, retry: RetryBudget) -> float:
        """Account for a failed attempt (:func:`~distill.api.errors.settle_failed_attempt`: a 429
        drains the limiter as of the attempt's sending and spends only time, not ``max_retries``;
        any other failure that may have reached the server is charged as sent); raise when it must
        not be retried, else return the delay before the next attempt."""
        action = classify(exc)
        self.totals.rate_limited += int(action is Action.RETRY and is_rate_limited(exc))
        delay = settle_failed_attempt(self.rate_limiter, reservation, exc, retry)
        if action is Action.STOP:
            raise self.stop(exc) from exc
        if delay is None:
            raise exc
        return delay

    # ----------------------------------------------------------------------------- shutdown
    async def aclose(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None
        self.close()

    def close(self) -> None:
        """Stop the embedded offline server, the progress bar and the cache files."""
        self.ledger.close()
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._batches is not None:
            self._batches.close()
