"""The Claude client: the official SDK (``AsyncAnthropic``) behind our retry loop, rate limiter,
cost accounting, budget cap and durable response cache.

The same code serves ``api=claude`` and ``api=offline``; the latter points ``base_url`` at the
local Anthropic-compatible server, which this client starts on loopback when no URL is given.
The SDK's own retries are off (``max_retries=0``) so that every attempt, retries included, passes
through the rate limiter.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anthropic

from distill.api.rate_limiter import RateLimiter
from distill.api.response_cache import ResponseCache, request_key
from distill.api.types import CodeGenerationRequest, CodeGenerationResponse
from distill.config.errors import ConfigError
from distill.config.pricing import BATCH_DISCOUNT
from distill.config.schemas import ClaudeConfig

log = logging.getLogger(__name__)

# Part of every cache key: bump it when the way a request is built changes what an answer means.
GENERATOR_VERSION = "1"
CHARS_PER_TOKEN = 3.5  # estimate for rate limiting before the reply reports real usage
MAX_BACKOFF_S = 60.0

ProgressCallback = Callable[[int, int, CodeGenerationResponse], None]


class FatalAPIError(RuntimeError):
    """An error that must stop the whole run (a refused key, an exhausted account)."""


class BudgetExceededError(RuntimeError):
    """Starting another request could pass ``api.max_cost_usd``."""


@dataclass
class UsageTotals:
    requests: int = 0  # requests answered by the API (cache hits excluded)
    attempts: int = 0  # HTTP attempts, retries included
    cache_hits: int = 0
    failures: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    cost_usd: float = 0.0


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


def _default_system(language: str) -> str:
    return (
        f"You are an expert {language} programmer. Answer with correct, idiomatic, self-contained "
        f"{language} code in one fenced code block."
    )


def _user_message(request: CodeGenerationRequest) -> str:
    if request.system is not None:  # the caller built the whole prompt
        return request.instruction + (f"\n\n{request.context}" if request.context else "")
    parts = [
        request.instruction,
        f"\nLanguage: {request.language}\nDifficulty: {request.difficulty}\nStyle: {request.style}",
    ]
    if request.context:
        parts.append(f"\nContext:\n{request.context}")
    return "\n".join(parts)


class ClaudeAPIClient:
    """Generates code with Claude (or the offline server), never paying twice for one request."""

    def __init__(self, config: ClaudeConfig) -> None:
        self.config = config
        self._api_key = resolve_api_key(config)
        _warn_sampling_once(config)
        self.rate_limiter = RateLimiter(config.rate_limit_rpm, config.rate_limit_tpm)
        self.cache = ResponseCache(Path(config.cache_dir) / "responses.jsonl") if config.cache_dir else None
        self.totals = UsageTotals()
        self._reserved_cost = 0.0
        self._fatal: FatalAPIError | None = None  # once set, no further request is sent
        self._server = None
        self._sdk: anthropic.AsyncAnthropic | None = None
        self._sdk_loop: asyncio.AbstractEventLoop | None = None
        if config.model not in config.prices:
            log.warning("api.model %r has no entry in api.prices: its cost is counted as 0", config.model)

    # ----------------------------------------------------------------------------- set-up
    @property
    def base_url(self) -> str | None:
        url = self.config.base_url or os.environ.get("ANTHROPIC_BASE_URL")
        if url or self.config.backend != "offline":
            return url
        if self._server is None:
            from distill.api.offline_server import OfflineAnthropicServer

            self._server = OfflineAnthropicServer(self.config.offline)
            self._server.start()
        return self._server.base_url

    def _client(self) -> anthropic.AsyncAnthropic:
        """One SDK client per event loop (its connection pool belongs to the loop that made it)."""
        loop = asyncio.get_running_loop()
        if self._sdk is None or self._sdk_loop is not loop:
            self._sdk = anthropic.AsyncAnthropic(
                api_key=self._api_key, base_url=self.base_url, max_retries=0, timeout=self.config.timeout
            )
            self._sdk_loop = loop
        return self._sdk

    # ----------------------------------------------------------------------------- cost
    def _calculate_cost(
        self,
        input_tokens: int,
        output_tokens: int,
        cache_write_tokens: int = 0,
        cache_read_tokens: int = 0,
        batch: bool = False,
    ) -> float:
        """USD for one request at the configured model's prices (5-minute cache writes)."""
        price = self.config.prices.get(self.config.model)
        if price is None:
            return 0.0
        cost = (
            input_tokens * price.input
            + output_tokens * price.output
            + cache_write_tokens * price.cache_write_5m
            + cache_read_tokens * price.cache_read
        ) / 1e6
        return cost * (BATCH_DISCOUNT if batch else 1.0)

    # ----------------------------------------------------------------------------- requests
    def build_params(self, request: CodeGenerationRequest) -> dict[str, Any]:
        system = request.system if request.system is not None else _default_system(request.language)
        return {
            "model": self.config.model,
            "max_tokens": request.max_tokens or self.config.max_tokens,
            "system": system,
            "messages": [{"role": "user", "content": _user_message(request)}],
        }

    def cache_key(self, params: dict[str, Any]) -> str:
        return request_key({**params, "generator_version": GENERATOR_VERSION})

    async def generate_code(self, request: CodeGenerationRequest) -> CodeGenerationResponse:
        """Answer one request: from the cache when it was paid for before, else from the API."""
        if request.temperature is not None:
            _warn_sampling_once(self.config)
        params = self.build_params(request)
        key = self.cache_key(params)
        start = time.monotonic()
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            self.totals.cache_hits += 1
            return self._to_response(request, cached, time.monotonic() - start, cache_hit=True, key=key)
        try:
            record = await self._send_with_retries(params)
        except (FatalAPIError, BudgetExceededError):
            raise
        except anthropic.APIError as exc:
            self.totals.failures += 1
            status = getattr(exc, "status_code", None)
            error = f"{type(exc).__name__}" + (f" ({status})" if status else "") + f": {exc}"
            return CodeGenerationResponse(
                instruction=request.instruction,
                generated_code="",
                language=request.language,
                tokens_used=0,
                generation_time=time.monotonic() - start,
                success=False,
                error=error[:500],
                metadata={"model": self.config.model, "cache_key": key, "status_code": status},
            )
        if self.cache is not None:
            self.cache.put(key, record)
        return self._to_response(request, record, time.monotonic() - start, cache_hit=False, key=key)

    async def generate_batch(
        self,
        requests: Sequence[CodeGenerationRequest],
        max_concurrent: int = 5,
        progress_callback: ProgressCallback | None = None,
    ) -> list[CodeGenerationResponse]:
        """Answer many requests concurrently (at most ``max_concurrent`` in flight), in input order."""
        semaphore = asyncio.Semaphore(max_concurrent)
        done = 0

        async def one(request: CodeGenerationRequest) -> CodeGenerationResponse:
            nonlocal done
            async with semaphore:
                response = await self.generate_code(request)
            done += 1
            if progress_callback is not None:
                progress_callback(done, len(requests), response)
            return response

        tasks = [asyncio.ensure_future(one(r)) for r in requests]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # let in-flight requests settle
            raise

    def _estimate_tokens(self, params: dict[str, Any]) -> tuple[int, int]:
        chars = len(params["system"]) + sum(len(m["content"]) for m in params["messages"])
        return math.ceil(chars / CHARS_PER_TOKEN), params["max_tokens"]

    def _reserve_budget(self, worst_case: float) -> None:
        limit = self.config.max_cost_usd
        if limit is not None and self.totals.cost_usd + self._reserved_cost + worst_case > limit:
            raise BudgetExceededError(
                f"api.max_cost_usd={limit}: spent ${self.totals.cost_usd:.4f}, ${self._reserved_cost:.4f} "
                f"in flight; the next request could cost up to ${worst_case:.4f}"
            )
        self._reserved_cost += worst_case

    async def _send_with_retries(self, params: dict[str, Any]) -> dict[str, Any]:
        estimated_in, max_out = self._estimate_tokens(params)
        worst_case = self._calculate_cost(estimated_in, max_out)
        self._reserve_budget(worst_case)
        try:
            for attempt in range(self.config.max_retries + 1):
                await self.rate_limiter.wait_if_needed(estimated_in + max_out)
                if self._fatal is not None:
                    raise self._fatal
                self.totals.attempts += 1
                try:
                    raw = await self._client().messages.with_raw_response.create(**params)
                except anthropic.AuthenticationError as exc:
                    self._fatal = FatalAPIError(
                        "The Anthropic API refused the key (401). Check ANTHROPIC_API_KEY; nothing more is sent."
                    )
                    raise self._fatal from exc
                except (
                    anthropic.PaymentRequiredError,
                    anthropic.EnforcedSpendLimitReachedError,
                    anthropic.ContractSpendLimitReachedError,
                ) as exc:
                    self._fatal = FatalAPIError(f"The account cannot pay for more requests: {exc}")
                    raise self._fatal from exc
                except anthropic.APIError as exc:
                    self.rate_limiter.record_usage(estimated_in + max_out, 0)
                    if attempt == self.config.max_retries or not _is_retryable(exc):
                        raise
                    delay = _retry_after(exc) or _backoff(self.config.retry_delay, attempt)
                    log.info("%s; retry %d in %.2f s", type(exc).__name__, attempt + 1, delay)
                    await asyncio.sleep(delay)
                    continue
                message = await raw.parse()
                record = self._record_of(message, raw.headers.get("request-id"), attempt + 1)
                usage = record["usage"]
                self.rate_limiter.record_usage(
                    estimated_in + max_out, usage["input_tokens"] + usage["output_tokens"]
                )
                return record
            raise AssertionError("unreachable")
        finally:
            self._reserved_cost -= worst_case

    def _record_of(self, message: Any, request_id: str | None, attempts: int) -> dict[str, Any]:
        usage = message.usage
        counts = {
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "cache_creation_input_tokens": usage.cache_creation_input_tokens or 0,
            "cache_read_input_tokens": usage.cache_read_input_tokens or 0,
        }
        cost = self._calculate_cost(
            counts["input_tokens"],
            counts["output_tokens"],
            counts["cache_creation_input_tokens"],
            counts["cache_read_input_tokens"],
        )
        self.totals.requests += 1
        self.totals.input_tokens += counts["input_tokens"]
        self.totals.output_tokens += counts["output_tokens"]
        self.totals.cache_write_tokens += counts["cache_creation_input_tokens"]
        self.totals.cache_read_tokens += counts["cache_read_input_tokens"]
        self.totals.cost_usd += cost
        text = "".join(block.text for block in message.content if getattr(block, "type", "") == "text")
        return {
            "text": text,
            "model": message.model,
            "stop_reason": message.stop_reason,
            "usage": counts,
            "cost_usd": cost,
            "request_id": request_id,
            "attempts": attempts,
        }

    def _to_response(
        self,
        request: CodeGenerationRequest,
        record: dict[str, Any],
        elapsed: float,
        cache_hit: bool,
        key: str,
    ) -> CodeGenerationResponse:
        truncated = record["stop_reason"] == "max_tokens"
        usage = record["usage"]
        return CodeGenerationResponse(
            instruction=request.instruction,
            generated_code=extract_code(record["text"], request.language),
            language=request.language,
            tokens_used=usage["input_tokens"] + usage["output_tokens"],
            generation_time=elapsed,
            success=not truncated,
            error="truncated: the reply reached max_tokens" if truncated else None,
            metadata={
                **record,
                "truncated": truncated,
                "cache_hit": cache_hit,
                "cache_key": key,
            },
        )

    # ----------------------------------------------------------------------------- shutdown
    async def aclose(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None
        self.close()

    def close(self) -> None:
        """Stop the embedded offline server and close the cache (the SDK client closes with its loop)."""
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self.cache is not None:
            self.cache.close()


def _is_retryable(exc: anthropic.APIError) -> bool:
    if isinstance(exc, anthropic.APIConnectionError):  # includes timeouts
        return True
    status = getattr(exc, "status_code", None)
    return status is not None and (status in (408, 409, 429) or status >= 500)


def _retry_after(exc: anthropic.APIError) -> float | None:
    response = getattr(exc, "response", None)
    if response is None:
        return None
    for header, scale in (("retry-after-ms", 1e-3), ("retry-after", 1.0)):
        value = response.headers.get(header)
        if value is not None:
            try:
                return min(max(float(value) * scale, 0.0), MAX_BACKOFF_S * 10)
            except ValueError:
                continue
    return None


def _backoff(base: float, attempt: int) -> float:
    """Exponential backoff with full jitter in [0.5, 1] of the step."""
    return min(MAX_BACKOFF_S, base * 2**attempt) * random.uniform(0.5, 1.0)
