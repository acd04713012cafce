"""Batched Hugging Face generation: left padding, KV cache, stop strings, several samples per prompt."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from distill.evaluation.problem import postprocess


@dataclass(frozen=True)
class DecodingConfig:
    max_new_tokens: int = 512
    do_sample: bool = False
    temperature: float = 1.0
    top_p: float = 1.0
    num_return_sequences: int = 1
    batch_size: int = 8
    max_prompt_tokens: int = 2048
    seed: int = 0


@torch.inference_mode()
def generate_completions(
    model: torch.nn.Module,
    tokenizer,
    prompts: Sequence[str],
    stop_sequences: tuple[str, ...],
    decoding: DecodingConfig,
    on_batch: Callable[[int], None] | None = None,
) -> list[list[str]]:
    """``num_return_sequences`` post-processed completions per prompt, in prompt order.

    Prompts are batched by length (less padding) and truncated from the left to fit the model's
    context together with ``max_new_tokens``.
    """
    torch.manual_seed(decoding.seed)
    tokenizer.padding_side = "left"
    tokenizer.truncation_side = "left"
    context = getattr(model.config, "max_position_embeddings", None) or decoding.max_prompt_tokens
    max_prompt = max(1, min(decoding.max_prompt_tokens, context - decoding.max_new_tokens))
    lengths = [len(tokenizer(p)["input_ids"]) for p in prompts]
    order = sorted(range(len(prompts)), key=lambda i: lengths[i])
    results: list[list[str]] = [[] for _ in prompts]
    sampling = {"temperature": decoding.temperature, "top_p": decoding.top_p} if decoding.do_sample else {}
    device = next(model.parameters()).device
    for begin in range(0, len(order), decoding.batch_size):
        batch = order[begin : begin + decoding.batch_size]
        encoded = tokenizer(
            [prompts[i] for i in batch],
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=max_prompt,
        ).to(device)
        output = model.generate(
            **encoded,
            max_new_tokens=decoding.max_new_tokens,
            do_sample=decoding.do_sample,
            num_return_sequences=decoding.num_return_sequences,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
            stop_strings=list(stop_sequences) or None,
            tokenizer=tokenizer,
            use_cache=True,
            **sampling,
        )
        texts = tokenizer.batch_decode(output[:, encoded["input_ids"].shape[1] :], skip_special_tokens=True)
        for offset, index in enumerate(batch):
            chunk = texts[
                offset * decoding.num_return_sequences : (offset + 1) * decoding.num_return_sequences
            ]
            results[index] = [postprocess(text, stop_sequences) for text in chunk]
        if on_batch is not None:
            on_batch(len(batch))
    return results
