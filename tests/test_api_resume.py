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
