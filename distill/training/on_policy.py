"""On-policy batches: the batch's prompts answered by the student itself (or the teacher, ``seq_kd``).

A training batch holds right-padded rows ``prompt + response`` with labels -100 on the prompt and the
padding. :class:`OnPolicySampler` keeps each row's prompt, samples a new response for it with the KV
cache, in eval mode and without gradients, and returns a batch of the same form (labels kept on the
generated tokens only, up to and including EOS), so the rest of the step — teacher forward, the
memory-lean loss, kept-token normalisation — runs on it unchanged.

Sampling is reproducible without any state to checkpoint: the coin that picks on-policy batches and
the sampling generator are seeded from ``(seed, optimizer step, micro-batch, rank)``, so a resumed
run draws exactly what the uninterrupted one drew, and each data-parallel rank samples its own.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from distill.config.on_policy import OnPolicyConfig
from distill.losses.logit_terms import IGNORE_INDEX


def step_seed(seed: int, step: int, micro_batch: int, rank: int) -> int:
    digest = hashlib.sha256(f"{seed}:{step}:{micro_batch}:{rank}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & (2**63 - 1)


def prompt_lengths(batch: dict[str, torch.Tensor]) -> list[int]:
    """Per row, the tokens before its first kept label (the whole row when none is kept)."""
    kept = batch["labels"] != IGNORE_INDEX
    lengths = batch["attention_mask"].sum(dim=1)
    first = torch.where(kept.any(dim=1), kept.int().argmax(dim=1), lengths)
    return [int(n) for n in first]


@dataclass
class SampledBatch:
    batch: dict[str, torch.Tensor]
    generated_tokens: int  # kept (generated) tokens over the batch


class OnPolicySampler:
    def __init__(
        self, config: OnPolicyConfig, pad_token_id: int, eos_token_id: int | None, max_length: int, seed: int
    ) -> None:
        self.config = config
        self.pad_token_id = pad_token_id
        self.eos_token_id = eos_token_id
        self.max_length = max_length
        self.seed = seed

    def use_on_policy(self, step: int, micro_batch: int, rank: int = 0) -> bool:
        """The lmbda coin of one micro-batch (the same on a resumed run)."""
        if not self.config.enabled:
            return False
        return random.Random(step_seed(self.seed, step, micro_batch, rank)).random() < self.config.lmbda

    @torch.no_grad()
    def sample(
        self, model: nn.Module, batch: dict[str, torch.Tensor], step: int, micro_batch: int, rank: int = 0
    ) -> SampledBatch:
        """The batch with its responses replaced by ones ``model`` samples for its prompts."""
        device = next(model.parameters()).device
        prompts = [
            batch["input_ids"][row, :length].tolist() for row, length in enumerate(prompt_lengths(batch))
        ]
        width = max(len(p) for p in prompts)
        ids = torch.full((len(prompts), width), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, prompt in enumerate(prompts):  # left-padded for generation
            ids[row, width - len(prompt) :] = torch.tensor(prompt)
            mask[row, width - len(prompt) :] = 1
        budget = max(0, min(self.config.max_new_tokens, self.max_length - width))
        was_training = model.training
        model.eval()
        devices = [device] if device.type == "cuda" else []
        try:
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(step_seed(self.seed, step, micro_batch, rank))
                output = (
                    model.generate(
                        input_ids=ids.to(device),
                        attention_mask=mask.to(device),
                        do_sample=True,
                        temperature=self.config.temperature,
                        top_p=self.config.top_p,
                        top_k=0,
                        max_new_tokens=budget,
                        pad_token_id=self.pad_token_id,
                        eos_token_id=self.eos_token_id,
                        use_cache=True,
                    )
                    if budget
                    else ids.to(device)
                )
        finally:
            model.train(was_training)
        rows = [(prompt, self._response(output[row, width:].tolist())) for row, prompt in enumerate(prompts)]
        return SampledBatch(self._collate(rows, batch), sum(len(r) for _, r in rows))

    def _response(self, generated: list[int]) -> list[int]:
        """The generated tokens up to and including the first EOS (what follows is padding)."""
        if self.eos_token_id is not None and self.eos_token_id in generated:
            return generated[: generated.index(self.eos_token_id) + 1]
        return generated

    def _collate(
        self, rows: list[tuple[list[int], list[int]]], batch: dict[str, Any]
    ) -> dict[str, torch.Tensor]:
        width = max(len(p) + len(r) for p, r in rows)
        ids = torch.full((len(rows), width), self.pad_token_id, dtype=torch.long)
        labels = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for row, (prompt, response) in enumerate(rows):
            sequence = prompt + response
            ids[row, : len(sequence)] = torch.tensor(sequence)
            labels[row, len(prompt) : len(sequence)] = torch.tensor(response, dtype=torch.long)
            mask[row, : len(sequence)] = 1
        device = batch["input_ids"].device
        return {"input_ids": ids.to(device), "labels": labels.to(device), "attention_mask": mask.to(device)}
