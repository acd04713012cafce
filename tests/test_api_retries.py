"""Retries, the errors that stop a run, and the budget cap, against the offline server's faults."""

from __future__ import annotations

import asyncio

import anthropic
import httpx
import pytest
from conftest import offline_api

from distill.api.client import ClaudeAPIClient
from distill.api.errors import BudgetExceededError, FatalAPIError, RetryBudget
from distill.api.response_cache import ResponseCache
from distill.api.types import CodeGenerationRequest
from distill.config.schemas import OfflineServerConfig
from distill.offline.server import OfflineAnthropicServer


def _code_responder(system: str, prompt: str) -> str:
    return "```python\ndef add(a, b):\n    return a + b\n```\n"


def _requests(count: int, **fields) -> list[CodeGenerationRequest]:
    return [CodeGenerationRequest(instruction=f"task {i}", language="python", **fields) for i in range(count)]


def _record_sleeps(client: ClaudeAPIClient, real: bool = False) -> list[float]:
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        await asyncio.sleep(seconds if real else 0)

    client.sleep = sleep
    return delays


async def test_a_429_is_retried_after_the_servers_retry_after():
    with OfflineAnthropicServer(OfflineServerConfig(retry_after_s=0.3), responder=_code_responder) as server:
        server.script_faults(["429", "529"])
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, retry_delay=2.0))
        delays = _record_sleeps(client)
        response = await client.generate_code(CodeGenerationRequest("x", "python"))
        await client.aclose()
        stats = server.stats()
    assert response.success and response.metadata["attempts"] == 3
    assert delays[0] == pytest.approx(0.3)  # the server's retry-after
    # no retry-after on the 529: retry_delay x 2^0, jitter 0.5-1 (the 429 spent no retry)
    assert 1.0 <= delays[1] <= 2.0
    assert stats["by_status"] == {"200": 1, "429": 1, "529": 1}


def _status_error(status: int, headers: dict[str, str] | None = None) -> anthropic.APIStatusError:
    request = httpx.Request("POST", "https://api.anthropic.com/v1/messages")
    response = httpx.Response(status, headers=headers, request=request)
    return anthropic.APIStatusError(f"error {status}", response=response, body=None)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_refusals_spend_time_not_max_retries():
    clock = _Clock()
    retry = RetryBudget(max_retries=1, retry_delay=1.0, rate_limit_timeout=10.0, clock=clock)
    refused = _status_error(429, {"retry-after": "2"})
    delays = []
    while (delay := retry.next_delay(refused)) is not None:
        delays.append(delay)
        clock.now += delay
    # waits of 2 s from the first refusal while they end within 10 s; max_retries=1 is untouched
    assert delays == [2.0] * 5 and retry.refusals == 6 and retry.transient == 0
    assert 0.5 <= retry.next_delay(_status_error(500)) <= 1.0  # the one transient retry is still there
    assert retry.next_delay(_status_error(529)) is None


def test_transient_failures_spend_max_retries_with_their_own_backoff():
    clock = _Clock()
    retry = RetryBudget(max_retries=2, retry_delay=1.0, rate_limit_timeout=600.0, clock=clock)
    assert 0.5 <= retry.next_delay(_status_error(529)) <= 1.0  # retry_delay x 2^0, jitter 0.5-1
    assert 0.5 <= retry.next_delay(_status_error(429)) <= 1.0  # a refusal without retry-after: its own count
    assert 1.0 <= retry.next_delay(_status_error(500)) <= 2.0  # the second transient failure
    assert retry.next_delay(_status_error(500, {"retry-after": "0.1"})) is None  # the budget is spent
    assert 1.0 <= retry.next_delay(_status_error(429)) <= 2.0  # refusals still wait, within the time


async def test_429s_are_retried_past_max_retries_until_the_rate_limit_timeout():
    config = OfflineServerConfig(retry_after_s=0.3)
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        server.script_faults(["429", "429", "429", "500"])
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=1))
        _record_sleeps(client)
        answered = await client.generate_code(CodeGenerationRequest("x", "python"))
        assert answered.success and answered.metadata["attempts"] == 5
        assert client.totals.rate_limited == 3 and client.rate_limiter.refusals == 3

        server.script_faults(["429"] * 10)  # refused until the next refusal would end past 0.45 s
        timed = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=0, rate_limit_timeout=0.45))
        _record_sleeps(timed, real=True)
        failed = await timed.generate_code(CodeGenerationRequest("y", "python"))
        await client.aclose()
        await timed.aclose()
    assert not failed.success and "429" in failed.error
    assert timed.totals.attempts == 2  # refused at once, then 0.3 s later: a third would end at 0.6 s


