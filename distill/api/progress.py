"""Live progress of a client's requests: done and failed, requests and tokens per minute over the
last minute, dollars so far and the time left; drawn as a tqdm bar on stderr when enabled.

The total grows as requests are handed to the client (the generator sends them in chunks), so the
ETA is for the work known so far. In batch mode the bar shows how much of the Message Batch the
API has processed while it is polled.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from tqdm.auto import tqdm

WINDOW_S = 60.0
REDRAW_S = 0.5


class RequestProgress:
    def __init__(self, enabled: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.total = 0
        self.done = 0
        self.failed = 0
        self.cached = 0
        self.cost_usd = 0.0
        self.batch_status = ""
        self._recent: deque[tuple[float, int]] = deque()  # (time, tokens) of answered requests
        self._done_times: deque[float] = deque()  # every finished request, cache hits included
        self._started = clock()
        self._bar: Any = None
        self._enabled = enabled
        self._drawn = -float("inf")

    def add_total(self, count: int) -> None:
        self.total += count
        self._refresh()

    def record(self, success: bool, cached: bool, tokens: int, cost_usd: float) -> None:
        """One request finished (``cost_usd``: the running total of the client)."""
        now = self._clock()
        self.done += 1
        self.failed += int(not success)
        self.cached += int(cached)
        self.cost_usd = cost_usd
        self._done_times.append(now)
        if not cached:
            self._recent.append((now, tokens))
        self._refresh()

    def set_batch_status(self, text: str) -> None:
        self.batch_status = text
        self._refresh()

    def _trim(self, now: float) -> None:
        while self._recent and self._recent[0][0] < now - WINDOW_S:
            self._recent.popleft()
        while self._done_times and self._done_times[0] < now - WINDOW_S:
            self._done_times.popleft()

    def snapshot(self) -> dict[str, Any]:
        """done, failed, cached, total, requests and tokens per minute (last minute), cost, ETA (s)."""
        now = self._clock()
        self._trim(now)
        window_min = max(min(WINDOW_S, now - self._started), 1e-9) / 60.0
        finished_per_s = len(self._done_times) / (window_min * 60.0)
        remaining = max(self.total - self.done, 0)
        return {
            "done": self.done,
            "failed": self.failed,
            "cached": self.cached,
            "total": self.total,
            "requests_per_min": len(self._recent) / window_min,
            "tokens_per_min": sum(tokens for _, tokens in self._recent) / window_min,
            "cost_usd": self.cost_usd,
            "eta_s": remaining / finished_per_s if finished_per_s > 0 else None,
        }

    def describe(self) -> str:
        s = self.snapshot()
        eta = "?" if s["eta_s"] is None else time.strftime("%H:%M:%S", time.gmtime(s["eta_s"]))
        parts = [
            f"{s['failed']} failed",
            f"{s['requests_per_min']:.0f} req/min",
            f"{s['tokens_per_min'] / 1000:.1f}k tok/min",
            f"${s['cost_usd']:.4f}",
            f"ETA {eta}",
        ]
        if self.batch_status:
            parts.append(self.batch_status)
        return " | ".join(parts)

    def _refresh(self) -> None:
        now = self._clock()
        if not self._enabled or (now - self._drawn < REDRAW_S and self.done < self.total):
            return
        self._drawn = now
        if self._bar is None:
            self._bar = tqdm(
                total=self.total,
                desc="claude",
                unit="req",
                bar_format="{desc}: {n_fmt}/{total_fmt}{postfix}",
            )
        self._bar.total = self.total
        self._bar.n = self.done
        self._bar.set_postfix_str(self.describe(), refresh=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
