"""Random inputs shared by the task families: words, sentences, integer lists, letter strings, grids.

Inputs stay small on purpose: the tests are read (and learnt from) by a tiny model, so a list has a handful of
elements and a grid a few rows.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

WORDS = (
    "apple", "bread", "cloud", "delta", "eagle", "forest", "garden", "harbor", "island", "jungle", "kettle",
    "lemon", "mango", "needle", "orange", "pepper", "quartz", "river", "silver", "tiger", "umbrella", "violet",
    "walnut", "yellow", "zebra", "sun", "sky", "map", "key", "box", "cat", "dog", "owl", "ink", "arc", "moon",
)  # fmt: skip
ANAGRAMS = (
    ("listen", "silent", "enlist"), ("rat", "tar", "art"), ("evil", "vile", "live"), ("stop", "pots", "tops"),
    ("night", "thing"), ("dusty", "study"), ("angel", "glean"), ("below", "elbow"), ("state", "taste"),
)  # fmt: skip


def words(rng: random.Random, lo: int, hi: int, pool: Sequence[str] = WORDS) -> list[str]:
    return [rng.choice(pool) for _ in range(rng.randint(lo, hi))]


def recase(rng: random.Random, text: str) -> str:
    """Upper-case each character with probability 0.3."""
    return "".join(ch.upper() if rng.random() < 0.3 else ch for ch in text)


def sentence(
    rng: random.Random,
    lo: int = 1,
    hi: int = 5,
    *,
    mixed_case: bool = False,
    extras: str = "",
    pool: Sequence[str] = WORDS,
) -> str:
    """Words joined by single spaces; ``extras`` characters (digits, punctuation) follow some words."""
    parts = words(rng, lo, hi, pool)
    if mixed_case:
        parts = [recase(rng, word) for word in parts]
    if extras:
        parts = [word + rng.choice(extras) if rng.random() < 0.4 else word for word in parts]
    return " ".join(parts)


def sentence_cases(rng: random.Random, *, extras: str = "", pool: Sequence[str] = WORDS) -> list[tuple[str]]:
    """Three mixed-case sentences and the empty string, as one-argument test cases."""
    return [(sentence(rng, 1, 5, mixed_case=True, extras=extras, pool=pool),) for _ in range(3)] + [("",)]


def ints(rng: random.Random, lo_len: int, hi_len: int, lo: int = -5, hi: int = 20) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(rng.randint(lo_len, hi_len))]


def letters(rng: random.Random, alphabet: str, lo: int, hi: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def runs(rng: random.Random, alphabet: str, lo: int, hi: int) -> str:
    """Runs of one repeated letter each, e.g. ``aaabccb``."""
    return "".join(rng.choice(alphabet) * rng.randint(1, 4) for _ in range(rng.randint(lo, hi)))


def grid(rng: random.Random, density: float, on: str = "#", off: str = ".") -> list[str]:
    """A grid of 2-5 rows of 2-6 cells, each cell ``on`` with probability ``density``."""
    cols = rng.randint(2, 6)
    return [
        "".join(on if rng.random() < density else off for _ in range(cols)) for _ in range(rng.randint(2, 5))
    ]
