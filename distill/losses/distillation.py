"""The multi-term distillation loss.

Semantics (the same everywhere in the framework):

- Logits at position i predict the label at i + 1 (Hugging Face's causal shift); label -100 is
  ignored. Every term is averaged over the *kept* tokens; pass ``num_items`` (the kept-token count
  of the whole optimizer step) to normalise across gradient accumulation and devices.
- Task term: cross-entropy of the untempered student logits.
- KD term: ``divergence`` (default forward KL(teacher_T || student_T)) between the distributions
  softened by the temperature T, times T^2 when ``t2_scaling`` (Hinton's recipe, which the default
  T = 4 with weight 0.7 assumes). Arithmetic in float32 whatever the input dtype. When the teacher
  has a different vocabulary size (same tokenizer), the shared ids are compared, renormalised.
- Total = distillation_weight * KD + task_weight * CE (+ attention_weight * AT + feature_weight * FM).
  Without teacher logits the total is the task cross-entropy alone, with weight 1.
- With ``use_progressive_distillation`` the KD weight moves from ``progressive_start_weight`` to
  ``distillation_weight`` along ``progressive_schedule`` (``set_epoch`` or ``set_progress``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from distill.config.schemas import LossConfig
from distill.losses.divergences import token_divergence
from distill.losses.intermediate import (
    FeatureMatcher,
    attention_transfer_loss,
    check_layer_map,
    uniform_layer_map,
)
from distill.losses.schedules import schedule_value

IGNORE_INDEX = -100


class AdvancedDistillationLoss(nn.Module):
    """Task cross-entropy, logit KD, attention transfer and feature matching, as configured.

    ``student_layers``/``teacher_layers`` (and the hidden widths, for feature matching) describe the
    two models when intermediate terms are on; feature-matching projections are parameters of this
    module, so they must be handed to the optimizer with the student's trainable weights.
    """

    def __init__(
        self,
        config: LossConfig,
        vocab_size: int,
        student_layers: int | None = None,
        teacher_layers: int | None = None,
        student_hidden_size: int | None = None,
        teacher_hidden_size: int | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.vocab_size = vocab_size
        self.progress = 1.0
        self.attention_layer_map: dict[int, int] = {}
        self.feature_matcher: FeatureMatcher | None = None
        needs_layers = config.use_attention_transfer or config.use_feature_matching
        if needs_layers and (student_layers is None or teacher_layers is None):
            raise ValueError("attention transfer and feature matching need student_layers and teacher_layers")
        if config.use_attention_transfer:
            self.attention_layer_map = self._layer_map(
                config.attention_layer_map, student_layers, teacher_layers, "loss.attention_layer_map"
            )
        if config.use_feature_matching:
            if student_hidden_size is None or teacher_hidden_size is None:
                raise ValueError("feature matching needs student_hidden_size and teacher_hidden_size")
            layer_map = self._layer_map(
                config.feature_layer_map, student_layers, teacher_layers, "loss.feature_layer_map"
            )
            self.feature_matcher = FeatureMatcher(layer_map, student_hidden_size, teacher_hidden_size)

    @staticmethod
    def _layer_map(
        configured: dict[int, int], student_layers: int, teacher_layers: int, key: str
    ) -> dict[int, int]:
        layer_map = {int(s): int(t) for s, t in configured.items()} or uniform_layer_map(
            student_layers, teacher_layers
        )
        check_layer_map(layer_map, student_layers, teacher_layers, key)
        return layer_map

    # ------------------------------------------------------------------------------ schedule
    def set_epoch(self, current_epoch: int, total_epochs: int) -> None:
        """Progressive schedule by epoch: the first epoch at the start value, the last at the end."""
        self.set_progress(current_epoch / (total_epochs - 1) if total_epochs > 1 else 1.0)

    def set_progress(self, progress: float) -> None:
        """Progressive schedule by fraction of training done, in [0, 1]."""
        self.progress = min(max(float(progress), 0.0), 1.0)

    @property
    def kd_weight(self) -> float:
        config = self.config
        if not config.use_progressive_distillation:
            return config.distillation_weight
        return schedule_value(
            config.progressive_schedule,
            self.progress,
            config.progressive_start_weight,
            config.distillation_weight,
        )

    # ------------------------------------------------------------------------------ terms
    def forward(
        self,
        student_logits: torch.Tensor,
        teacher_logits: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        input_ids: torch.Tensor | None = None,
        student_attentions: Sequence[torch.Tensor] | None = None,
        teacher_attentions: Sequence[torch.Tensor] | None = None,
        student_hidden_states: Sequence[torch.Tensor] | None = None,
        teacher_hidden_states: Sequence[torch.Tensor] | None = None,
        attention_mask: torch.Tensor | None = None,
        num_items: int | torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Return ``(total_loss, components)``; components are detached, for logging."""
        if student_logits.size(-1) != self.vocab_size:
            raise ValueError(
                f"student logits have {student_logits.size(-1)} entries per token, the loss was built for "
                f"vocab_size={self.vocab_size}"
            )
        if labels is None:
            if input_ids is None:
                raise ValueError("pass labels (or input_ids, to train on every token)")
            labels = input_ids
        if attention_mask is None:
            attention_mask = torch.ones_like(labels)
        kept = labels[:, 1:] != IGNORE_INDEX
        count = kept.sum() if num_items is None else torch.as_tensor(num_items, device=labels.device)
        count = count.clamp(min=1).float()
        student = student_logits[:, :-1][kept].float()
        targets = labels[:, 1:][kept]

        task_ce = F.cross_entropy(student, targets, reduction="sum") / count
        components = {"task_ce": task_ce}
        if teacher_logits is None:
            total = task_ce
            task_weight, kd_weight = 1.0, 0.0
        else:
            kd = self._kd(student, teacher_logits[:, :-1][kept], count)
            components["kd"] = kd
            task_weight, kd_weight = self.config.task_weight, self.kd_weight
            total = task_weight * task_ce + kd_weight * kd
            total = total + self._intermediate_terms(
                components, student_attentions, teacher_attentions, student_hidden_states, teacher_hidden_states,
                attention_mask,
            )  # fmt: skip
        components["total"] = total
        logged = {name: value.detach() for name, value in components.items()}
        logged["task_weight"] = torch.tensor(task_weight)
        logged["kd_weight"] = torch.tensor(kd_weight)
        return total, logged

    def _kd(self, student: torch.Tensor, teacher: torch.Tensor, count: torch.Tensor) -> torch.Tensor:
        shared = min(student.size(-1), teacher.size(-1))
        temperature = self.config.temperature
        student_logp = F.log_softmax(student[:, :shared] / temperature, dim=-1)
        teacher_logp = F.log_softmax(teacher[:, :shared].float() / temperature, dim=-1)
        kd = token_divergence(student_logp, teacher_logp, self.config.divergence).sum() / count
        return kd * temperature**2 if self.config.t2_scaling else kd

    def _intermediate_terms(
        self,
        components: dict[str, torch.Tensor],
        student_attentions: Sequence[torch.Tensor] | None,
        teacher_attentions: Sequence[torch.Tensor] | None,
        student_hidden_states: Sequence[torch.Tensor] | None,
        teacher_hidden_states: Sequence[torch.Tensor] | None,
        attention_mask: torch.Tensor,
    ) -> torch.Tensor | float:
        extra: torch.Tensor | float = 0.0
        if self.attention_layer_map:
            if not student_attentions or not teacher_attentions:
                raise ValueError(
                    "attention transfer needs the attention maps of both models: load them with "
                    "attn_implementation='eager' and call them with output_attentions=True"
                )
            attention = attention_transfer_loss(
                student_attentions, teacher_attentions, self.attention_layer_map, attention_mask
            )
            components["attention"] = attention
            extra = extra + self.config.attention_weight * attention
        if self.feature_matcher is not None:
            if not student_hidden_states or not teacher_hidden_states:
                raise ValueError(
                    "feature matching needs both models' hidden states (output_hidden_states=True)"
                )
            feature = self.feature_matcher(student_hidden_states, teacher_hidden_states, attention_mask)
            components["feature"] = feature
            extra = extra + self.config.feature_weight * feature
        return extra