async def test_a_429_from_the_servers_own_limit_corrects_the_client_limiter():
    with OfflineAnthropicServer(OfflineServerConfig(rate_limit_rpm=60), responder=_code_responder) as server:
        server.drain_rate_limits()  # another client used this minute
        client = ClaudeAPIClient(offline_api(base_url=server.base_url))  # believes it has 100,000 rpm
        delays = _record_sleeps(client, real=True)
        response = await client.generate_code(CodeGenerationRequest("x", "python"))
        await client.aclose()
        stats = server.stats()
    assert response.success
    assert delays == [1.0]  # retry-after: one request a second refills at 60 rpm
    assert stats["rate_limited"] == 1
    assert client.rate_limiter.requests.capacity == 60  # the limit header replaced the configured one


async def test_every_attempt_retries_included_passes_the_limiter():
    faults = OfflineServerConfig(faults={"429": 0.3, "500": 0.2}, retry_after_s=0.01, seed=3)
    with OfflineAnthropicServer(faults, responder=_code_responder) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=20))
        passes = []
        acquire = client.rate_limiter.acquire

        async def counted(*args):
            passes.append(args)
            return await acquire(*args)

        client.rate_limiter.acquire = counted
        responses = await client.generate_batch(_requests(20), max_concurrent=4)
        await client.aclose()
        stats = server.stats()
    assert all(r.success for r in responses)
    assert stats["by_status"]["429"] > 0 and stats["by_status"]["500"] > 0
    assert client.totals.attempts == stats["requests"] == 20 + client.totals.retries
    assert len(passes) == stats["requests"]


async def test_a_dropped_connection_a_slow_reply_and_an_error_mid_stream_are_retried():
    config = OfflineServerConfig(slow_s=1.0)
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        server.script_faults(["drop", "stream_error", "slow"])
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, stream="always", timeout=0.3))
        errors = []
        after_error = client._after_error

        def spy(exc, reservation, attempt):
            errors.append(type(exc).__name__)
            return after_error(exc, reservation, attempt)

        client._after_error = spy
        response = await client.generate_code(CodeGenerationRequest("x", "python"))
        await client.aclose()
        stats = server.stats()
    assert response.success and response.metadata["attempts"] == 4 and response.metadata["streamed"]
    assert errors == ["APIConnectionError", "APIStatusError", "APITimeoutError"]
    assert stats["faults"] == {"drop": 1, "slow": 1, "stream_error": 1}


async def test_persistent_overload_fails_the_request_after_max_retries():
    with OfflineAnthropicServer(
        OfflineServerConfig(faults={"529": 1.0}), responder=_code_responder
    ) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=2))
        response = await client.generate_code(CodeGenerationRequest(instruction="x", language="python"))
        await client.aclose()
    assert not response.success and "529" in response.error and "overloaded_error" in response.error
    assert server.stats()["requests"] == 3


@pytest.mark.parametrize("fault", ["401", "403", "404"])
async def test_an_account_or_model_error_stops_the_run_at_once(fault):
    with OfflineAnthropicServer(
        OfflineServerConfig(faults={fault: 1.0}), responder=_code_responder
    ) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=5))
        with pytest.raises(FatalAPIError, match=fault):
            await client.generate_batch(_requests(10), max_concurrent=1)
        with pytest.raises(FatalAPIError):  # and nothing more is sent afterwards
            await client.generate_code(CodeGenerationRequest("y", "python"))
        await client.aclose()
        assert server.stats()["requests"] == 1


async def test_a_bad_request_fails_only_that_request_without_retrying():
    def responder(system: str, prompt: str) -> str:
        if "bad" in prompt:
            raise ValueError("prompt is too long")
        return _code_responder(system, prompt)

    with OfflineAnthropicServer(responder=responder) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_retries=5))
        requests = [CodeGenerationRequest("bad one", "python"), *_requests(3)]
        responses = await client.generate_batch(requests)
        await client.aclose()
        stats = server.stats()
    assert [r.success for r in responses] == [False, True, True, True]
    assert "400" in responses[0].error and responses[0].metadata["status_code"] == 400
    assert stats["requests"] == 4 and client.totals.failures == 1


