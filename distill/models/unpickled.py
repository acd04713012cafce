"""Models that reach a process by pickling (``trainer=ddp_spawn``, a joblib worker) need one fix.

Transformers records which outputs a model class can capture (hidden states, attentions) in a
process-wide registry that ``PreTrainedModel.__init__`` fills. A model unpickled in a fresh process
never ran ``__init__`` there, so it returns no hidden states (and feature matching fails with "both
models' hidden states are needed"). :func:`restore_output_recording` registers them again.
"""

from __future__ import annotations

from torch import nn
from transformers import PreTrainedModel
from transformers.utils.output_capturing import _CAN_RECORD_REGISTRY


def restore_output_recording(model: nn.Module) -> None:
    """Register the capturable outputs of every Hugging Face model inside ``model`` (idempotent)."""
    for module in model.modules():
        if isinstance(module, PreTrainedModel):
            _CAN_RECORD_REGISTRY[module] = module._can_record_outputs
