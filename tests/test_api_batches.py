"""Message Batches (api.mode=batch) against the offline server: price, resubmission, resume, budget."""

from __future__ import annotations

import asyncio
import json

import pytest
from conftest import offline_api, python_dataset_config

from distill.api.client import ClaudeAPIClient
from distill.api.errors import BudgetExceededError
from distill.api.response_cache import ResponseCache
from distill.api.types import CodeGenerationRequest
from distill.config.schemas import OfflineServerConfig
from distill.offline.server import OfflineAnthropicServer


def _code_responder(system: str, prompt: str) -> str:
    if "unanswerable" in prompt:
        raise ValueError("prompt is too long")
    return "```python\ndef add(a, b):\n    return a + b\n```\n"


def _requests(count: int) -> list[CodeGenerationRequest]:
    return [CodeGenerationRequest(instruction=f"task {i}", language="python") for i in range(count)]


def _batch_api(cache_dir, server, **overrides):
    return offline_api(
        cache_dir, base_url=server.base_url, mode="batch", batch_poll_interval_s=0.02, **overrides
    )


def _journal(cache_dir) -> list[dict]:
    path = cache_dir / "batches.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def test_batch_mode_answers_everything_at_half_price(tmp_path):
    with OfflineAnthropicServer(
        OfflineServerConfig(batch_latency_s=0.05), responder=_code_responder
    ) as server:
        client = ClaudeAPIClient(_batch_api(tmp_path, server))
        progress = []
        responses = await client.generate_batch(
            _requests(6), progress_callback=lambda *a: progress.append(a[:2])
        )
        await client.aclose()
        stats = server.stats()
    assert all(r.success for r in responses) and progress[-1] == (6, 6) and len(progress) == 6
    assert [r.instruction for r in responses] == [f"task {i}" for i in range(6)]  # input order
    assert stats["batches"] == 1 and stats["batch_requests"] == 6 and stats["requests"] == 0
    usage = responses[0].metadata["usage"]
    full_price = client._calculate_cost(usage["input_tokens"], usage["output_tokens"])
    assert responses[0].metadata["cost_usd"] == pytest.approx(full_price / 2)
    assert responses[0].metadata["batch_id"].startswith("msgbatch_")
    assert client.totals.batch_requests == 6 and client.totals.batches_submitted == 1
    events = [record["event"] for record in _journal(tmp_path)]
    assert events == ["submitted", "collected"]
    assert len(ResponseCache(tmp_path / "responses.jsonl")) == 6


async def test_errored_and_expired_requests_go_into_a_new_batch_other_errors_fail(tmp_path):
    with OfflineAnthropicServer(
        OfflineServerConfig(batch_latency_s=0.02), responder=_code_responder
    ) as server:
        server.script_faults(["529", "expire", "500"])  # the first three requests processed
        client = ClaudeAPIClient(_batch_api(tmp_path, server))
        requests = [*_requests(5), CodeGenerationRequest("unanswerable", "python")]
        responses = await client.generate_batch(requests)
        await client.aclose()
        stats = server.stats()
    assert [r.success for r in responses] == [True] * 5 + [False]
    assert "invalid_request_error" in responses[5].error
    assert stats["batches"] == 2 and stats["batch_requests"] == 6 + 3  # only the three went again
    assert stats["billed"] == 5 and stats["billed_twice"] == 0


async def test_a_restarted_run_resumes_polling_instead_of_resubmitting(tmp_path):
    with OfflineAnthropicServer(
        OfflineServerConfig(batch_latency_s=1.0), responder=_code_responder
    ) as server:
        first = ClaudeAPIClient(_batch_api(tmp_path, server))
        run = asyncio.ensure_future(first.generate_batch(_requests(8)))
        while not _journal(tmp_path):  # the batch id is on disk as soon as the API returns it
            await asyncio.sleep(0.01)
        run.cancel()  # the run dies while the batch is processed
        with pytest.raises(asyncio.CancelledError):
            await run
        await first.aclose()

        second = ClaudeAPIClient(_batch_api(tmp_path, server))
        responses = await second.generate_batch(_requests(8))
        await second.aclose()
        stats = server.stats()
    assert all(r.success for r in responses)
    assert stats["batches"] == 1 and stats["batch_requests"] == 8 and stats["billed_twice"] == 0
    assert second.totals.batches_submitted == 0 and second.totals.batch_requests == 8
    assert [r["event"] for r in _journal(tmp_path)] == ["submitted", "collected"]


