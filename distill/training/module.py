"""The LightningModule that trains a student under the distillation loss."""

from __future__ import annotations

import math
from typing import Any

import lightning as L
import torch
from torch import nn

from distill.losses.distillation import AdvancedDistillationLoss


def warmup_cosine(total_steps: int, warmup_ratio: float):
    """Linear warmup over ``warmup_ratio`` of the steps, then cosine decay to 0."""
    warmup = int(total_steps * warmup_ratio)

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, total_steps - warmup)
        return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))

    return factor


class DistillationModule(L.LightningModule):
    """Student forward, frozen-teacher forward, multi-term loss; each loss term logged separately.

    Checkpoints hold only what trains (adapter weights, loss projections) plus optimizer state, so
    they stay small for a 7B student; the frozen base and teacher are reloaded from their sources.
    """

    def __init__(
        self,
        student: nn.Module,
        loss_fn: AdvancedDistillationLoss,
        teacher: nn.Module | None = None,
        learning_rate: float = 2e-4,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.1,
    ) -> None:
        super().__init__()
        self.student = student
        self.loss_fn = loss_fn
        self.teacher = teacher
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.needs_attentions = teacher is not None and bool(loss_fn.attention_layer_map)
        self.needs_hidden_states = teacher is not None and loss_fn.feature_matcher is not None
        self.strict_loading = False  # checkpoints carry the trainable weights only

    def train(self, mode: bool = True) -> DistillationModule:
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()  # the teacher never trains (no dropout either)
        return self

    def _forward_models(self, batch: dict[str, torch.Tensor]) -> tuple[Any, Any]:
        kwargs = {
            "input_ids": batch["input_ids"],
            "attention_mask": batch["attention_mask"],
            "output_attentions": self.needs_attentions,
            "output_hidden_states": self.needs_hidden_states,
        }
        student_out = self.student(**kwargs)
        teacher_out = None
        if self.teacher is not None:
            with torch.no_grad():
                teacher_out = self.teacher(**kwargs)
        return student_out, teacher_out

    def _step(self, batch: dict[str, torch.Tensor], stage: str) -> torch.Tensor:
        student_out, teacher_out = self._forward_models(batch)
        total, components = self.loss_fn(
            student_logits=student_out.logits,
            teacher_logits=teacher_out.logits if teacher_out is not None else None,
            labels=batch["labels"],
            attention_mask=batch["attention_mask"],
            student_attentions=student_out.attentions if self.needs_attentions else None,
            teacher_attentions=teacher_out.attentions if self.needs_attentions else None,
            student_hidden_states=student_out.hidden_states if self.needs_hidden_states else None,
            teacher_hidden_states=teacher_out.hidden_states if self.needs_hidden_states else None,
        )
        on_step = stage == "train"
        batch_size = batch["input_ids"].size(0)
        for name, value in components.items():
            self.log(
                f"{stage}/{name}",
                value,
                on_step=on_step,
                on_epoch=True,
                prog_bar=name == "total",
                batch_size=batch_size,
            )
        return total

    def training_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        return self._step(batch, "train")

    def validation_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        return self._step(batch, "val")

    def on_train_batch_start(self, batch: Any, batch_idx: int) -> None:
        total = max(1, int(self.trainer.estimated_stepping_batches))
        self.loss_fn.set_progress(self.global_step / total)

    def trainable_parameters(self) -> list[nn.Parameter]:
        return [p for p in self.student.parameters() if p.requires_grad] + list(self.loss_fn.parameters())

    def configure_optimizers(self) -> dict[str, Any]:
        params = self.trainable_parameters()
        groups = [
            {"params": [p for p in params if p.ndim >= 2], "weight_decay": self.weight_decay},
            {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
        ]
        optimizer = torch.optim.AdamW([g for g in groups if g["params"]], lr=self.learning_rate)
        total_steps = max(1, int(self.trainer.estimated_stepping_batches))
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, warmup_cosine(total_steps, self.warmup_ratio)
        )
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

    def state_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Only trainable tensors: the frozen base model and the teacher stay out of checkpoints."""
        full = super().state_dict(*args, **kwargs)
        prefix = kwargs.get("prefix", "")
        trainable = {prefix + name for name, p in self.named_parameters() if p.requires_grad}
        return {key: value for key, value in full.items() if key in trainable}
