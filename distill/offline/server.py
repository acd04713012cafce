"""An Anthropic-compatible API on loopback, backed by the procedural task bank.

``api=offline`` runs the whole generation path (the official SDK over real HTTP, retries, rate
limits, cost, cache, streaming, Message Batches) without a key or network. The server

- answers a generation prompt (see :mod:`distill.data.sample_format`) with a task-bank instance
  drawn deterministically from the prompt, as JSON or as a stream of server-sent events in the real
  event order (``message_start``, ``content_block_start``, ``ping``, ``content_block_delta``...,
  ``content_block_stop``, ``message_delta``, ``message_stop``);
- validates requests as the current API does (``max_tokens`` required, sampling parameters refused);
- keeps its own rate-limit buckets and prompt cache (:mod:`distill.offline.limits`) and sends
  the ``anthropic-ratelimit-*`` headers (or, with ``rate_limit_headers: false``, none, as many
  compatible servers and gateways), a ``request-id`` and, on a 429, ``retry-after``; a failed
  attempt (500, 529, a dropped connection) costs nothing, or with ``charge_failures`` is charged
  against the limits as sent; the Message Batches endpoints have a request bucket of their own
  (``batch_rate_limit_rpm``);
- injects faults on request, by probability (``OfflineServerConfig.faults``) or scripted for the
  next requests (:meth:`OfflineAnthropicServer.script_faults`, ``POST /admin/faults``): 401, 403,
  404, 429 with ``retry-after``, 529, 500, a slow reply, a dropped connection, an error event mid-stream,
  an expired batch request;
- serves the Message Batches endpoints (create, retrieve, list, results as JSONL, cancel);
- counts what it served and billed at ``GET /stats``.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import math
import random
import threading
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from distill.config.schemas import OfflineServerConfig
from distill.data.sample_format import GeneratedSample, parse_prompt_fields, render_sample
from distill.offline.limits import Admission, PromptCache, ServerRateLimits

CHARS_PER_TOKEN = 4
STREAM_CHUNK_CHARS = 64
REFUSED_SAMPLING_PARAMS = ("temperature", "top_p", "top_k")
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
FAULT_MESSAGES = {
    "401": "invalid x-api-key",
    "403": "Your API key does not have permission to use the specified resource.",
    "404": "model: not found",
    "429": "Number of requests has exceeded your rate limit.",
    "500": "Internal server error",
    "529": "Overloaded",
}

Responder = Callable[[str, str], str]


class TaskBankResponder:
    """Answers generation prompts with task-bank instances; other prompts get an honest refusal."""

    def __init__(self, seed: int = 0) -> None:
        from distill.offline.task_bank import TaskBank

        self.bank = TaskBank()
        self.seed = seed

    def __call__(self, system: str, prompt: str) -> str:
        fields = parse_prompt_fields(prompt)
        if not {"language", "difficulty", "style"} <= fields.keys():
            return (
                "```text\nThe offline server only writes task-bank exercises for generation prompts; "
                "it cannot answer this request.\n```"
            )
        digest = hashlib.sha256(f"{self.seed}\n{system}\n{prompt}".encode()).hexdigest()
        task = self.bank.sample(
            fields["language"],
            fields["difficulty"],
            fields["style"],
            fields.get("topic"),
            int(digest[:15], 16),
        )
        return render_sample(GeneratedSample(task.problem, task.solution, task.tests), task.language)


def _tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content or [] if isinstance(block, dict))


def _validate(body: Any) -> str | None:
    """The request errors the real API reports as 400 ``invalid_request_error``."""
    if not isinstance(body, dict):
        return "the request body must be a JSON object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: Field required"
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return "max_tokens: Field required (a positive integer)"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: Field required (a non-empty list)"
    for name in REFUSED_SAMPLING_PARAMS:
        if name in body:
            return f"{name}: sampling parameters are not supported in API version 2026-10-21"
    return None


def _error_body(status: int, message: str, kind: str | None = None) -> dict[str, Any]:
    kind = kind or ERROR_TYPES.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": _new_id("req")}


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Prompt:
    """A validated request: its text parts, its token counts and its cache marking."""

    body: dict[str, Any]
    system: str
    user: str
    system_tokens: int
    message_tokens: int
    cache_ttl: str | None  # "5m" or "1h" when the system prompt is marked cache_control

    @classmethod
    def of(cls, body: dict[str, Any]) -> Prompt:
        system = body.get("system") or ""
        ttl = None
        if isinstance(system, list):
            marks = [b["cache_control"] for b in system if isinstance(b, dict) and b.get("cache_control")]
            ttl = marks[-1].get("ttl", "5m") if marks else None
            system = _text_of(system)
        user = "".join(_text_of(m.get("content")) for m in body["messages"] if m.get("role") == "user")
        return cls(body, system, user, _tokens(system), _tokens(user), ttl)

    @functools.cached_property
    def digest(self) -> str:
        """What the server bills per prompt (to count requests paid twice)."""
        return hashlib.sha256((self.system + self.user).encode()).hexdigest()


@dataclass
class Batch:
    id: str
    requests: list[dict[str, Any]]
    created_at: datetime
    status: str = "in_progress"
    ended_at: datetime | None = None
    cancel_initiated_at: datetime | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        if self.status != "ended":
            counts["processing"] = len(self.requests)
        for result in self.results:
            counts[result["result"]["type"]] += 1
        return counts

    def as_json(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "message_batch",
            "processing_status": self.status,
            "request_counts": self.counts(),
            "created_at": _rfc3339(self.created_at),
            "expires_at": _rfc3339(self.created_at + timedelta(hours=24)),
            "ended_at": _rfc3339(self.ended_at) if self.ended_at else None,
            "cancel_initiated_at": _rfc3339(self.cancel_initiated_at) if self.cancel_initiated_at else None,
            "archived_at": None,
            "results_url": f"{base_url}/v1/messages/batches/{self.id}/results"
            if self.status == "ended"
            else None,
        }


class OfflineAnthropicServer:
    """Serve the API from a background thread; use as a context manager or start()/stop()."""

    def __init__(
        self,
        config: OfflineServerConfig | None = None,
        responder: Responder | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.config = config or OfflineServerConfig()
        self.responder = responder or TaskBankResponder(self.config.seed)
        self.host, self.port = host, port
        self.limits = ServerRateLimits(
            self.config.rate_limit_rpm, self.config.rate_limit_itpm, self.config.rate_limit_otpm
        )
        self.batch_limits = ServerRateLimits(self.config.batch_rate_limit_rpm, None, None)
        self.prompt_cache = PromptCache(self.config.prompt_cache_min_tokens, self.config.prompt_cache_ttl_s)
        self._fault_rng = random.Random(self.config.seed)
        self._scripted_faults: deque[str | None] = deque()
        self.status_counts: Counter[int] = Counter()
        self.fault_counts: Counter[str] = Counter()
        self.billed_by_prompt: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.usage_totals: Counter[str] = Counter()
        self.counters: Counter[str] = Counter()  # rate_limited, streamed, batches, batch_requests, ...
        self.batches: dict[str, Batch] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------------------- lifecycle
    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("the offline server is not running")
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._open())
            except BaseException as exc:  # report start-up failures to the caller
                failure.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="offline-anthropic-server", daemon=True)
        self._thread.start()
        started.wait()
        if failure:
            raise RuntimeError(f"the offline server could not start: {failure[0]}") from failure[0]
        return self.base_url

    async def _open(self) -> None:
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_post("/v1/messages", self._messages)
        app.router.add_post("/v1/messages/count_tokens", self._count_tokens)
        app.router.add_post("/v1/messages/batches", self._create_batch)
        app.router.add_get("/v1/messages/batches", self._list_batches)
        app.router.add_get("/v1/messages/batches/{id}", self._retrieve_batch)
        app.router.add_get("/v1/messages/batches/{id}/results", self._batch_results)
        app.router.add_post("/v1/messages/batches/{id}/cancel", self._cancel_batch)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/stats", self._stats)
        app.router.add_post("/admin/faults", self._admin_faults)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop = self._thread = self._runner = None

    def __enter__(self) -> OfflineAnthropicServer:
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def _on_loop(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` on the server's loop (its state is only touched there) and return its value."""
        if self._loop is None or threading.current_thread() is self._thread:
            return function()

        async def call() -> Any:
            return function()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout=10)

    # ------------------------------------------------------------------------------- control
    def script_faults(self, faults: Iterable[str | None]) -> None:
        """Give the next requests these faults, in order (None: a normal reply), before any drawn
        by probability."""
        self._on_loop(lambda: self._scripted_faults.extend(faults))

    def drain_rate_limits(self) -> None:
        """Empty the server's buckets, as when another client has just used this minute's quota."""

        def drain() -> None:
            self.limits.drain()
            self.batch_limits.drain()

        self._on_loop(drain)

    def stats(self) -> dict[str, Any]:
        return self._on_loop(self._snapshot)

    def prompts_billed_twice(self) -> set[str]:
        return self._on_loop(lambda: {p for p, n in self.billed_by_prompt.items() if n > 1})

    def prompts_in_flight(self) -> set[str]:
        return self._on_loop(lambda: {p for p, n in self.in_flight.items() if n > 0})

    def _snapshot(self) -> dict[str, Any]:
        return {
            "requests": self.counters["requests"],  # every arrival at /v1/messages, dropped ones included
            "by_status": {str(k): v for k, v in sorted(self.status_counts.items())},
            "billed": sum(self.billed_by_prompt.values()),
            "billed_twice": sum(1 for n in self.billed_by_prompt.values() if n > 1),
            "in_flight": sum(self.in_flight.values()),
            "faults": dict(sorted(self.fault_counts.items())),
            "rate_limited": self.counters["rate_limited"],  # refused for exceeding the limit
            "charged_failures": self.counters["charged_failures"],
            "batch_calls": self.counters["batch_calls"],
            "batch_rate_limited": self.counters["batch_rate_limited"],
            "streamed": self.counters["streamed"],
            "batches": self.counters["batches"],
            "batch_requests": self.counters["batch_requests"],
            "input_tokens": self.usage_totals["input_tokens"],
            "output_tokens": self.usage_totals["output_tokens"],
            "cache_creation_input_tokens": self.usage_totals["cache_creation_input_tokens"],
            "cache_read_input_tokens": self.usage_totals["cache_read_input_tokens"],
        }

    def _next_fault(self, applicable: tuple[str, ...]) -> str | None:
        if self._scripted_faults:
            fault = self._scripted_faults.popleft()
        else:
            fault, draw = None, self._fault_rng.random()
            for name, probability in self.config.faults.items():
                if draw < probability:
                    fault = str(name)
                    break
                draw -= probability
        if fault is not None and fault in applicable:
            self.fault_counts[fault] += 1
            return fault
        return None

    # ------------------------------------------------------------------------------- answers
    def _compose(self, prompt: Prompt, remember_cache: bool = True) -> dict[str, Any]:
        """The Message for a prompt (raises ValueError for a prompt the responder cannot serve)."""
        text = self.responder(prompt.system, prompt.user)
        max_tokens = prompt.body["max_tokens"]
        stop_reason = "end_turn"
        if _tokens(text) > max_tokens:
            text, stop_reason = text[: max_tokens * CHARS_PER_TOKEN], "max_tokens"
        writes, reads = self.prompt_cache.lookup(
            prompt.body["model"], prompt.system, prompt.system_tokens, prompt.cache_ttl, remember_cache
        )
        usage = {
            "input_tokens": prompt.system_tokens + prompt.message_tokens - writes - reads,
            "output_tokens": _tokens(text),
            "cache_creation_input_tokens": writes,
            "cache_read_input_tokens": reads,
            "cache_creation": {
                "ephemeral_5m_input_tokens": writes if prompt.cache_ttl != "1h" else 0,
                "ephemeral_1h_input_tokens": writes if prompt.cache_ttl == "1h" else 0,
            },
        }
        return {
            "id": _new_id("msg"),
            "type": "message",
            "role": "assistant",
            "model": prompt.body["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": usage,
        }

    def _bill(self, prompt: Prompt, message: dict[str, Any]) -> None:
        self.billed_by_prompt[prompt.digest] += 1
        for name in (
            "input_tokens",
            "output_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens",
        ):
            self.usage_totals[name] += message["usage"][name]

    def _limit_headers(self, limits: ServerRateLimits | None = None) -> dict[str, str]:
        """The ``anthropic-ratelimit-*`` headers of a reply, unless ``rate_limit_headers`` is off."""
        return (limits or self.limits).headers() if self.config.rate_limit_headers else {}

    def _error(
        self, status: int, message: str, headers: dict[str, str] | None = None, kind: str | None = None
    ) -> web.Response:
        body = _error_body(status, message, kind)
        return web.json_response(
            body, status=status, headers={"request-id": body["request_id"], **(headers or {})}
        )

    # ------------------------------------------------------------------------------- handlers
    async def _messages(self, request: web.Request) -> web.StreamResponse:
        self.counters["requests"] += 1
        response = await self._answer(request)
        self.status_counts[response.status] += 1
        return response

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return self._error(400, "the request body is not valid JSON")
        problem = _validate(body)
        if problem:
            return self._error(400, problem)
        prompt = Prompt.of(body)
        stream = bool(body.get("stream"))
        fault = self._next_fault(("401", "403", "404", "429", "500", "529", "slow", "drop", "stream_error"))
        charge = self.config.charge_failures
        if fault == "drop" and not charge:
            request.transport.abort()  # the client sees the connection reset, nothing was processed
            raise web.HTTPInternalServerError()  # never sent
        if fault in ("401", "403", "404", "429"):
            retry = {"retry-after": f"{self.config.retry_after_s:g}"} if fault == "429" else {}
            return self._error(int(fault), FAULT_MESSAGES[fault], {**self._limit_headers(), **retry})
        writes, _ = self.prompt_cache.lookup(
            body["model"], prompt.system, prompt.system_tokens, prompt.cache_ttl, remember=False
        )
        admission = Admission(prompt.message_tokens + prompt.system_tokens, body["max_tokens"])
        if prompt.cache_ttl and not writes:  # cache reads do not count toward the input limit
            admission.input_tokens = prompt.message_tokens
        wait = self.limits.admit(admission.input_tokens, admission.output_tokens)
        if wait > 0:
            self.counters["rate_limited"] += 1
            headers = {**self._limit_headers(), "retry-after": str(math.ceil(wait))}
            return self._error(429, "This request would exceed your rate limit.", headers)
        if fault == "stream_error" and not stream:
            fault = "529"
        if fault in ("500", "529", "drop"):  # failed after arrival
            if charge:  # counted as sent: the request and its input tokens; nothing was generated
                self.counters["charged_failures"] += 1
                self.limits.refund(admission, admission.input_tokens, 0)
            else:  # a failed attempt costs nothing
                self.limits.refund(admission, request=True)
            if fault == "drop":
                request.transport.abort()
                raise web.HTTPInternalServerError()  # never sent
            return self._error(int(fault), FAULT_MESSAGES[fault], self._limit_headers())
        self.in_flight[prompt.digest] += 1
        try:
            await asyncio.sleep(self.config.latency_s + (self.config.slow_s if fault == "slow" else 0.0))
            try:
                message = self._compose(prompt)
            except ValueError as exc:
                self.limits.refund(admission)
                return self._error(400, str(exc), self._limit_headers())
            usage = message["usage"]
            self.limits.refund(
                admission,
                usage["input_tokens"] + usage["cache_creation_input_tokens"],
                usage["output_tokens"],
            )
            headers = {"request-id": _new_id("req"), **self._limit_headers()}
            if stream:
                return await self._stream(request, prompt, message, headers, fail=fault == "stream_error")
            self._bill(prompt, message)
            return web.json_response(message, headers=headers)
        finally:
            self.in_flight[prompt.digest] -= 1

    async def _stream(
        self,
        request: web.Request,
        prompt: Prompt,
        message: dict[str, Any],
        headers: dict[str, str],
        fail: bool,
    ) -> web.StreamResponse:
        """The message as server-sent events; with ``fail`` an overloaded_error event mid-stream."""
        self.counters["streamed"] += 1
        response = web.StreamResponse(
            headers={"content-type": "text/event-stream", "cache-control": "no-cache", **headers}
        )
        await response.prepare(request)

        async def send(event: str, data: dict[str, Any]) -> None:
            await response.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())

        text = message["content"][0]["text"]
        usage = message["usage"]
        start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
        await send("message_start", {"type": "message_start", "message": start})
        await send(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        )
        await send("ping", {"type": "ping"})
        chunks = [text[i : i + STREAM_CHUNK_CHARS] for i in range(0, len(text), STREAM_CHUNK_CHARS)] or [""]
        for number, chunk in enumerate(chunks):
            if fail and number == len(chunks) // 2:
                await send("error", _error_body(529, FAULT_MESSAGES["529"]))
                await response.write_eof()
                return response
            delta = {"type": "text_delta", "text": chunk}
            await send("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
        await send("content_block_stop", {"type": "content_block_stop", "index": 0})
        await send(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {k: v for k, v in usage.items() if k != "cache_creation"},
            },
        )
        await send("message_stop", {"type": "message_stop"})
        await response.write_eof()
        self._bill(prompt, message)
        return response

    async def _count_tokens(self, request: web.Request) -> web.Response:
        body = await request.json()
        problem = _validate({**body, "max_tokens": 1})
        if problem:
            return self._error(400, problem)
        prompt = Prompt.of(body)
        return web.json_response({"input_tokens": prompt.system_tokens + prompt.message_tokens})

    # ------------------------------------------------------------------------------- batches
    def _batch_call_refused(self) -> web.Response | None:
        """Charge a call to the batches endpoints to their bucket, or refuse it with a 429."""
        self.counters["batch_calls"] += 1
        wait = self.batch_limits.admit(0, 0)
        if wait <= 0:
            return None
        self.counters["batch_rate_limited"] += 1
        headers = {**self._limit_headers(self.batch_limits), "retry-after": str(math.ceil(wait))}
        return self._error(429, "Number of batch API requests has exceeded your rate limit.", headers)

    def _batch_json(self, batch: Batch) -> web.Response:
        headers = {"request-id": _new_id("req"), **self._limit_headers(self.batch_limits)}
        return web.json_response(batch.as_json(self.base_url), headers=headers)

    async def _create_batch(self, request: web.Request) -> web.Response:
        if refused := self._batch_call_refused():
            return refused
        body = await request.json()
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests:
            return self._error(400, "requests: Field required (a non-empty list)")
        seen = set()
        for number, item in enumerate(requests):
            custom_id = item.get("custom_id") if isinstance(item, dict) else None
            if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= 64:
                return self._error(400, f"requests.{number}.custom_id: 1 to 64 characters required")
            if custom_id in seen:
                return self._error(400, f"requests.{number}.custom_id: {custom_id!r} is not unique")
            seen.add(custom_id)
            problem = _validate(item.get("params"))
            if problem:
                return self._error(400, f"requests.{number}.params.{problem}")
        batch = Batch(_new_id("msgbatch"), requests, datetime.now(UTC))
        self.batches[batch.id] = batch
        self.counters["batches"] += 1
        self.counters["batch_requests"] += len(requests)
        asyncio.get_running_loop().call_later(self.config.batch_latency_s, self._process_batch, batch)
        return self._batch_json(batch)

    def _process_batch(self, batch: Batch) -> None:
        if batch.status == "ended":
            return
        for item in batch.requests:
            if batch.status == "canceling":
                result: dict[str, Any] = {"type": "canceled"}
            else:
                result = self._batch_result(Prompt.of(item["params"]))
            batch.results.append({"custom_id": item["custom_id"], "result": result})
        random.Random(batch.id).shuffle(batch.results)  # results come in no particular order
        batch.status, batch.ended_at = "ended", datetime.now(UTC)

    def _batch_result(self, prompt: Prompt) -> dict[str, Any]:
        fault = self._next_fault(("500", "529", "expire"))
        if fault == "expire":
            return {"type": "expired"}
        if fault is not None:
            return {"type": "errored", "error": _error_body(int(fault), FAULT_MESSAGES[fault])}
        try:
            message = self._compose(prompt)
        except ValueError as exc:
            return {"type": "errored", "error": _error_body(400, str(exc))}
        self._bill(prompt, message)
        return {"type": "succeeded", "message": message}

    def _batch_or_404(self, request: web.Request) -> Batch | web.Response:
        batch = self.batches.get(request.match_info["id"])
        if batch is None:
            return self._error(404, f"message batch {request.match_info['id']!r} not found")
        return batch

    async def _retrieve_batch(self, request: web.Request) -> web.Response:
        if refused := self._batch_call_refused():
            return refused
        batch = self._batch_or_404(request)
        if isinstance(batch, web.Response):
            return batch
        return self._batch_json(batch)

    async def _list_batches(self, request: web.Request) -> web.Response:
        if refused := self._batch_call_refused():
            return refused
        data = [b.as_json(self.base_url) for b in reversed(self.batches.values())]
        return web.json_response(
            {"data": data, "has_more": False, "first_id": data[0]["id"] if data else None,
             "last_id": data[-1]["id"] if data else None}
        )  # fmt: skip

    async def _batch_results(self, request: web.Request) -> web.Response:
        if refused := self._batch_call_refused():
            return refused
        batch = self._batch_or_404(request)
        if isinstance(batch, web.Response):
            return batch
        if batch.status != "ended":
            return self._error(400, f"message batch {batch.id} has not ended yet")
        lines = "".join(json.dumps(result) + "\n" for result in batch.results)
        return web.Response(
            text=lines, content_type="application/x-jsonl", headers=self._limit_headers(self.batch_limits)
        )

    async def _cancel_batch(self, request: web.Request) -> web.Response:
        if refused := self._batch_call_refused():
            return refused
        batch = self._batch_or_404(request)
        if isinstance(batch, web.Response):
            return batch
        if batch.status == "in_progress":
            batch.status, batch.cancel_initiated_at = "canceling", datetime.now(UTC)
        return web.json_response(batch.as_json(self.base_url))

    # ------------------------------------------------------------------------------- the rest
    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self._snapshot())

    async def _admin_faults(self, request: web.Request) -> web.Response:
        """``POST /admin/faults {"faults": ["429", null, "529"]}``: script the next requests."""
        body = await request.json()
        faults = body.get("faults") if isinstance(body, dict) else None
        if not isinstance(faults, list):
            return self._error(400, "faults: a list of fault names (or null) is required")
        self._scripted_faults.extend(faults)
        return web.json_response({"scripted": len(self._scripted_faults)})

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"data": [{"type": "model", "id": "offline-task-bank"}], "has_more": False})
