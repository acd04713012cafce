"""The multi-term distillation loss.

Semantics (the same everywhere in the framework; docs/loss.md has the long form):

- Logits at position i predict the label at i + 1 (Hugging Face's causal shift); label -100 is
  ignored. Position i is *kept* when ``labels[i + 1] != -100``. Every term is a sum over the kept
  positions divided by the batch's kept-token count (a token mean). Across micro-batches (gradient
  accumulation) and devices the framework normalises in one place, with its derivation:
  ``DistillationModule.on_before_optimizer_step``. A batch with no kept token gives 0 and a zero
  gradient.
- Task term: cross-entropy of the untempered student logits.
- KD term: ``divergence`` between the temperature-softened distributions, argument order (student,
  teacher): ``forward_kl`` = KL(teacher_T || student_T) (the default), ``reverse_kl``, ``jsd`` (``beta``;
  its end points are the two KLs exactly), ``skew_forward`` / ``skew_reverse`` (``alpha``), ``tvd``
  (definitions in :mod:`distill.losses.divergences`), times T^2 when ``t2_scaling`` (default: Hinton's
  recipe, which the default T = 4 with weight 0.7 assumes). Softmax arithmetic in float32 whatever the
  input dtype; ``-inf`` teacher logits give no NaN.
- Vocabulary: ``vocab_size`` is checked against the student's logits. A teacher with another size of
  the same tokenizer (CodeLlama-7b/13b 32,016, CodeLlama-34b 32,000) is compared over the shared ids,
  both sides renormalised there (never zero-padded: a zero logit is real probability).
- Teacher forms (:mod:`distill.losses.sources`): logits, :class:`ProjectedLogits` (hidden states and
  the ``lm_head`` weight) or a cached :class:`TopKLogProbs`; ``teacher_top_k`` reduces a dense teacher
  to its top-k. The student's logits may also be :class:`ProjectedLogits`: then the task and KD terms
  take the memory-lean path (:mod:`distill.losses.chunked`), equal in value and gradient to the full one.
- Total = task_weight * CE + kd_weight * KD + attention_weight * AT + feature_weight * FM. Without
  teacher logits the total is the task cross-entropy alone, with weight 1.
- Attention transfer (:mod:`distill.losses.attention`) and feature matching
  (:mod:`distill.losses.features`) over student -> teacher layer maps (uniform when empty).
- With ``use_progressive_distillation`` the KD weight moves from ``progressive_start_weight`` to
  ``distillation_weight`` (and, when ``progressive_start_temperature`` is set, the temperature from it
  to ``temperature``) along ``progressive_schedule`` (:mod:`distill.losses.schedules`), driven by
  :meth:`set_epoch` or by the finer :meth:`set_progress`.
- The components dict holds every term (detached) and the effective weights and temperature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import nn

from distill.config.schemas import LossConfig
from distill.losses.attention import attention_transfer_loss
from distill.losses.chunked import chunked_logit_terms
from distill.losses.features import FeatureMatcher
from distill.losses.heads import Float32Heads
from distill.losses.layer_maps import resolve_layer_map
from distill.losses.logit_terms import KeptTokens, LogitTerms, TeacherRows
from distill.losses.schedules import fraction_done, schedule_value
from distill.losses.sources import ProjectedLogits, TopKLogProbs

Attentions = Sequence[torch.Tensor] | Mapping[int, torch.Tensor]


class AdvancedDistillationLoss(nn.Module):
    """Task cross-entropy, logit KD, attention transfer and feature matching, as configured.

    ``student_layers``/``teacher_layers`` (and the hidden widths, for feature matching) describe the
    two models when intermediate terms are on; layer maps are checked against them here, before any
    training. Feature-matching projections are parameters of this module: hand them to the optimizer
    with the student's trainable weights (``DistillationModule`` does).
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
        # float32 copies of frozen half-precision heads (teacher, frozen student), made once and reused
        self.float32_heads = Float32Heads()
        self.attention_layer_map: dict[int, int] = {}
        self.feature_matcher: FeatureMatcher | None = None
        needs_layers = config.use_attention_transfer or config.use_feature_matching
        if needs_layers and (student_layers is None or teacher_layers is None):
            raise ValueError("attention transfer and feature matching need student_layers and teacher_layers")
        if config.use_attention_transfer:
            self.attention_layer_map = resolve_layer_map(
                config.attention_layer_map, student_layers, teacher_layers, "loss.attention_layer_map"
            )
        if config.use_feature_matching:
            if student_hidden_size is None or teacher_hidden_size is None:
                raise ValueError("feature matching needs student_hidden_size and teacher_hidden_size")
            layer_map = resolve_layer_map(
                config.feature_layer_map, student_layers, teacher_layers, "loss.feature_layer_map"
            )
            self.feature_matcher = FeatureMatcher(
                layer_map, student_hidden_size, teacher_hidden_size, config.feature_loss
            )

    # ------------------------------------------------------------------------------ schedule
    def set_epoch(self, current_epoch: int, total_epochs: int) -> None:
        """Progressive schedule by epoch: the first epoch at the start value, the last at the end."""
        self.set_progress(fraction_done(current_epoch, total_epochs))

    def set_progress(self, progress: float) -> None:
        """Progressive schedule by fraction of training done, in [0, 1] (e.g. per optimizer step)."""
        self.progress = min(max(float(progress), 0.0), 1.0)

    def _scheduled(self, start: float | None, end: float) -> float:
        config = self.config
        if not config.use_progressive_distillation or start is None:
            return end
        return schedule_value(
            config.progressive_schedule, self.progress, start, end, config.progressive_step_count
        )

    @property
    def kd_weight(self) -> float:
        return self._scheduled(self.config.progressive_start_weight, self.config.distillation_weight)

    @property
    def temperature(self) -> float:
        return self._scheduled(self.config.progressive_start_temperature, self.config.temperature)

    # ------------------------------------------------------------------------------ terms
    def forward(
        self,
        student_logits: torch.Tensor | ProjectedLogits,
        teacher_logits: torch.Tensor | ProjectedLogits | TopKLogProbs | None = None,
        labels: torch.Tensor | None = None,
        input_ids: torch.Tensor | None = None,
        student_attentions: Attentions | None = None,
        teacher_attentions: Attentions | None = None,
        student_hidden_states: Sequence[torch.Tensor | None] | None = None,
        teacher_hidden_states: Sequence[torch.Tensor | None] | None = None,
        attention_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Return ``(total_loss, components)``; components are detached, for logging.

        Attention maps may be given as the models return them (a sequence indexed by layer) or as a
        mapping holding only the mapped layers (what ``DistillationModule`` captures).
        """
        student_vocab = (
            student_logits.vocab_size
            if isinstance(student_logits, ProjectedLogits)
            else student_logits.size(-1)
        )
        if student_vocab != self.vocab_size:
            raise ValueError(
                f"student logits have {student_vocab} entries per token, the loss was built for "
                f"vocab_size={self.vocab_size}"
            )
        if labels is None:
            if input_ids is None:
                raise ValueError("pass labels (or input_ids, to train on every token)")
            labels = input_ids
        kept = KeptTokens.from_labels(labels)
        count = torch.tensor(float(max(1, len(kept))), device=labels.device)
        config = self.config
        temperature = self.temperature
        if teacher_logits is None:
            task_weight, kd_weight, teacher = 1.0, 0.0, None
        else:
            task_weight, kd_weight = config.task_weight, self.kd_weight
            teacher = TeacherRows(teacher_logits, kept, config.teacher_top_k, temperature, self.float32_heads)
        terms = LogitTerms(
            temperature,
            config.divergence,
            config.beta,
            config.alpha,
            config.t2_scaling,
            config.topk_missing_mass,
        )
        if isinstance(student_logits, ProjectedLogits):
            total, task_ce, kd = chunked_logit_terms(
                student_logits,
                kept,
                teacher,
                terms,
                task_weight,
                kd_weight,
                count,
                config.chunk_size,
                self.float32_heads,
            )
        else:
            with torch.autocast(student_logits.device.type, enabled=False):
                rows = student_logits.flatten(0, 1)[kept.index].float()
                ce_sum, kd_sum = terms.sums(
                    rows, kept.targets, teacher.rows(0, len(kept)) if teacher else None
                )
            task_ce = ce_sum / count
            kd = kd_sum / count if kd_sum is not None else None
            total = task_weight * task_ce + (kd_weight * kd if kd is not None else 0.0)
        components = {"task_ce": task_ce}
        weights = {"task_weight": task_weight, "kd_weight": kd_weight, "temperature": temperature}
        if kd is not None:
            components["kd"] = kd
            if self.attention_layer_map:
                if not student_attentions or not teacher_attentions:
                    raise ValueError(
                        "loss.use_attention_transfer: the attention maps of both models are needed (load "
                        "them with attn_implementation='eager'; DistillationModule captures the mapped layers)"
                    )
                components["attention"] = attention_transfer_loss(
                    _by_layer(student_attentions),
                    _by_layer(teacher_attentions),
                    self.attention_layer_map,
                    kept,
                    attention_mask if attention_mask is not None else torch.ones_like(labels),
                    count,
                    config.attention_loss,
                    config.attention_heads,
                )
                weights["attention_weight"] = config.attention_weight
                total = total + config.attention_weight * components["attention"]
            if self.feature_matcher is not None:
                if not student_hidden_states or not teacher_hidden_states:
                    raise ValueError(
                        "loss.use_feature_matching: both models' hidden states are needed (output_hidden_states)"
                    )
                components["feature"] = self.feature_matcher(
                    student_hidden_states, teacher_hidden_states, kept, count
                )
                weights["feature_weight"] = config.feature_weight
                total = total + config.feature_weight * components["feature"]
        components["total"] = total
        logged = {name: value.detach() for name, value in components.items()}
        logged |= {name: torch.tensor(float(value)) for name, value in weights.items()}
        return total, logged


def _by_layer(attentions: Attentions) -> Mapping[int, torch.Tensor]:
    return attentions if isinstance(attentions, Mapping) else dict(enumerate(attentions))
