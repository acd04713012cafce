"""The Claude client over real HTTP (the official SDK) against the offline server, and the limiter."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest
from conftest import offline_api

from distill.api import (
    BudgetExceededError,
    ClaudeAPIClient,
    CodeGenerationRequest,
    FatalAPIError,
    RateLimiter,
)
from distill.api.offline_server import OfflineAnthropicServer
from distill.api.response_cache import ResponseCache
from distill.config.errors import ConfigError
from distill.config.schemas import ClaudeConfig, OfflineServerConfig
from distill.data.sample_format import GENERATION_SYSTEM, generation_prompt, parse_sample


def _code_responder(system: str, prompt: str) -> str:
    return "Here you are:\n```python\ndef add(a, b):\n    return a + b\n```\n"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# ------------------------------------------------------------------------------------- limiter
async def test_limiter_lets_a_burst_through_then_waits_for_the_refill():
    clock = FakeClock()
    limiter = RateLimiter(rpm=60, tpm=1_000_000, clock=clock, sleep=clock.sleep)
    for _ in range(60):
        assert await limiter.wait_if_needed(10) == 0
    waited = await limiter.wait_if_needed(10)
    assert waited == pytest.approx(1.0)  # 60 per minute: one request per second refills


async def test_limiter_holds_the_token_budget_and_refunds_unused_tokens():
    clock = FakeClock()
    limiter = RateLimiter(rpm=1000, tpm=6000, clock=clock, sleep=clock.sleep)
    await limiter.wait_if_needed(6000)
    assert await limiter.wait_if_needed(3000) == pytest.approx(30.0)  # 100 tokens per second
    limiter.record_usage(estimated_tokens=3000, actual_tokens=1000)  # 2000 came back
    assert await limiter.wait_if_needed(2000) == pytest.approx(0.0)


async def test_limiter_serves_waiters_in_arrival_order():
    clock = FakeClock()
    limiter = RateLimiter(rpm=1, tpm=1_000_000, clock=clock, sleep=clock.sleep)
    order: list[int] = []

    async def request(i: int) -> None:
        await limiter.wait_if_needed(1)
        order.append(i)

    await asyncio.gather(*(request(i) for i in range(4)))
    assert order == [0, 1, 2, 3]
    assert clock.now == pytest.approx(180.0)  # one request a minute after the first


# ------------------------------------------------------------------------------------- client
async def test_generate_code_over_http_through_the_sdk(tmp_path):
    with OfflineAnthropicServer(responder=_code_responder) as server:
        client = ClaudeAPIClient(offline_api(tmp_path, base_url=server.base_url))
        response = await client.generate_code(
            CodeGenerationRequest(instruction="Write a Python function to add two numbers", language="python")
        )
        await client.aclose()
    assert response.success and response.generated_code == "def add(a, b):\n    return a + b"
    meta = response.metadata
    assert meta["usage"]["input_tokens"] > 0 and meta["usage"]["output_tokens"] > 0
    assert meta["cost_usd"] == pytest.approx(
        client._calculate_cost(meta["usage"]["input_tokens"], meta["usage"]["output_tokens"])
    )
    assert meta["request_id"].startswith("req_") and meta["stop_reason"] == "end_turn"
    assert server.stats()["by_status"] == {"200": 1}  # no temperature sent: the server refuses it with 400


def test_cost_uses_the_price_table():
    client = ClaudeAPIClient(offline_api(model="claude-sonnet-5-5"))
    assert client._calculate_cost(1_000_000, 0) == pytest.approx(2.0)
    assert client._calculate_cost(0, 1_000_000) == pytest.approx(10.0)
    assert client._calculate_cost(1_000_000, 1_000_000, batch=True) == pytest.approx(6.0)


async def test_the_embedded_offline_server_answers_generation_prompts():
    client = ClaudeAPIClient(offline_api())
    prompt = generation_prompt("python", "easy", "documented", "strings", 3)
    response = await client.generate_code(
        CodeGenerationRequest(instruction=prompt, language="python", system=GENERATION_SYSTEM)
    )
    await client.aclose()
    sample = parse_sample(response.metadata["text"], "python")
    assert "def " in sample.solution and "assert" in sample.tests


async def test_retries_honour_retry_after_and_every_attempt_passes_the_limiter(tmp_path):
    faults = OfflineServerConfig(faults={"429": 0.5}, retry_after_s=0.01, seed=3)
    with OfflineAnthropicServer(faults, responder=_code_responder) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=10))
        passes = []
        wait = client.rate_limiter.wait_if_needed

        async def counted(tokens: int) -> float:
            passes.append(tokens)
            return await wait(tokens)

        client.rate_limiter.wait_if_needed = counted
        requests = [CodeGenerationRequest(instruction=f"task {i}", language="python") for i in range(20)]
        responses = await client.generate_batch(requests, max_concurrent=4)
        await client.aclose()
    assert all(r.success for r in responses)
    stats = server.stats()
    assert stats["by_status"]["429"] > 0
    assert client.totals.attempts == stats["requests"] == 20 + stats["by_status"]["429"]
    assert len(passes) == stats["requests"]  # every attempt, retries included, went through the limiter


async def test_persistent_overload_fails_the_request_after_max_retries():
    with OfflineAnthropicServer(
        OfflineServerConfig(faults={"529": 1.0}), responder=_code_responder
    ) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=2))
        response = await client.generate_code(CodeGenerationRequest(instruction="x", language="python"))
        await client.aclose()
    assert not response.success and "529" in response.error
    assert server.stats()["requests"] == 3


async def test_a_refused_key_stops_the_run_at_once():
    with OfflineAnthropicServer(
        OfflineServerConfig(faults={"401": 1.0}), responder=_code_responder
    ) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=5))
        requests = [CodeGenerationRequest(instruction=f"t{i}", language="python") for i in range(10)]
        with pytest.raises(FatalAPIError, match="401"):
            await client.generate_batch(requests, max_concurrent=1)
        await client.aclose()
    assert server.stats()["requests"] == 1


def test_missing_key_for_the_real_api_fails_before_any_work():
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        ClaudeAPIClient(ClaudeConfig(backend="claude"))


async def test_responses_cut_at_max_tokens_are_marked_truncated():
    with OfflineAnthropicServer(responder=_code_responder) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url))
        response = await client.generate_code(
            CodeGenerationRequest(instruction="x", language="python", max_tokens=5)
        )
        await client.aclose()
    assert not response.success and response.metadata["truncated"]


async def test_budget_cap_refuses_requests_that_could_pass_it():
    with OfflineAnthropicServer(responder=_code_responder) as server:
        # worst case of one request: 4096 output tokens at $10/MTok = $0.041
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_cost_usd=0.03))
        with pytest.raises(BudgetExceededError, match="max_cost_usd"):
            await client.generate_code(CodeGenerationRequest(instruction="x", language="python"))
        await client.aclose()
    assert server.stats()["requests"] == 0


async def test_a_rerun_pays_nothing_for_cached_responses(tmp_path):
    requests = [CodeGenerationRequest(instruction=f"task {i}", language="python") for i in range(8)]
    with OfflineAnthropicServer(responder=_code_responder) as server:
        first = ClaudeAPIClient(offline_api(tmp_path, base_url=server.base_url))
        await first.generate_batch(requests)
        await first.aclose()
        second = ClaudeAPIClient(offline_api(tmp_path, base_url=server.base_url))
        again = await second.generate_batch(requests)
        await second.aclose()
        stats = server.stats()
    assert stats["billed"] == 8 and stats["billed_twice"] == 0
    assert second.totals.cache_hits == 8 and second.totals.cost_usd == 0
    assert all(r.metadata["cache_hit"] for r in again)


def test_cache_survives_a_record_cut_short_by_a_crash(tmp_path):
    cache = ResponseCache(tmp_path / "responses.jsonl")
    cache.put("a", {"text": "one"})
    cache.close()
    with open(tmp_path / "responses.jsonl", "a") as fh:
        fh.write('{"key": "b", "respo')  # killed mid-write
    reopened = ResponseCache(tmp_path / "responses.jsonl")
    assert "a" in reopened and "b" not in reopened
    reopened.put("c", {"text": "three"})
    reopened.close()
    assert {"a", "c"} <= set(ResponseCache(tmp_path / "responses.jsonl")._records)


def test_server_refuses_sampling_parameters_as_the_current_api_does():
    with OfflineAnthropicServer(responder=_code_responder) as server:
        body = {
            "model": "m",
            "max_tokens": 10,
            "temperature": 0.5,
            "messages": [{"role": "user", "content": "x"}],
        }
        request = urllib.request.Request(
            f"{server.base_url}/v1/messages",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request)
    assert error.value.code == 400
    assert "temperature" in json.loads(error.value.read())["error"]["message"]
