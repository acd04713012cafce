"""The per-model price table: the config group ``api/pricing`` (default option ``anthropic``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from distill.config.locations import PRICE_TABLE

BATCH_DISCOUNT = 0.5


@dataclass
class ModelPrice:
    """USD per million tokens of each class."""

    input: float = 0.0
    output: float = 0.0
    cache_write_5m: float = 0.0
    cache_write_1h: float = 0.0
    cache_read: float = 0.0


@lru_cache(maxsize=4)
def _read_table(path: str) -> tuple[str, tuple[tuple[str, tuple[float, ...]], ...]]:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    rows = tuple(
        (
            name,
            tuple(
                float(prices[k])
                for k in ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")
            ),
        )
        for name, prices in raw["prices"].items()
    )
    return str(raw["prices_as_of"]), rows


def load_price_table(path: Path = PRICE_TABLE) -> tuple[str, dict[str, ModelPrice]]:
    """Return ``(as_of, {model_id: ModelPrice})`` from the YAML table (a fresh dict on each call)."""
    as_of, rows = _read_table(str(path))
    return as_of, {name: ModelPrice(*values) for name, values in rows}
