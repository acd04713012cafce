"""The Claude client over real HTTP (the official SDK) against the offline server, and the limiter."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

import pytest
from conftest import offline_api

from distill.api.client import ClaudeAPIClient
from distill.api.response_cache import ResponseCache
from distill.api.types import CodeGenerationRequest
from distill.config.errors import ConfigError
from distill.config.schemas import ClaudeConfig, OfflineServerConfig
from distill.data.sample_format import parse_sample
from distill.generation.prompts import GENERATION_SYSTEM, generation_prompt
from distill.offline.server import OfflineAnthropicServer


def _code_responder(system: str, prompt: str) -> str:
    return "Here you are:\n```python\ndef add(a, b):\n    return a + b\n```\n"


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
    assert set(meta["usage"]) == {
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_creation_1h_input_tokens",
        "cache_read_input_tokens",
    }
    assert meta["cost_usd"] == pytest.approx(
        client._calculate_cost(meta["usage"]["input_tokens"], meta["usage"]["output_tokens"])
    )
    assert meta["request_id"].startswith("req_") and meta["stop_reason"] == "end_turn"
    assert meta["model"] == "claude-sonnet-5-5" and meta["attempts"] == 1 and not meta["streamed"]
    assert server.stats()["by_status"] == {"200": 1}  # no temperature sent: the server refuses it with 400


def test_cost_uses_the_price_table_for_every_token_class():
    client = ClaudeAPIClient(offline_api(model="claude-sonnet-5-5"))
    assert client._calculate_cost(1_000_000, 0) == pytest.approx(2.0)
    assert client._calculate_cost(0, 1_000_000) == pytest.approx(10.0)
    assert client._calculate_cost(1_000_000, 1_000_000, batch=True) == pytest.approx(6.0)
    assert client._calculate_cost(0, 0, cache_write_tokens=1_000_000) == pytest.approx(2.5)  # 5-minute writes
    assert client._calculate_cost(
        0, 0, cache_write_tokens=1_000_000, cache_write_1h_tokens=1_000_000
    ) == pytest.approx(4.0)
    assert client._calculate_cost(0, 0, cache_read_tokens=1_000_000) == pytest.approx(0.10)
    assert client._calculate_cost(0, 0, cache_read_tokens=1_000_000, batch=True) == pytest.approx(0.05)


async def test_the_embedded_offline_server_answers_generation_prompts():
    client = ClaudeAPIClient(offline_api())
    prompt = generation_prompt("python", "easy", "documented", "strings", 3)
    response = await client.generate_code(
        CodeGenerationRequest(instruction=prompt, language="python", system=GENERATION_SYSTEM)
    )
    await client.aclose()
    sample = parse_sample(response.metadata["text"], "python")
    assert "def " in sample.solution and "assert" in sample.tests


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


def test_server_rate_limit_headers_and_stream_events_in_the_real_order():
    config = OfflineServerConfig(rate_limit_rpm=100, rate_limit_itpm=10_000, rate_limit_otpm=2_000)
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        body = {
            "model": "m",
            "max_tokens": 500,
            "stream": True,
            "messages": [{"role": "user", "content": "x"}],
        }
        request = urllib.request.Request(
            f"{server.base_url}/v1/messages",
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request) as reply:
            headers, text = dict(reply.headers), reply.read().decode()
    events = [line.removeprefix("event: ") for line in text.splitlines() if line.startswith("event: ")]
    assert events[:3] == ["message_start", "content_block_start", "ping"]
    assert set(events[3:-3]) == {"content_block_delta"}
    assert events[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert headers["anthropic-ratelimit-requests-limit"] == "100"
    assert headers["anthropic-ratelimit-requests-remaining"] == "99"
    assert headers["anthropic-ratelimit-tokens-limit"] == "12000"  # the combined header: input + output
    # the output bucket was charged 500 (max_tokens) on arrival, then got back what was not used
    assert 1500 < int(headers["anthropic-ratelimit-output-tokens-remaining"]) < 2000


def _post_message(base_url: str) -> tuple[int, dict[str, str]]:
    """Send one small request; return its status and headers (an error reply's too)."""
    body = {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}]}
    request = urllib.request.Request(
        f"{base_url}/v1/messages",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.mark.parametrize("send_headers", [True, False])
def test_server_sends_rate_limit_headers_only_when_asked_and_a_429_always_its_retry_after(send_headers):
    config = OfflineServerConfig(rate_limit_rpm=1, rate_limit_headers=send_headers)
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        answered, refused = _post_message(server.base_url), _post_message(server.base_url)
        stats = server.stats()
    assert answered[0] == 200 and refused[0] == 429 and stats["rate_limited"] == 1
    assert refused[1]["retry-after"] == "60"  # one request a minute
    for _, headers in (answered, refused):
        assert any(name.startswith("anthropic-ratelimit-") for name in headers) is send_headers


@pytest.mark.parametrize("charge", [False, True])
def test_server_charges_failed_attempts_against_its_limit_only_with_charge_failures(charge):
    config = OfflineServerConfig(rate_limit_rpm=3, charge_failures=charge)
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        server.script_faults(["500", "529", "drop"])
        with pytest.raises((urllib.error.URLError, ConnectionError, http.client.HTTPException)):
            for _ in range(3):  # the drop closes the connection unanswered
                _post_message(server.base_url)
        status, headers = _post_message(server.base_url)
        stats = server.stats()
    assert stats["faults"] == {"500": 1, "529": 1, "drop": 1}
    if charge:  # the three failed attempts used the minute's three requests
        assert status == 429 and stats["charged_failures"] == 3 and stats["rate_limited"] == 1
    else:  # they cost nothing
        assert status == 200 and headers["anthropic-ratelimit-requests-remaining"] == "2"
        assert stats["charged_failures"] == 0


async def test_long_replies_are_streamed_and_assembled(tmp_path):
    with OfflineAnthropicServer(responder=_code_responder) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, max_tokens=32_000))  # stream=auto
        response = await client.generate_code(CodeGenerationRequest(instruction="x", language="python"))
        short = await client.generate_code(
            CodeGenerationRequest(instruction="y", language="python", max_tokens=100)
        )
        await client.aclose()
        stats = server.stats()
    assert response.success and response.metadata["streamed"]
    assert response.generated_code == "def add(a, b):\n    return a + b"
    assert response.metadata["usage"]["output_tokens"] > 1  # from the final message_delta
    assert not short.metadata["streamed"]
    assert stats["streamed"] == 1 and stats["billed"] == 2


