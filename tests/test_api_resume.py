"""A generation killed with SIGKILL and run again ends with the full dataset, and pays again only for
the requests that were in flight at the kill (counted on the server, which outlives both runs)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from distill.api.response_cache import ResponseCache
from distill.config.schemas import OfflineServerConfig
from distill.offline.server import OfflineAnthropicServer

BIN = Path(sys.executable).parent
TARGET = 120
MAX_CONCURRENT = 4


def _command(tmp_path: Path, base_url: str, run: str) -> list[str]:
    return [
        str(BIN / "distill-generate"),
        "api=offline",
        f"api.base_url={base_url}",
        f"api.cache_dir={tmp_path / 'api_cache'}",
        f"api.max_concurrent={MAX_CONCURRENT}",
        "api.progress=false",
        "data=demo",
        f"data.target_size={TARGET}",
        f"data.output_dir={tmp_path / 'data'}",
        f"hydra.run.dir={tmp_path / run}",
    ]


@pytest.mark.slow
def test_a_killed_generation_resumes_and_pays_again_only_for_requests_in_flight(tmp_path):
    with OfflineAnthropicServer(OfflineServerConfig(latency_s=0.1)) as server:
        first = subprocess.Popen(
            _command(tmp_path, server.base_url, "run1"),
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while server.stats()["billed"] < TARGET // 3:
            assert first.poll() is None, "the first run ended before it could be killed"
            assert time.monotonic() < deadline, "the first run made no progress"
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        in_flight_at_kill = server.prompts_in_flight()  # the server finishes (and bills) these
        billed_before_rerun = server.stats()["billed"]

        second = subprocess.run(
            _command(tmp_path, server.base_url, "run2"), cwd=REPO, capture_output=True, text=True, timeout=600
        )
        assert second.returncode == 0, second.stderr[-3000:]
        paid_twice = server.prompts_billed_twice()
        stats = server.stats()

    sizes = json.loads((tmp_path / "run2" / "metrics.json").read_text())["sizes"]
    assert sum(sizes.values()) == TARGET  # the full dataset
    assert TARGET // 3 <= billed_before_rerun < stats["billed"]
    # Only requests sent but not yet saved when the process died are paid again: those the server
    # was still serving, and at most the few answered in the instant before their fsync. The client
    # never has more than max_concurrent of them.
    assert in_flight_at_kill <= paid_twice
    assert len(paid_twice) <= MAX_CONCURRENT
    assert stats["billed_twice"] == len(paid_twice)


# generate_batch in a process of its own: CLIENT_RUN <base_url> <cache_dir> prints the summary.
CLIENT_RUN = """
import asyncio, json, sys
from distill.api.client import ClaudeAPIClient
from distill.api.types import CodeGenerationRequest
from distill.config.schemas import ClaudeConfig

async def main():
    config = ClaudeConfig(
        backend="offline", base_url=sys.argv[1], cache_dir=sys.argv[2], rate_limit_rpm={rpm},
        rate_limit_tpm=100_000_000, retry_delay=0.05, progress=False,
    )
    client = ClaudeAPIClient(config)
    requests = [CodeGenerationRequest(f"task {{i % {unique}}}", "python") for i in range({count})]
    responses = await client.generate_batch(requests, max_concurrent={concurrent})
    await client.aclose()
    print(json.dumps({{"answered": sum(r.success for r in responses), "cache_hits": client.totals.cache_hits}}))

asyncio.run(main())
"""
NO_HEADERS_RPM = 600
NO_HEADERS_COUNT, NO_HEADERS_UNIQUE, NO_HEADERS_CONCURRENT = 90, 75, 8  # some requests repeated


def _code_responder(system: str, prompt: str) -> str:
    return "```python\ndef add(a, b):\n    return a + b\n```\n"


@pytest.mark.slow
def test_a_killed_batch_against_a_server_without_headers_pays_again_only_for_requests_in_flight(tmp_path):
    """The issue-16 server: no rate-limit headers, failed attempts charged, its minute already used;
    each run starts believing it has the whole limit and learns it from the 429s."""
    script = CLIENT_RUN.format(
        rpm=NO_HEADERS_RPM, unique=NO_HEADERS_UNIQUE, count=NO_HEADERS_COUNT, concurrent=NO_HEADERS_CONCURRENT
    )
    config = OfflineServerConfig(
        rate_limit_rpm=NO_HEADERS_RPM, rate_limit_headers=False, charge_failures=True, latency_s=0.1
    )
    cache = tmp_path / "api_cache"
    with OfflineAnthropicServer(config, responder=_code_responder) as server:
        server.drain_rate_limits()
        command = [sys.executable, "-c", script, server.base_url, str(cache)]
        first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while server.stats()["billed"] < NO_HEADERS_UNIQUE // 3:
            assert first.poll() is None, "the first run ended before it could be killed"
            assert time.monotonic() < deadline, "the first run made no progress"
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        in_flight_at_kill = server.prompts_in_flight()  # the server finishes (and bills) these
        while server.stats()["in_flight"]:
            time.sleep(0.02)
        billed_before_rerun = server.stats()["billed"]
        saved = len(ResponseCache(cache / "responses.jsonl"))

        second = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr[-3000:]
        paid_twice = server.prompts_billed_twice()
        stats = server.stats()

    summary = json.loads(second.stdout.splitlines()[-1])
    assert summary["answered"] == NO_HEADERS_COUNT  # the 429s of the rerun lost nothing
    assert stats["rate_limited"] > 0  # the rerun did meet the server's limit
    # every reply saved before the kill is read from the cache; only the unsaved ones are paid again
    assert stats["billed"] - billed_before_rerun == NO_HEADERS_UNIQUE - saved
    assert summary["cache_hits"] >= saved
    assert in_flight_at_kill <= paid_twice and len(paid_twice) <= NO_HEADERS_CONCURRENT
    assert stats["billed_twice"] == len(paid_twice) == billed_before_rerun - saved
