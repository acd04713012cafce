"""Packing several examples into one row of at most ``capacity`` tokens, attention kept per example.

A packed row carries, next to the concatenated tokens, the position ids of each token (restarting at 0
with every example) and a segment id (the example's number in the row). The model then sees either a
4-D block-diagonal causal mask built from the segment ids (:func:`block_causal_mask`, for eager and
SDPA attention) or, with FlashAttention-2, only the position ids, from which transformers derives the
variable-length (varlen) boundaries (:func:`packed_model_inputs`). Either way no token attends to another example, and every
example's logits equal those it gets alone in an unpacked batch.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

IGNORE_INDEX = -100
PADDING_SEGMENT = -1  # the segment id of the padding at the end of a row (its own causal block)
POSITION_IDS_KEY = "position_ids"
SEGMENT_IDS_KEY = "segment_ids"


def pack_lengths(lengths: Sequence[int], capacity: int) -> list[list[int]]:
    """Best-fit decreasing bin packing: groups of indices into ``lengths`` whose lengths sum to at most
    ``capacity``, each group in ascending index order. Deterministic; O(n log n) searches."""
    if any(n > capacity for n in lengths):
        longest = max(range(len(lengths)), key=lengths.__getitem__)
        raise ValueError(f"example {longest} has {lengths[longest]} tokens, more than a row of {capacity}")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    free: list[int] = []  # free space of the open rows, ascending
    rows_by_free: list[int] = []  # the row number of each entry of `free`
    rows: list[list[int]] = []
    for index in order:
        size = lengths[index]
        slot = bisect.bisect_left(free, size)  # the fullest row that still fits
        if slot == len(free):
            rows.append([index])
            row, left = len(rows) - 1, capacity - size
        else:
            row, left = rows_by_free.pop(slot), free.pop(slot) - size
            rows[row].append(index)
        position = bisect.bisect_left(free, left)
        free.insert(position, left)
        rows_by_free.insert(position, row)
    return [sorted(row) for row in rows]


class PackedDataset(Dataset):
    """Rows of several examples of ``examples`` (dicts of per-token sequences of equal length).

    Every per-token key is concatenated; ``position_ids`` and ``segment_ids`` are added, and the first
    label of each example is masked (-100), so that no example is predicted from the one before it.
    """

    def __init__(self, examples: Dataset, capacity: int, lengths: Sequence[int] | None = None) -> None:
        """``lengths``: the examples' token counts when known (reading them from ``examples`` would load
        whatever else an example carries, e.g. its cached teacher rows)."""
        self.examples = examples
        self.capacity = capacity
        if lengths is None:
            lengths = [len(examples[i]["input_ids"]) for i in range(len(examples))]
        self.rows = pack_lengths(lengths, capacity)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict[str, Any]:
        parts = [self.examples[i] for i in self.rows[index]]
        row: dict[str, Any] = {}
        for key, first in parts[0].items():
            if isinstance(first, np.ndarray):
                row[key] = np.concatenate([part[key] for part in parts])
            elif isinstance(first, list):
                row[key] = [value for part in parts for value in part[key]]
            else:  # a per-example scalar (e.g. the capture temperature of a cached teacher)
                row[key] = first
        starts = np.cumsum([0] + [len(part["input_ids"]) for part in parts[:-1]])
        labels = row["labels"] = list(row["labels"])
        for start in starts:
            labels[start] = IGNORE_INDEX
        row[POSITION_IDS_KEY] = [p for part in parts for p in range(len(part["input_ids"]))]
        row[SEGMENT_IDS_KEY] = [s for s, part in enumerate(parts) for _ in range(len(part["input_ids"]))]
        return row


def block_causal_mask(segment_ids: torch.Tensor) -> torch.Tensor:
    """``[B, 1, L, L]``, True where query i may attend key j: the same segment and j <= i. Padding (its
    own segment) attends to itself only, so that no row of the mask is empty."""
    length = segment_ids.size(1)
    causal = torch.ones(length, length, dtype=torch.bool, device=segment_ids.device).tril()
    return ((segment_ids[:, :, None] == segment_ids[:, None, :]) & causal)[:, None]


def packed_model_inputs(batch: dict[str, torch.Tensor], attn_implementation: str | None) -> dict[str, Any]:
    """The attention arguments of a packed batch for a model running ``attn_implementation``.

    - FlashAttention: the position ids alone (transformers derives the varlen boundaries from them);
    - SDPA: position ids and the boolean block-diagonal mask (SDPA takes booleans in any dtype);
    - eager: position ids and the additive mask (0 or the float32 minimum, added to the scores).
    """
    inputs: dict[str, Any] = {POSITION_IDS_KEY: batch[POSITION_IDS_KEY]}
    if attn_implementation is not None and attn_implementation.startswith("flash_attention"):
        inputs["attention_mask"] = None
        return inputs
    allowed = block_causal_mask(batch[SEGMENT_IDS_KEY])
    if attn_implementation == "eager":
        additive = torch.zeros(allowed.shape, dtype=torch.float32, device=allowed.device)
        inputs["attention_mask"] = additive.masked_fill_(~allowed, torch.finfo(torch.float32).min)
    else:
        inputs["attention_mask"] = allowed
    return inputs