LONG_SYSTEM = "You write programming exercises. " + "Follow these rules exactly. " * 400  # ~3,000 tokens


async def test_a_long_system_prompt_is_cached_and_its_reads_are_counted():
    config = OfflineServerConfig(prompt_cache_min_tokens=1024)
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        client = ClaudeAPIClient(offline_api(base_url=server.base_url, model="claude-sonnet-4-6"))
        requests = [
            CodeGenerationRequest(instruction=f"task {i}", language="python", system=LONG_SYSTEM)
            for i in range(3)
        ]
        params = client.build_params(requests[0])
        first = await client.generate_code(requests[0])
        rest = await client.generate_batch(requests[1:], max_concurrent=1)
        short = client.build_params(
            CodeGenerationRequest(instruction="x", language="python", system="Be brief.")
        )
        await client.aclose()
    assert params["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert isinstance(short["system"], str)  # below the model's minimum: not marked
    assert first.metadata["usage"]["cache_creation_input_tokens"] > 700
    assert first.metadata["usage"]["cache_read_input_tokens"] == 0
    for response in rest:
        usage = response.metadata["usage"]
        assert usage["cache_read_input_tokens"] == first.metadata["usage"]["cache_creation_input_tokens"]
        assert usage["cache_creation_input_tokens"] == 0
        assert response.metadata["cost_usd"] == pytest.approx(
            client._calculate_cost(
                usage["input_tokens"],
                usage["output_tokens"],
                cache_read_tokens=usage["cache_read_input_tokens"],
            )
        )
    assert client.totals.cache_read_tokens == 2 * first.metadata["usage"]["cache_creation_input_tokens"]
    assert rest[0].metadata["cost_usd"] < first.metadata["cost_usd"]  # a read costs 1/25 of a write


def test_prompt_cache_minimum_follows_the_model_family():
    from distill.api.prompting import prompt_cache_min_tokens

    table = ClaudeConfig().prompt_cache_min_tokens
    assert prompt_cache_min_tokens("claude-sonnet-4-6", table) == 1024
    assert prompt_cache_min_tokens("claude-opus-4-5-20251101", table) == 4096
    assert prompt_cache_min_tokens("claude-opus-5-5", table) == 512
    assert prompt_cache_min_tokens("claude-unknown-9", table) == table["default"]
    client = ClaudeAPIClient(offline_api(model="claude-opus-4-5", prompt_cache_ttl="1h"))
    medium = "word " * 2000  # ~2,900 estimated tokens: enough for Sonnet 4.6, not for Opus 4.5
    assert isinstance(client.build_params(CodeGenerationRequest("x", "python", system=medium))["system"], str)
    client = ClaudeAPIClient(offline_api(model="claude-sonnet-4-6", prompt_cache_ttl="1h"))
    block = client.build_params(CodeGenerationRequest("x", "python", system=medium))["system"][0]
    assert block["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    client = ClaudeAPIClient(offline_api(model="claude-sonnet-4-6", prompt_caching=False))
    assert isinstance(client.build_params(CodeGenerationRequest("x", "python", system=medium))["system"], str)


def test_key_and_base_url_come_from_the_config_or_the_environment(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-env")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    client = ClaudeAPIClient(ClaudeConfig(backend="claude"))
    assert client._api_key == "sk-from-env" and client.base_url == "http://127.0.0.1:9"
    client = ClaudeAPIClient(
        ClaudeConfig(backend="claude", api_key="sk-config", base_url="http://127.0.0.1:8")
    )
    assert client._api_key == "sk-config" and client.base_url == "http://127.0.0.1:8"


async def test_the_key_never_reaches_responses_or_the_cache(tmp_path, monkeypatch, caplog):
    secret = "sk-ant-secret-never-logged"
    monkeypatch.setenv("ANTHROPIC_API_KEY", secret)
    with OfflineAnthropicServer(
        OfflineServerConfig(faults={"401": 1.0}), responder=_code_responder
    ) as server:
        client = ClaudeAPIClient(
            ClaudeConfig(backend="claude", base_url=server.base_url, cache_dir=str(tmp_path), progress=False)
        )
        with caplog.at_level("DEBUG"), pytest.raises(Exception) as error:
            await client.generate_code(CodeGenerationRequest("x", "python"))
        await client.aclose()
    assert secret not in str(error.value) and secret not in caplog.text
    assert all(secret not in path.read_text() for path in tmp_path.iterdir())


def test_config_errors_name_the_key():
    with pytest.raises(ConfigError, match=r"^api.mode: 'bulk'"):
        ClaudeConfig(mode="bulk")
    with pytest.raises(ConfigError, match=r"^api.stream: 'never' with api.max_tokens=32000"):
        ClaudeConfig(stream="never", max_tokens=32_000)
    with pytest.raises(ConfigError, match=r"^api.offline.faults.418"):
        OfflineServerConfig(faults={"418": 0.1})
    with pytest.raises(ConfigError, match=r"^api.offline.faults: the probabilities sum"):
        OfflineServerConfig(faults={"429": 0.7, "529": 0.7})
    with pytest.raises(ConfigError, match=r"^api.rate_limit_otpm"):
        ClaudeConfig(rate_limit_otpm=0)


def test_progress_counts_rates_cost_and_eta():
    from distill.api.progress import RequestProgress

    now = [0.0]
    progress = RequestProgress(enabled=False, clock=lambda: now[0])
    progress.add_total(100)
    for i in range(30):
        now[0] = (i + 1) * 1.0  # one a second
        progress.record(success=i % 10 != 0, cached=i < 10, tokens=1000, cost_usd=0.01 * i)
    snap = progress.snapshot()
    assert (snap["done"], snap["failed"], snap["cached"], snap["total"]) == (30, 3, 10, 100)
    assert snap["requests_per_min"] == pytest.approx(20 / 0.5)  # 20 answered (not cached) in 30 s
    assert snap["tokens_per_min"] == pytest.approx(20_000 / 0.5)
    assert snap["eta_s"] == pytest.approx(70.0)  # 70 left at one a second
    assert snap["cost_usd"] == pytest.approx(0.29)
    assert "3 failed" in progress.describe() and "$0.2900" in progress.describe()


def test_the_cache_key_covers_what_determines_the_answer_and_nothing_else():
    client = ClaudeAPIClient(offline_api(model="claude-sonnet-4-6"))
    long_system = "rules " * 2000
    request = CodeGenerationRequest("write add", "python", system=long_system)
    key = client.cache_key(client.build_params(request))
    uncached = ClaudeAPIClient(offline_api(model="claude-sonnet-4-6", prompt_caching=False))
    assert uncached.cache_key(uncached.build_params(request)) == key  # cache_control changes the price only
    for changed in (
        CodeGenerationRequest("write sub", "python", system=long_system),
        CodeGenerationRequest("write add", "python", system=long_system + "!"),
        CodeGenerationRequest("write add", "python", system=long_system, max_tokens=100),
    ):
        assert client.cache_key(client.build_params(changed)) != key
    other_model = ClaudeAPIClient(offline_api(model="claude-opus-5-5"))
    assert other_model.cache_key(other_model.build_params(request)) != key
