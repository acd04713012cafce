"""Throughput of the Claude client at a rate limit, against the offline server.

The client (the official SDK over real HTTP, our retries and rate limiter) sends generation prompts
to the offline server, whose own token buckets enforce the same requests-per-minute limit and
refuse (429, counted as ``over limit``) any request above it. Two runs: clean, and with 18 % of the
replies failing (8 % 429 with retry-after, 5 % 529, 5 % 500). Both sides start with empty buckets
(as after a minute of other traffic), so the ideal time for N requests is N / (limit / 60 s):

- ``rpm/limit``: answered requests per minute of wall time, divided by the limit (goal >= 0.95 clean);
- ``wall/ideal``: wall time divided by the ideal time of the N requests (goal <= 1.3 under faults);
- ``over limit``: requests the server refused for exceeding its limit (goal 0).

    .venv/bin/python scripts/bench/generation_throughput.py [--rpm 1200] [--seconds 30]

The last line is the figure: clean rpm/limit, faulty wall/ideal, and the requests over the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

from distill.api.client import ClaudeAPIClient
from distill.api.types import CodeGenerationRequest
from distill.config.schemas import ClaudeConfig, OfflineServerConfig
from distill.generation.prompts import GENERATION_SYSTEM, generation_prompt
from distill.offline.server import OfflineAnthropicServer

FAULTS = {"429": 0.08, "529": 0.05, "500": 0.05}
LANGUAGE_GRID = [
    ("python", d, s) for d in ("easy", "medium", "hard") for s in ("clean", "documented", "optimized")
]


def requests_for(count: int) -> list[CodeGenerationRequest]:
    requests = []
    for number in range(count):
        language, difficulty, style = LANGUAGE_GRID[number % len(LANGUAGE_GRID)]
        prompt = generation_prompt(language, difficulty, style, "strings", number)
        requests.append(
            CodeGenerationRequest(
                prompt, language, difficulty=difficulty, style=style, system=GENERATION_SYSTEM
            )
        )
    return requests


async def run_once(rpm: int, seconds: float, faults: dict[str, float]) -> dict[str, float]:
    count = round(rpm / 60 * seconds)
    server_config = OfflineServerConfig(faults=faults, retry_after_s=1.0, rate_limit_rpm=rpm, seed=1)
    with OfflineAnthropicServer(server_config) as server:
        client = ClaudeAPIClient(
            ClaudeConfig(
                backend="offline",
                base_url=server.base_url,
                rate_limit_rpm=rpm,
                rate_limit_tpm=100_000_000,
                max_concurrent=64,
                max_retries=10,
                retry_delay=0.5,
                progress=False,
            )
        )
        requests = requests_for(count)
        server.drain_rate_limits()
        client.rate_limiter.drain()
        start = time.monotonic()
        responses = await client.generate_batch(requests, max_concurrent=64)
        wall = time.monotonic() - start
        await client.aclose()
        stats = server.stats()
    answered = sum(r.success for r in responses)
    ideal = count / (rpm / 60)
    return {
        "requests": count,
        "answered": answered,
        "attempts": client.totals.attempts,
        "over_limit": stats["rate_limited"],
        "faults": sum(stats["faults"].values()),
        "wall_s": wall,
        "rpm_ratio": answered / wall * 60 / rpm,
        "wall_ratio": wall / ideal,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rpm", type=int, default=1200, help="the rate limit, requests per minute")
    parser.add_argument("--seconds", type=float, default=30.0, help="ideal duration of each run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    results = {}
    for name, faults in (("clean", {}), ("faults", FAULTS)):
        result = asyncio.run(run_once(args.rpm, args.seconds, faults))
        results[name] = result
        print(
            f"{name:6s}: {result['answered']}/{result['requests']} answered in {result['wall_s']:.1f} s, "
            f"{result['attempts']} attempts ({result['faults']} injected faults), "
            f"over limit {result['over_limit']}, rpm/limit {result['rpm_ratio']:.3f}, "
            f"wall/ideal {result['wall_ratio']:.3f}"
        )
    over = results["clean"]["over_limit"] + results["faults"]["over_limit"]
    print(
        f"limit {args.rpm} rpm: clean rpm/limit {results['clean']['rpm_ratio']:.3f}; "
        f"faults wall/ideal {results['faults']['wall_ratio']:.3f}; over limit {over}"
    )


if __name__ == "__main__":
    main()
