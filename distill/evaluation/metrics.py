"""Unbiased pass@k (Chen et al., 2021), correct for c = 0 and refusing k > n."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn from n (c of them correct) passes.

    Computed as ``1 - prod(1 - k / arange(n - c + 1, n + 1))``, which avoids huge binomials.
    """
    if not 0 <= c <= n:
        raise ValueError(f"pass@k: need 0 <= c <= n, got n={n}, c={c}")
    if k <= 0 or k > n:
        raise ValueError(f"pass@k: k={k} needs 1 <= k <= n={n} samples per problem")
    if c == 0:
        return 0.0
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def mean_pass_at_k(counts: Iterable[tuple[int, int]], k_values: Iterable[int]) -> dict[str, float]:
    """Average pass@k over problems given ``(n, c)`` per problem; a k above the smallest n is left out."""
    counts = list(counts)
    if not counts:
        return {}
    min_n = min(n for n, _ in counts)
    return {
        f"pass@{k}": float(np.mean([pass_at_k(n, c, k) for n, c in counts])) for k in k_values if k <= min_n
    }