async def test_the_budget_cap_stops_cleanly_saves_every_paid_reply_and_a_rerun_goes_on(tmp_path):
    config = OfflineServerConfig(latency_s=0.02)
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        # worst case per request: ~10 input + 200 output tokens at $2 / $10 per MTok = $0.002;
        # real replies cost ~$0.0002, so about 40 fit in $0.01 with 4 in flight
        capped = offline_api(tmp_path, base_url=server.base_url, max_tokens=200, max_cost_usd=0.01)
        client = ClaudeAPIClient(capped)
        with pytest.raises(BudgetExceededError, match=r"api.max_cost_usd=0.01: .* no more are started"):
            await client.generate_batch(_requests(100), max_concurrent=4)
        await client.aclose()
        stopped = server.stats()
        saved = len(ResponseCache(tmp_path / "responses.jsonl"))
        assert stopped["in_flight"] == 0 and 10 < stopped["billed"] < 100
        assert saved == stopped["billed"] == client.totals.requests  # the requests in flight finished, saved
        assert client.totals.cost_usd <= 0.01

        rerun = ClaudeAPIClient(offline_api(tmp_path, base_url=server.base_url, max_tokens=200))
        responses = await rerun.generate_batch(_requests(100), max_concurrent=4)
        await rerun.aclose()
        final = server.stats()
    assert all(r.success for r in responses)
    assert final["billed"] == 100 and final["billed_twice"] == 0
    assert rerun.totals.cache_hits == saved


async def test_a_budget_too_small_for_one_request_sends_nothing():
    with OfflineAnthropicServer(responder=_code_responder) as server:
        # worst case of one request: 4096 output tokens at $10/MTok = $0.041
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_cost_usd=0.03))
        with pytest.raises(BudgetExceededError, match="max_cost_usd"):
            await client.generate_code(CodeGenerationRequest(instruction="x", language="python"))
        await client.aclose()
    assert server.stats()["requests"] == 0


def _no_headers_server(**overrides) -> OfflineServerConfig:
    """A server as many compatible ones: no rate-limit headers, failed attempts charged as sent."""
    return OfflineServerConfig(rate_limit_headers=False, charge_failures=True, **overrides)


async def test_without_headers_the_client_holds_the_limit_through_faults_and_loses_nothing():
    rpm = 1200
    config = _no_headers_server(
        rate_limit_rpm=rpm, faults={"429": 0.08, "529": 0.05, "500": 0.05}, retry_after_s=0.5, seed=5
    )
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        client = ClaudeAPIClient(
            offline_api(base_url=server.base_url, rate_limit_rpm=rpm, max_retries=8, retry_delay=0.1)
        )
        server.drain_rate_limits()  # both start a minute's use in: the limit binds from the start
        client.rate_limiter.drain()
        responses = await client.generate_batch(_requests(100), max_concurrent=16)
        await client.aclose()
        stats = server.stats()
    assert all(r.success for r in responses)  # no request lost
    assert stats["charged_failures"] > 0 and stats["faults"]["429"] > 0
    assert stats["rate_limited"] <= 0.01 * stats["requests"]  # attempts over the limit
    assert client.totals.attempts == stats["requests"]


async def test_without_headers_a_client_that_believes_it_has_capacity_learns_from_one_round_of_429s():
    with OfflineAnthropicServer(_no_headers_server(rate_limit_rpm=1200), responder=_code_responder) as server:
        server.drain_rate_limits()  # another client used this minute; the client cannot know
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, rate_limit_rpm=1200, max_retries=0))
        responses = await client.generate_batch(_requests(60), max_concurrent=16)
        await client.aclose()
        stats = server.stats()
    assert all(r.success for r in responses)  # the 429s spent no retry: max_retries=0 lost nothing
    # the first attempts in flight are refused; each refusal drains the client's bucket, so the
    # attempts after them wait for the refill instead of being refused in turn
    assert 0 < stats["rate_limited"] <= 16 + 2
    assert client.rate_limiter.refusals == stats["rate_limited"]
