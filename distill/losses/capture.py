"""What the loss needs from a Hugging Face causal LM, without its full logits: the decoder's final
hidden states, the ``lm_head`` weight, and the attention maps of the mapped layers only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn


def linear_head(model: Any) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The weight and bias of the model's output layer, as the forward pass would use them.

    A PEFT ``modules_to_save`` copy (a trainable head) is resolved to the active copy. Anything but a
    dense linear layer (a LoRA-adapted or 4-bit head) is refused: the memory-lean path projects with
    the weight itself; set ``loss.memory_lean=false`` for such heads.
    """
    head = model.get_output_embeddings()
    if hasattr(head, "modules_to_save"):  # peft.utils.other.ModulesToSaveWrapper
        active = head.active_adapters
        head = (
            head.original_module if head.disable_adapters or not active else head.modules_to_save[active[0]]
        )
    weight = getattr(head, "weight", None)
    if (
        not isinstance(head, nn.Linear)
        or not isinstance(weight, torch.Tensor)
        or not weight.is_floating_point()
        or weight.shape != (head.out_features, head.in_features)
    ):
        raise ValueError(
            f"loss.memory_lean: the output layer of {type(model).__name__} is a {type(head).__name__}, not a "
            "dense nn.Linear (quantised or adapted); keep lm_head dense (bitsandbytes does by default, and "
            "keep it out of lora_target_modules) or set loss.memory_lean=false"
        )
    return weight, head.bias


def decoder_layers(model: Any) -> nn.ModuleList:
    layers = getattr(model.get_decoder(), "layers", None)
    if not isinstance(layers, nn.ModuleList):
        raise ValueError(f"{type(model).__name__}: no decoder.layers to capture attention maps from")
    return layers


@contextmanager
def captured_attentions(model: Any, layers: Iterable[int]) -> Iterator[dict[int, torch.Tensor]]:
    """Within the block, each forward pass fills the returned dict with the attention maps
    ``[B, H, L, L]`` of ``layers`` (forward hooks on their ``self_attn``; no other layer's map is
    collected). The model must run eager attention: SDPA and FlashAttention return no weights."""
    maps: dict[int, torch.Tensor] = {}
    modules = decoder_layers(model)
    implementation = getattr(model.config, "_attn_implementation", None)

    def hook_for(index: int):
        def hook(_module: nn.Module, _inputs: Any, output: Any) -> None:
            weights = output[1] if isinstance(output, tuple) and len(output) > 1 else None
            if weights is None:
                raise ValueError(
                    f"loss.use_attention_transfer: layer {index} of {type(model).__name__} returned no "
                    f"attention weights (attn_implementation={implementation!r}); load the model with "
                    "attn_implementation='eager'"
                )
            maps[index] = weights

        return hook

    handles = [modules[i].self_attn.register_forward_hook(hook_for(i)) for i in layers]
    try:
        yield maps
    finally:
        for handle in handles:
            handle.remove()
