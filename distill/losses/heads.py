"""float32 copies of frozen output layers, made once per weight and device and then reused.

The memory-lean path projects hidden states in float32. A half-precision ``lm_head`` (bf16 / fp16) needs
a float32 copy for that, ``V x H x 4`` bytes (0.52 GB at CodeLlama-7b's 32,016 x 4,096). Casting it on
every step costs that much of every step's peak and a pass over the weight; a frozen head (the teacher's,
a LoRA student's) does not change, so :class:`Float32Heads` makes the copy once and hands it out while the
weight stays the same tensor with the same storage and version (a weight modified in place, reassigned
through ``.data`` or moved to another device gets a new copy). A head that requires a gradient trains,
and is cast on every call (its copy would be stale after the optimizer step).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import torch


@dataclass
class _Copy:
    source: weakref.ref
    data_ptr: int
    version: int
    copy: torch.Tensor


class Float32Heads:
    """Cache of float32 copies of frozen weights, keyed by the weight (held weakly)."""

    def __init__(self) -> None:
        self._copies: dict[int, _Copy] = {}

    def __len__(self) -> int:
        return len(self._copies)

    def nbytes(self) -> int:
        """Bytes held by the cached copies."""
        return sum(entry.copy.nbytes for entry in self._copies.values())

    def float32(self, weight: torch.Tensor | None) -> torch.Tensor | None:
        """``weight`` in float32, detached unless it requires a gradient: the weight itself when it is
        float32, a cached copy when it is frozen, a fresh cast otherwise."""
        if weight is None or weight.dtype == torch.float32:
            return weight
        if weight.requires_grad:
            return weight.float()
        key = id(weight)
        entry = self._copies.get(key)
        if (
            entry is not None
            and entry.source() is weight
            and entry.data_ptr == weight.data_ptr()
            and entry.version == weight._version
        ):
            return entry.copy
        self._copies.pop(key, None)  # a stale copy goes before the new one is made
        copy = weight.detach().float()
        copies = self._copies
        source = weakref.ref(weight, lambda _ref, key=key: copies.pop(key, None))
        self._copies[key] = _Copy(source, weight.data_ptr(), weight._version, copy)
        return copy

    def clear(self) -> None:
        self._copies.clear()

    # Copied or pickled (a deep copy of the loss, a spawned process), the cache starts empty: its keys are
    # the identities of tensors in this process.
    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self._copies = {}