async def test_a_batch_the_api_no_longer_knows_is_submitted_again(tmp_path, caplog):
    with OfflineAnthropicServer(
        OfflineServerConfig(batch_latency_s=0.02), responder=_code_responder
    ) as server:
        client = ClaudeAPIClient(_batch_api(tmp_path, server, retry_delay=0.001))
        keys = [client.cache_key(client.build_params(r)) for r in _requests(3)]
        (tmp_path / "batches.jsonl").write_text(
            json.dumps({"event": "submitted", "batch_id": "msgbatch_gone", "custom_ids": keys}) + "\n"
        )
        client = ClaudeAPIClient(_batch_api(tmp_path, server, retry_delay=0.001))
        responses = await client.generate_batch(_requests(3))
        await client.aclose()
    assert all(r.success for r in responses) and server.stats()["batches"] == 1
    assert "msgbatch_gone is unknown to the API" in caplog.text


async def test_the_budget_limits_what_is_submitted_and_stops_after_collecting_it(tmp_path):
    with OfflineAnthropicServer(
        OfflineServerConfig(batch_latency_s=0.02), responder=_code_responder
    ) as server:
        # worst case per request at the batch price: ~5 input + 1000 output tokens -> ~$0.005
        client = ClaudeAPIClient(_batch_api(tmp_path, server, max_tokens=1000, max_cost_usd=0.012))
        with pytest.raises(BudgetExceededError, match=r"max_cost_usd=0\.012"):
            await client.generate_batch(_requests(5))
        await client.aclose()
        stats = server.stats()
    assert stats["batch_requests"] == 2 and stats["billed"] == 2
    assert len(ResponseCache(tmp_path / "responses.jsonl")) == 2


async def test_the_generator_runs_unchanged_in_batch_mode(tmp_path):
    from distill.generation.generator import DatasetGenerator

    with OfflineAnthropicServer(OfflineServerConfig(batch_latency_s=0.02)) as server:
        generator = DatasetGenerator(
            python_dataset_config(tmp_path / "data", 12), _batch_api(tmp_path / "cache", server)
        )
        dataset = await generator.generate_dataset(max_concurrent=4)
        stats = server.stats()
    assert len(dataset) == 12
    assert stats["batches"] >= 1 and stats["requests"] == 0  # all of it through Message Batches
    assert generator.client.totals.batch_requests == stats["billed"]


async def test_batch_calls_wait_for_their_own_limiter_and_stay_under_the_servers_limit(tmp_path):
    config = OfflineServerConfig(batch_latency_s=0.3, batch_rate_limit_rpm=600)
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        server.drain_rate_limits()  # both start a minute's use in: one call every 0.1 s
        client = ClaudeAPIClient(_batch_api(tmp_path, server, batch_rate_limit_rpm=600))
        client.ledger.batch_limiter.drain()
        responses = await client.generate_batch(_requests(4))
        await client.aclose()
        stats = server.stats()
    assert all(r.success for r in responses)
    # create, the polls every 0.02 s held to one every 0.1 s, results: none refused
    assert stats["batch_calls"] >= 4 and stats["batch_rate_limited"] == 0
    assert client.ledger.batch_limiter.waited_s > 0
    assert client.rate_limiter.requests.available() == client.rate_limiter.requests.capacity  # untouched


@pytest.mark.parametrize("send_headers", [True, False])
async def test_a_429_from_the_batch_endpoints_is_retried_without_spending_max_retries(tmp_path, send_headers):
    config = OfflineServerConfig(
        batch_latency_s=0.05, batch_rate_limit_rpm=60, rate_limit_headers=send_headers, charge_failures=True
    )
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        server.drain_rate_limits()  # another client used this minute's batch calls
        client = ClaudeAPIClient(_batch_api(tmp_path, server, max_retries=0))  # believes it has 50
        responses = await client.generate_batch(_requests(3))
        await client.aclose()
        stats = server.stats()
    assert all(r.success for r in responses)
    # the create call is refused once; the drained limiter then holds every later call back
    assert stats["batch_rate_limited"] == 1 and client.ledger.batch_limiter.refusals == 1
    assert stats["batches"] == 1
