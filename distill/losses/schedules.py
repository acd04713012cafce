"""Progressive schedules: a value moving from ``start`` to ``end`` as training progresses (0 -> 1)."""

from __future__ import annotations

import math


def schedule_value(kind: str, progress: float, start: float, end: float) -> float:
    """``constant`` holds ``end``; ``linear`` and ``cosine`` ramp; ``step`` jumps halfway."""
    p = min(max(progress, 0.0), 1.0)
    shape = {
        "constant": lambda: 1.0,
        "linear": lambda: p,
        "cosine": lambda: (1.0 - math.cos(math.pi * p)) / 2.0,
        "step": lambda: 0.0 if p < 0.5 else 1.0,
    }
    if kind not in shape:
        raise ValueError(f"loss.progressive_schedule: unknown schedule {kind!r}")
    return start + (end - start) * shape[kind]()
