"""Progressive schedules: a value moving from ``start`` to ``end`` as training progresses from 0 to 1.

- ``constant``: ``end`` throughout;
- ``linear``: start + (end - start) p;
- ``cosine``: start + (end - start) (1 - cos(pi p)) / 2 (slow at both ends);
- ``step``: ``steps`` equal jumps at p = 1/(steps+1), ..., steps/(steps+1) (one jump at p = 0.5 by default).

Progress is the fraction of training done: ``epoch / (epochs - 1)`` by epoch, ``step / (steps - 1)`` by
optimizer step, so that the first epoch/step is at ``start`` and the last at ``end``.
"""

from __future__ import annotations

import math

from distill.config.loss import SCHEDULES


def schedule_value(kind: str, progress: float, start: float, end: float, steps: int = 1) -> float:
    p = min(max(progress, 0.0), 1.0)
    if kind == "constant":
        shape = 1.0
    elif kind == "linear":
        shape = p
    elif kind == "cosine":
        shape = (1.0 - math.cos(math.pi * p)) / 2.0
    elif kind == "step":
        shape = min(math.floor(p * (steps + 1)), steps) / steps
    else:
        raise ValueError(
            f"loss.progressive_schedule: unknown schedule {kind!r}, expected one of {list(SCHEDULES)}"
        )
    return start + (end - start) * shape


def fraction_done(index: int, total: int) -> float:
    """Progress of the ``index``-th of ``total`` epochs or steps (0 for the first, 1 for the last)."""
    return index / (total - 1) if total > 1 else 1.0
