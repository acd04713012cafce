"""Throughput of the Claude client at a rate limit, against the offline server, with and without headers.

The client (the official SDK over real HTTP, our retries and rate limiter) sends generation prompts
to the offline server, whose own token bucket enforces the same requests-per-minute limit and
refuses (429 with retry-after, counted as ``over limit``) any request above it. Two server
behaviours:

- ``headers``: the offline server as it is: ``anthropic-ratelimit-*`` headers on every reply, a
  failed attempt (500/529) costs nothing;
- ``no headers``: as many Anthropic-compatible servers, proxies and gateways: no rate-limit
  headers, and a failed attempt counts against the limit as sent.

Each runs clean, then with 18 % of the attempts failing (8 % 429 with a 1 s retry-after, 5 % 529,
5 % 500). Both sides start with empty buckets (as after a minute of other traffic). Printed per run:

- ``thr/limit``: answered requests per minute of wall time, divided by the limit (goal >= 0.95 clean);
- ``over``: attempts the server refused for exceeding its limit, and their share of all attempts
  (goal <= 0.5 % clean, <= 1 % under faults);
- ``lost``: requests that ended failed (goal 0);
- ``wall/ideal``: wall time divided by the ideal time, the attempts the faults make necessary (the
  requests plus one per injected fault) at the limit (goal <= 1.3 under faults).

    .venv/bin/python scripts/bench/generation_throughput.py [--rpm 1200] [--seconds 30]

The last line is the figure: for each behaviour, clean thr/limit and faulty wall/ideal, with the
attempts over the limit and the requests lost of both runs.
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
BEHAVIOURS = {  # name -> the offline server's switches
    "headers": {"rate_limit_headers": True, "charge_failures": False},
    "no headers": {"rate_limit_headers": False, "charge_failures": True},
}
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


async def run_once(
    rpm: int, seconds: float, faults: dict[str, float], switches: dict[str, bool], concurrency: int
) -> dict[str, float]:
    count = round(rpm / 60 * seconds)
    server_config = OfflineServerConfig(
        faults=faults, retry_after_s=1.0, rate_limit_rpm=rpm, seed=1, **switches
    )
    with OfflineAnthropicServer(server_config) as server:
        client = ClaudeAPIClient(
            ClaudeConfig(
                backend="offline",
                base_url=server.base_url,
                rate_limit_rpm=rpm,
                rate_limit_tpm=100_000_000,
                max_concurrent=concurrency,
                max_retries=10,
                retry_delay=0.5,
                progress=False,
            )
        )
        requests = requests_for(count)
        server.drain_rate_limits()
        client.rate_limiter.drain()
        start = time.monotonic()
        responses = await client.generate_batch(requests, max_concurrent=concurrency)
        wall = time.monotonic() - start
        await client.aclose()
        stats = server.stats()
    answered = sum(r.success for r in responses)
    attempts = stats["requests"]
    necessary = attempts - stats["rate_limited"]  # the requests and one more per injected fault
    return {
        "requests": count,
        "answered": answered,
        "lost": count - answered,
        "attempts": attempts,
        "over_limit": stats["rate_limited"],
        "over_share": stats["rate_limited"] / max(attempts, 1),
        "faults": sum(stats["faults"].values()),
        "wall_s": wall,
        "throughput": answered / wall * 60 / rpm,
        "wall_ratio": wall / (necessary / (rpm / 60)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rpm", type=int, default=1200, help="the rate limit, requests per minute")
    parser.add_argument("--seconds", type=float, default=30.0, help="ideal duration of each clean run")
    parser.add_argument("--concurrency", type=int, default=64, help="generate_batch's max_concurrent")
    parser.add_argument(
        "--behaviour", choices=["both", *BEHAVIOURS], default="both", help="server behaviour(s) to run"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    behaviours = list(BEHAVIOURS) if args.behaviour == "both" else [args.behaviour]
    figure = []
    for behaviour in behaviours:
        results = {}
        for name, faults in (("clean", {}), ("faults", FAULTS)):
            result = asyncio.run(
                run_once(args.rpm, args.seconds, faults, BEHAVIOURS[behaviour], args.concurrency)
            )
            results[name] = result
            print(
                f"{behaviour:10s} {name:6s}: {result['answered']}/{result['requests']} answered "
                f"({result['lost']} lost) in {result['wall_s']:.1f} s, {result['attempts']} attempts "
                f"({result['faults']} injected faults), over limit {result['over_limit']} "
                f"({100 * result['over_share']:.2f} %), thr/limit {result['throughput']:.3f}, "
                f"wall/ideal {result['wall_ratio']:.3f}",
                flush=True,
            )
        clean, faulty = results["clean"], results["faults"]
        figure.append(
            f"{behaviour}: clean thr/limit {clean['throughput']:.3f}, over {clean['over_limit']} "
            f"({100 * clean['over_share']:.2f} %), lost {clean['lost']}; faults wall/ideal "
            f"{faulty['wall_ratio']:.3f}, over {faulty['over_limit']} ({100 * faulty['over_share']:.2f} %), "
            f"lost {faulty['lost']}"
        )
    print(f"limit {args.rpm} rpm | " + " | ".join(figure))


if __name__ == "__main__":
    main()
