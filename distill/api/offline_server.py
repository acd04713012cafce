"""An Anthropic-compatible Messages API on loopback, backed by the procedural task bank.

``api=offline`` runs the whole generation path (the official SDK over real HTTP, retries, rate
limits, cost, cache) without a key or network. The server answers a generation prompt (see
:mod:`distill.data.sample_format`) with a task-bank instance drawn deterministically from the
prompt, validates requests as the current API does (``max_tokens`` required, sampling parameters
refused), can inject faults, and counts what it served at ``GET /stats``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

from distill.config.schemas import OfflineServerConfig
from distill.data.sample_format import GeneratedSample, parse_prompt_fields, render_sample

CHARS_PER_TOKEN = 4
REFUSED_SAMPLING_PARAMS = ("temperature", "top_p", "top_k")
FAULT_ERRORS = {
    "401": ("authentication_error", "invalid x-api-key"),
    "429": ("rate_limit_error", "Number of requests has exceeded your rate limit."),
    "529": ("overloaded_error", "Overloaded"),
    "500": ("api_error", "Internal server error"),
}

Responder = Callable[[str, str], str]


class TaskBankResponder:
    """Answers generation prompts with task-bank instances; other prompts get an honest refusal."""

    def __init__(self, seed: int = 0) -> None:
        from distill.data.task_bank import TaskBank

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


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    request_id = f"req_{uuid.uuid4().hex[:24]}"
    body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": request_id}
    return web.json_response(body, status=status, headers={"request-id": request_id, **(headers or {})})


class OfflineAnthropicServer:
    """Serve the Messages API from a background thread; use as a context manager or start()/stop()."""

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
        self._fault_rng = random.Random(self.config.seed)
        self.status_counts: Counter[int] = Counter()
        self.billed_by_prompt: Counter[str] = Counter()
        self.output_tokens = 0
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
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/messages", self._messages)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/stats", self._stats)
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

    # ------------------------------------------------------------------------------- handlers
    def stats(self) -> dict[str, Any]:
        return {
            "requests": sum(self.status_counts.values()),
            "by_status": {str(k): v for k, v in sorted(self.status_counts.items())},
            "billed": sum(self.billed_by_prompt.values()),
            "billed_twice": sum(1 for n in self.billed_by_prompt.values() if n > 1),
            "output_tokens": self.output_tokens,
        }

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"data": [{"type": "model", "id": "offline-task-bank"}], "has_more": False})

    def _injected_fault(self) -> str | None:
        draw = self._fault_rng.random()
        for status, probability in self.config.faults.items():
            if draw < probability:
                return str(status)
            draw -= probability
        return None

    async def _messages(self, request: web.Request) -> web.Response:
        response = await self._answer(request)
        self.status_counts[response.status] += 1
        return response

    async def _answer(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return _error(400, "invalid_request_error", "the request body is not valid JSON")
        problem = _validate(body)
        if problem:
            return _error(400, "invalid_request_error", problem)
        fault = self._injected_fault()
        if fault is not None:
            kind, message = FAULT_ERRORS.get(fault, ("api_error", f"injected {fault}"))
            retry = {"retry-after": f"{self.config.retry_after_s:g}"} if fault == "429" else None
            return _error(int(fault), kind, message, retry)
        if self.config.latency_s:
            await asyncio.sleep(self.config.latency_s)
        system = body.get("system") or ""
        if isinstance(system, list):
            system = "".join(block.get("text", "") for block in system)
        prompt = "".join(_text_of(m.get("content")) for m in body["messages"] if m.get("role") == "user")
        try:
            text = self.responder(system, prompt)
        except ValueError as exc:
            return _error(400, "invalid_request_error", str(exc))
        stop_reason = "end_turn"
        if math.ceil(len(text) / CHARS_PER_TOKEN) > body["max_tokens"]:
            text, stop_reason = text[: body["max_tokens"] * CHARS_PER_TOKEN], "max_tokens"
        usage = {
            "input_tokens": math.ceil((len(system) + len(prompt)) / CHARS_PER_TOKEN),
            "output_tokens": math.ceil(len(text) / CHARS_PER_TOKEN),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }
        self.billed_by_prompt[hashlib.sha256((system + prompt).encode()).hexdigest()] += 1
        self.output_tokens += usage["output_tokens"]
        request_id = f"req_{uuid.uuid4().hex[:24]}"
        message = {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": text}],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": usage,
        }
        return web.json_response(message, headers={"request-id": request_id})


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
