"""The LightningModule that trains a student under the distillation loss."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import lightning as L
import torch
from torch import nn

from distill.losses.capture import captured_attentions, linear_head
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.logit_terms import KeptTokens
from distill.losses.schedules import fraction_done
from distill.losses.sources import ProjectedLogits, TopKLogProbs


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
        matcher = loss_fn.feature_matcher
        self.feature_layer_map = matcher.layer_map if teacher is not None and matcher is not None else {}
        if teacher is not None and loss_fn.attention_layer_map:
            for role, model in (("student", student), ("teacher", teacher)):
                implementation = getattr(model.config, "_attn_implementation", None)
                if implementation != "eager":
                    raise ValueError(
                        f"loss.use_attention_transfer: the {role} runs with attn_implementation="
                        f"{implementation!r}, which returns no attention maps; load it with 'eager'"
                    )
        self._step_kept_tokens = 0  # kept tokens of the optimizer step being accumulated
        self.strict_loading = False  # checkpoints carry the trainable weights only

    def train(self, mode: bool = True) -> DistillationModule:
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()  # the teacher never trains (no dropout either)
        return self

    def _run(
        self,
        model: nn.Module,
        batch: dict[str, torch.Tensor],
        attention_layers: Iterable[int],
        hidden_layers: Iterable[int],
    ) -> tuple[torch.Tensor | ProjectedLogits, dict[int, torch.Tensor], Any]:
        """One model's logits (with ``loss.memory_lean``: its final hidden states and ``lm_head``
        weight, so that the full logits are never computed), the attention maps of
        ``attention_layers`` and the hidden states of ``hidden_layers`` (the others are None)."""
        kwargs: dict[str, Any] = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
        hidden_layers = sorted(i + 1 for i in hidden_layers)  # index 0 is the embeddings
        if hidden_layers:
            kwargs["output_hidden_states"] = hidden_layers
        with captured_attentions(model, attention_layers) as attentions:
            if self.loss_fn.config.memory_lean:
                outputs = model.get_decoder()(**kwargs)
                logits = ProjectedLogits(outputs.last_hidden_state, *linear_head(model))
            else:
                outputs = model(**kwargs)
                logits = outputs.logits
        return logits, attentions, outputs.hidden_states if hidden_layers else None

    def compute_loss(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The loss of one batch: student forward, frozen-teacher forward (or the cached teacher the
        batch carries), each asked only for what the loss needs."""
        attention_map = self.loss_fn.attention_layer_map if self.teacher is not None else {}
        feature_map = self.feature_layer_map
        student_logits, student_attentions, student_states = self._run(
            self.student, batch, attention_map.keys(), feature_map.keys()
        )
        teacher_logits = TopKLogProbs.from_batch(batch)
        teacher_attentions = teacher_states = None
        if self.teacher is not None:
            with torch.no_grad():
                logits, teacher_attentions, teacher_states = self._run(
                    self.teacher, batch, attention_map.values(), feature_map.values()
                )
            teacher_logits = teacher_logits if teacher_logits is not None else logits
        return self.loss_fn(
            student_logits=student_logits,
            teacher_logits=teacher_logits,
            labels=batch["labels"],
            attention_mask=batch["attention_mask"],
            student_attentions=student_attentions,
            teacher_attentions=teacher_attentions,
            student_hidden_states=student_states,
            teacher_hidden_states=teacher_states,
        )

    def _step(self, batch: dict[str, torch.Tensor], stage: str) -> torch.Tensor:
        total, components = self.compute_loss(batch)
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
        """Returns the loss *summed* over the kept tokens; :meth:`on_before_optimizer_step` divides
        the accumulated gradient by the kept-token count of the whole optimizer step."""
        kept = int(KeptTokens.from_labels(batch["labels"]).index.numel())
        self._step_kept_tokens += kept
        return self._step(batch, "train") * kept

    def on_before_optimizer_step(self, optimizer: torch.optim.Optimizer) -> None:
        """Gradient-accumulation-correct normalisation: the gradients hold sum_i grad(S_i) / N_acc
        (Lightning divides each micro-batch loss by ``accumulate_grad_batches``), averaged over the
        devices; scale them to sum_i grad(S_i) / (kept tokens of the step on all devices), which is
        the gradient of one batch as large as the whole step. Runs before gradient clipping."""
        trainer = self.trainer
        kept = torch.tensor(float(self._step_kept_tokens), device=self.device)
        kept = trainer.strategy.reduce(kept, reduce_op="sum")
        scale = trainer.accumulate_grad_batches * trainer.world_size / kept.clamp(min=1.0)
        for parameter in self.trainable_parameters():
            if parameter.grad is not None:
                parameter.grad.mul_(scale)
        self._step_kept_tokens = 0

    def validation_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        return self._step(batch, "val")

    def on_train_batch_start(self, batch: Any, batch_idx: int) -> None:
        total = max(1, int(self.trainer.estimated_stepping_batches))
        self.loss_fn.set_progress(fraction_done(self.global_step, total))

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
