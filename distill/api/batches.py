"""Message Batches (``api.mode=batch``): the same requests at half price, answered asynchronously.

Requests without a saved response are submitted with ``client.messages.batches.create`` (their
``custom_id`` is the response-cache key). The batch id is appended to a durable journal
(``<cache_dir>/batches.jsonl``) the moment the API returns it; the batch is polled, with progress,
until it ends; its results are streamed back into the response cache by ``custom_id``. A run killed
at any point and started again finds the batch in the journal and resumes polling it instead of
submitting it again (only a kill in the instant between the API accepting a batch and the journal's
fsync would submit it twice). Requests that errored transiently (overloaded, api_error), expired or
were canceled go into a new batch, at most ``api.max_retries`` times; any other error fails them.

The batch API calls (create, retrieve, results) follow the rules of the Messages requests, against
their own request limit (``api.batch_rate_limit_rpm``, :attr:`RequestLedger.batch_limiter`): every
call waits for the limiter (a ``results`` call takes two slots: the SDK retrieves the batch, then
downloads), a 429 drains it (:meth:`RateLimiter.refused`) and waits for the retry-after without
spending ``api.max_retries`` (bounded by ``api.rate_limit_timeout``), a failed call is charged as
sent. The runner sees the client only through its :class:`~distill.api.ledger.RequestLedger`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import anthropic

from distill.api.cost import TokenUsage
from distill.api.errors import (
    RETRYABLE_ERROR_TYPES,
    Action,
    BudgetExceededError,
    RetryBudget,
    backoff,
    classify,
    describe,
    settle_failed_attempt,
)
from distill.api.ledger import RequestLedger
from distill.api.response_cache import DurableLog
from distill.api.types import CodeGenerationRequest, CodeGenerationResponse, ProgressCallback

log = logging.getLogger(__name__)
T = TypeVar("T")
NOT_FOUND_RETRIES = 5  # retrieve/results can 404 for a few seconds after create


class BatchJournal:
    """The batches submitted and not yet collected, kept in a durable log."""

    def __init__(self, path: Path | None) -> None:
        self._log = DurableLog(path) if path is not None else None
        self.open: dict[str, list[str]] = {}  # batch id -> custom ids
        for record in self._log.records() if self._log else ():
            if record["event"] == "submitted":
                self.open[record["batch_id"]] = record["custom_ids"]
            else:
                self.open.pop(record["batch_id"], None)

    def submitted(self, batch_id: str, custom_ids: list[str]) -> None:
        if self._log is not None:
            self._log.append({"event": "submitted", "batch_id": batch_id, "custom_ids": custom_ids})
        self.open[batch_id] = custom_ids

    def collected(self, batch_id: str) -> None:
        if self._log is not None:
            self._log.append({"event": "collected", "batch_id": batch_id})
        self.open.pop(batch_id, None)

    def close(self) -> None:
        if self._log is not None:
            self._log.close()


class MessageBatchRunner:
    """Answers a client's requests through Message Batches, resuming the ones a killed run left."""

    def __init__(self, ledger: RequestLedger) -> None:
        self.ledger = ledger
        self.config = ledger.config
        cache_dir = self.config.cache_dir
        if cache_dir is None:
            log.warning("api.mode=batch without api.cache_dir: a killed run cannot resume its batches")
        self.journal = BatchJournal(Path(cache_dir) / "batches.jsonl" if cache_dir else None)
        self._records: dict[str, dict[str, Any]] = {}  # answers of this process (also without a cache)
        self._reserved: dict[str, float] = {}  # budget held by each batch this process submitted

    def _known(self, key: str) -> dict[str, Any] | None:
        if key in self._records:
            return self._records[key]
        return self.ledger.cache.get(key) if self.ledger.cache is not None else None

    async def generate(
        self, requests: Sequence[CodeGenerationRequest], progress_callback: ProgressCallback | None = None
    ) -> list[CodeGenerationResponse]:
        start = time.monotonic()
        params = [self.ledger.build_params(r) for r in requests]
        keys = [self.ledger.cache_key(p) for p in params]
        answered_before = {k for k in keys if self._known(k) is not None}
        self.ledger.check_not_stopped()
        failures, stopped = await self._answer({k: p for k, p in zip(keys, params, strict=True)})
        responses = []
        for done, (request, key) in enumerate(zip(requests, keys, strict=True), 1):
            record = self._known(key)
            elapsed = time.monotonic() - start
            if record is not None:
                hit = key in answered_before
                self.ledger.totals.cache_hits += int(hit)
                response = self.ledger.to_response(request, record, elapsed, cache_hit=hit, key=key)
            else:
                reason = failures.get(key, "not submitted: the run stopped")
                response = self.ledger.failed_response(request, reason, key, elapsed)
            self.ledger.progress.record(
                response.success, key in answered_before, response.tokens_used, self.ledger.totals.cost_usd
            )
            if progress_callback is not None:
                progress_callback(done, len(requests), response)
            responses.append(response)
        if stopped is not None:
            raise stopped
        return responses

    async def _answer(self, params: dict[str, dict[str, Any]]) -> tuple[dict[str, str], BaseException | None]:
        """Get every request answered (or failed); return the failures and any error that stopped
        the run after the batches in flight were collected."""
        failures: dict[str, str] = {}
        stopped: BaseException | None = None
        for _ in range(self.config.max_retries + 1):
            todo = {k: p for k, p in params.items() if self._known(k) is None and k not in failures}
            if not todo:
                break
            batch_ids = [b for b, ids in self.journal.open.items() if not todo.keys().isdisjoint(ids)]
            covered = {k for b in batch_ids for k in self.journal.open[b]}
            if batch_ids:
                log.info("resuming %d submitted batch(es): %s", len(batch_ids), ", ".join(batch_ids))
            new = {k: p for k, p in todo.items() if k not in covered}
            if new and stopped is None:
                submitted, stopped = await self._submit(new)
                batch_ids += submitted
            for batch_id in batch_ids:
                try:
                    await self._wait_until_ended(batch_id)
                    await self._collect(batch_id, failures)
                except anthropic.NotFoundError:
                    log.warning(
                        "%s is unknown to the API (expired, or another server): its requests are "
                        "submitted again",
                        batch_id,
                    )
                    self.journal.collected(batch_id)
                    self.ledger.budget.release(self._reserved.pop(batch_id, 0.0))
            if stopped is not None:
                break
        for key in params:
            if self._known(key) is None and key not in failures:
                failures[key] = "the batch request did not succeed after api.max_retries resubmissions"
        return failures, stopped

    async def _submit(self, todo: dict[str, dict[str, Any]]) -> tuple[list[str], BaseException | None]:
        """Submit as many of ``todo`` as the budget allows, in batches of ``batch_max_requests``;
        return the batch ids and the budget error that cut the submission short, if any."""
        budget = self.ledger.budget
        batch_ids: list[str] = []
        items = list(todo.items())
        for begin in range(0, len(items), self.config.batch_max_requests):
            chunk = items[begin : begin + self.config.batch_max_requests]
            costs = [self.ledger.worst_case_cost(p, batch=True) for _, p in chunk]
            affordable = budget.affordable(costs)
            if affordable:
                budget.reserve(sum(costs[:affordable]))
                batch_ids.append(await self._create(chunk[:affordable], sum(costs[:affordable])))
            if affordable < len(chunk):
                try:
                    budget.reserve(costs[affordable])  # does not fit in what is left: raises, stops the run
                except BudgetExceededError as exc:
                    return batch_ids, exc
        return batch_ids, None

    async def _create(self, chunk: list[tuple[str, dict[str, Any]]], reserved_usd: float) -> str:
        try:
            batch = await self._call(
                lambda: self._raw(
                    self.ledger.sdk().messages.batches.with_raw_response.create,
                    requests=[{"custom_id": key, "params": p} for key, p in chunk],
                )
            )
        except BaseException:
            self.ledger.budget.release(reserved_usd)
            raise
        self.journal.submitted(batch.id, [key for key, _ in chunk])  # on disk before anything else
        self._reserved[batch.id] = reserved_usd
        self.ledger.totals.batches_submitted += 1
        log.info("submitted %s with %d requests", batch.id, len(chunk))
        return batch.id

    async def _wait_until_ended(self, batch_id: str) -> None:
        while True:
            batch = await self._call(
                lambda: self._raw(self.ledger.sdk().messages.batches.with_raw_response.retrieve, batch_id),
                not_found_is_transient=True,
            )
            counts = batch.request_counts
            total = counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired
            self.ledger.progress.set_batch_status(
                f"batch {batch_id}: {total - counts.processing}/{total} processed ({batch.processing_status})"
            )
            if batch.processing_status == "ended":
                return
            await self.ledger.sleep(self.config.batch_poll_interval_s)

    async def _collect(self, batch_id: str, failures: dict[str, str]) -> None:
        """Stream a finished batch's results into the cache (all of them, including requests of an
        earlier run that this one does not ask for: they were paid for)."""
        results = await self._call(
            lambda: self.ledger.sdk().messages.batches.results(batch_id),
            not_found_is_transient=True,
            http_requests=2,  # the SDK retrieves the batch (for its results_url), then downloads
        )
        async for item in results:
            result = item.result
            if result.type == "succeeded":
                usage = TokenUsage.of(result.message.usage, self.config.prompt_cache_ttl)
                record = self.ledger.record_of(result.message, usage, None, attempts=1, batch_id=batch_id)
                if self.ledger.cache is not None:
                    self.ledger.cache.put(item.custom_id, record)
                self._records[item.custom_id] = record
                failures.pop(item.custom_id, None)
            elif result.type == "errored":
                kind = result.error.error.type
                if kind not in RETRYABLE_ERROR_TYPES:
                    failures[item.custom_id] = f"batch request errored ({kind}): {result.error.error.message}"
            # expired or canceled: submitted again in the next round
        self.journal.collected(batch_id)
        self.ledger.budget.release(self._reserved.pop(batch_id, 0.0))

    async def _call(
        self, call: Callable[[], Awaitable[T]], not_found_is_transient: bool = False, http_requests: int = 1
    ) -> T:
        """A batch API call under the batch limiter and our retries. ``retrieve``/``results`` may
        404 for a few seconds after ``create`` (anthropic-sdk-python #1432): with
        ``not_found_is_transient`` a 404 is retried a few times, then raised as it is (the batch is
        gone), not as a reason to stop. ``http_requests``: the requests ``call`` sends, each
        counted by the endpoints' limit."""
        limiter = self.ledger.batch_limiter
        retry = RetryBudget(self.config.max_retries, self.config.retry_delay, self.config.rate_limit_timeout)
        not_found = 0
        while True:
            self.ledger.check_not_stopped(budget=False)
            reservation = await limiter.acquire(requests=http_requests)
            try:
                result = await call()
            except anthropic.APIError as exc:
                if not_found_is_transient and isinstance(exc, anthropic.NotFoundError):
                    limiter.release(reservation)
                    if not_found >= NOT_FOUND_RETRIES:
                        raise
                    delay = backoff(self.config.retry_delay, not_found)
                    not_found += 1
                else:
                    retry_in = settle_failed_attempt(limiter, reservation, exc, retry)
                    if classify(exc) is Action.STOP:
                        raise self.ledger.stop(exc) from exc
                    if retry_in is None:
                        raise
                    delay = retry_in
                log.info("%s; retrying the batch call in %.2f s", describe(exc)[:200], delay)
                await self.ledger.sleep(delay)
                continue
            except BaseException:
                limiter.charge_failed(reservation)
                raise
            limiter.settle(reservation, 0, 0)
            return result

    async def _raw(self, method: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """Call a batches endpoint through ``with_raw_response``: the reply's rate-limit headers
        correct the batch limiter, as the Messages replies correct the client's."""
        raw = await method(*args, **kwargs)
        self.ledger.batch_limiter.observe_headers(raw.headers)
        return await raw.parse()

    def close(self) -> None:
        self.journal.close()
