"""The forms in which the loss receives logits.

- a plain tensor ``[B, L, V]`` (the full path: the model's own logits);
- :class:`ProjectedLogits`: final hidden states ``[B, L, H]`` and the ``lm_head`` weight ``[V, H]``,
  projected by the loss itself, only at the kept positions and chunk by chunk (the memory-lean path);
- :class:`TopKLogProbs` (teacher only): a cached teacher's top-k token ids and log-probabilities per
  position, with the temperature at which they were captured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

# Keys under which a batch carries a cached teacher (the datamodule of a cached-teacher run fills them).
TOPK_IDS_KEY = "teacher_topk_ids"
TOPK_LOGPROBS_KEY = "teacher_topk_logprobs"
TOPK_TEMPERATURE_KEY = "teacher_topk_temperature"
TOPK_VOCAB_SIZE_KEY = "teacher_topk_vocab_size"  # optional

UINT16_VOCAB_LIMIT = 2**16


@dataclass
class ProjectedLogits:
    """Logits not yet computed: ``hidden @ weight.T + bias`` (a linear ``lm_head``)."""

    hidden: torch.Tensor  # [B, L, H], the final (normalised) hidden states
    weight: torch.Tensor  # [V, H]
    bias: torch.Tensor | None = None  # [V]

    def __post_init__(self) -> None:
        if self.hidden.dim() != 3 or self.weight.dim() != 2 or self.hidden.size(-1) != self.weight.size(1):
            raise ValueError(
                f"ProjectedLogits: hidden must be [B, L, H] and weight [V, H], got hidden "
                f"{tuple(self.hidden.shape)} and weight {tuple(self.weight.shape)}"
            )

    @property
    def vocab_size(self) -> int:
        return self.weight.size(0)


@dataclass
class TopKLogProbs:
    """A cached teacher: per position its ``k`` most likely token ids and their log-probabilities
    ``log softmax(z / temperature)`` over the teacher's whole vocabulary, and that ``temperature``.

    Ids are stored as ``uint16`` when the vocabulary fits (CodeLlama's 32,016 does), else ``int32``;
    log-probabilities in any floating dtype (they are used in float32).
    """

    ids: torch.Tensor  # [B, L, k]
    logprobs: torch.Tensor  # [B, L, k]
    temperature: float
    vocab_size: int | None = None  # the teacher's; compared over the ids it shares with the student

    def __post_init__(self) -> None:
        if self.ids.dim() != 3 or self.ids.shape != self.logprobs.shape:
            raise ValueError(
                f"TopKLogProbs: ids and logprobs must both be [B, L, k], got ids {tuple(self.ids.shape)} "
                f"and logprobs {tuple(self.logprobs.shape)}"
            )
        if self.ids.is_floating_point() or not self.logprobs.is_floating_point():
            raise ValueError(
                f"TopKLogProbs: ids must be integers and logprobs floats, got {self.ids.dtype} and "
                f"{self.logprobs.dtype}"
            )
        if not self.temperature > 0:
            raise ValueError(f"TopKLogProbs.temperature: must be positive, got {self.temperature}")

    @property
    def k(self) -> int:
        return self.ids.size(-1)

    @classmethod
    @torch.no_grad()
    def from_logits(cls, logits: torch.Tensor, k: int, temperature: float) -> TopKLogProbs:
        """Capture the top-k of teacher logits ``[..., V]`` at ``temperature`` (what a cache stores)."""
        vocab = logits.size(-1)
        if not 0 < k <= vocab:
            raise ValueError(f"TopKLogProbs: k must be in [1, {vocab}], got {k}")
        logprobs, ids = F.log_softmax(logits.float() / temperature, dim=-1).topk(k, dim=-1)
        id_dtype = torch.uint16 if vocab <= UINT16_VOCAB_LIMIT else torch.int32
        return cls(ids.to(id_dtype), logprobs, float(temperature), vocab)

    @classmethod
    def from_batch(cls, batch: Mapping[str, Any]) -> TopKLogProbs | None:
        """The cached teacher a batch carries (keys ``teacher_topk_*``), or None."""
        if TOPK_IDS_KEY not in batch:
            return None
        temperature = batch[TOPK_TEMPERATURE_KEY]
        vocab_size = batch.get(TOPK_VOCAB_SIZE_KEY)
        return cls(
            batch[TOPK_IDS_KEY],
            batch[TOPK_LOGPROBS_KEY],
            float(_single_value(temperature, TOPK_TEMPERATURE_KEY)),
            None if vocab_size is None else int(_single_value(vocab_size, TOPK_VOCAB_SIZE_KEY)),
        )


def _single_value(value: Any, key: str) -> Any:
    """A per-example tensor holding one value for the whole batch, or a plain number."""
    if not isinstance(value, torch.Tensor):
        return value
    flat = value.flatten()
    if not torch.all(flat == flat[0]):
        raise ValueError(f"{key}: one value per batch expected, got {value.tolist()}")
    return flat[0].item()
