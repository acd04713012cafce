"""The LightningModule that trains a student under the distillation loss."""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterable
from typing import Any

import lightning as L
import numpy as np
import torch
from torch import nn

from distill.data.packing import POSITION_IDS_KEY, SEGMENT_IDS_KEY, packed_model_inputs
from distill.losses.capture import captured_attentions, linear_head
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.logit_terms import IGNORE_INDEX
from distill.losses.schedules import fraction_done
from distill.losses.sources import ProjectedLogits, TopKLogProbs
from distill.models.unpickled import restore_output_recording
from distill.training.errors import NonFiniteLossError
from distill.training.on_policy import OnPolicySampler

log = logging.getLogger(__name__)

CHECKPOINT_STATE_KEY = "distill"
MODEL_INPUT_KEYS = ("input_ids", "attention_mask", POSITION_IDS_KEY, SEGMENT_IDS_KEY)


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

    Checkpoints hold only what trains (adapter weights, loss projections) plus optimizer state, the
    random number generators' states and the count of skipped batches, so they stay small for a 7B
    student and a resumed run continues exactly; the frozen base and the teacher are reloaded from their
    sources. The teacher is not a submodule: Lightning neither moves, converts, wraps nor saves it; it
    runs on ``teacher_device`` (default: the student's device), its outputs are brought to the student.
    """

    def __init__(
        self,
        student: nn.Module,
        loss_fn: AdvancedDistillationLoss,
        teacher: nn.Module | None = None,
        learning_rate: float = 2e-4,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.1,
        on_nonfinite_loss: str = "error",
        progressive_by: str = "step",
        teacher_device: str | None = None,
        on_policy: OnPolicySampler | None = None,
    ) -> None:
        super().__init__()
        self.student = student
        self.loss_fn = loss_fn
        object.__setattr__(self, "_teacher", teacher)  # kept out of the module tree (see the class doc)
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        if on_nonfinite_loss not in ("error", "skip"):
            raise ValueError(
                f"distillation.on_nonfinite_loss: {on_nonfinite_loss!r} is not one of ['error', 'skip']"
            )
        if progressive_by not in ("step", "epoch"):
            raise ValueError(
                f"distillation.progressive_by: {progressive_by!r} is not one of ['step', 'epoch']"
            )
        self.on_nonfinite_loss = on_nonfinite_loss
        self.progressive_by = progressive_by
        self.teacher_device = torch.device(teacher_device) if teacher_device else None
        if on_policy is not None and on_policy.config.enabled and teacher is None:
            raise ValueError(
                "distillation.on_policy.lmbda: on-policy batches need a live teacher (teacher=hf or tiny)"
            )
        self.on_policy = on_policy
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
        self._teacher_head: tuple[torch.Tensor, torch.Tensor | None] | None = None  # on the student's device
        self.skipped_batches = 0  # training batches skipped for a non-finite loss
        self._total_steps = 1  # optimizer steps of the whole fit (set when training starts)
        self.strict_loading = False  # checkpoints carry the trainable weights only

    @property
    def teacher(self) -> nn.Module | None:
        return self._teacher

    def train(self, mode: bool = True) -> DistillationModule:
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()  # the teacher never trains (no dropout either)
        return self

    # ------------------------------------------------------------------------------ the teacher's device
    def _teacher_on(self) -> torch.device:
        return next(self.teacher.parameters()).device

    def place_teacher(self) -> None:
        """Put the teacher on ``teacher_device``, or on the student's device when none was given."""
        if self.teacher is None:
            return
        target = self.teacher_device or self.device
        if self._teacher_on() != target:
            self.teacher.to(target)
        self._teacher_head = None

    def on_fit_start(self) -> None:
        restore_output_recording(self)  # in a spawned process the models arrive unpickled
        self.place_teacher()

    def on_validation_start(self) -> None:
        self.place_teacher()

    def _head_for_student(self, model: nn.Module) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The teacher's (frozen) output layer, copied once to the student's device, in float32 (the
        lean path projects in float32: one copy instead of a half-precision one plus its float32 cast)."""
        if self._teacher_head is None or self._teacher_head[0].device != self.device:
            weight, bias = linear_head(model)
            self._teacher_head = (
                weight.detach().to(self.device, torch.float32),
                bias.detach().to(self.device, torch.float32) if bias is not None else None,
            )
        return self._teacher_head

    # ------------------------------------------------------------------------------ forward and loss
    def _run(
        self,
        model: nn.Module,
        batch: dict[str, torch.Tensor],
        attention_layers: Iterable[int],
        hidden_layers: Iterable[int],
        packed: dict[tuple[torch.device, str | None], dict[str, Any]] | None = None,
    ) -> tuple[torch.Tensor | ProjectedLogits, dict[int, torch.Tensor], Any]:
        """One model's logits (with ``loss.memory_lean``: its final hidden states and ``lm_head``
        weight, so that the full logits are never computed), the attention maps of
        ``attention_layers`` and the hidden states of ``hidden_layers`` (the others are None), all on
        the student's device. A packed batch gets per-example positions and a block-diagonal mask,
        built once per device and attention implementation in ``packed`` (shared by both models)."""
        device = next(model.parameters()).device
        inputs = {key: batch[key].to(device) for key in MODEL_INPUT_KEYS if key in batch}
        kwargs: dict[str, Any] = {
            "input_ids": inputs["input_ids"],
            "attention_mask": inputs["attention_mask"],
        }
        if POSITION_IDS_KEY in inputs:
            implementation = getattr(model.config, "_attn_implementation", None)
            packed = {} if packed is None else packed
            if (device, implementation) not in packed:
                packed[device, implementation] = packed_model_inputs(inputs, implementation)
            kwargs |= packed[device, implementation]
        hidden_layers = sorted(i + 1 for i in hidden_layers)  # index 0 is the embeddings
        if hidden_layers:
            kwargs["output_hidden_states"] = hidden_layers
        moved = device != self.device
        with captured_attentions(model, attention_layers) as attentions:
            if self.loss_fn.config.memory_lean:
                outputs = model.get_decoder()(**kwargs)
                head = self._head_for_student(model) if moved else linear_head(model)
                logits = ProjectedLogits(outputs.last_hidden_state.to(self.device), *head)
            else:
                outputs = model(**kwargs)
                logits = outputs.logits.to(self.device)
        states = outputs.hidden_states if hidden_layers else None
        if moved:
            attentions = {layer: maps.to(self.device) for layer, maps in attentions.items()}
            states = [s.to(self.device) if s is not None else None for s in states] if states else states
        return logits, attentions, states

    def compute_loss(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The loss of one batch: student forward, frozen-teacher forward (or the cached teacher the
        batch carries), each asked only for what the loss needs."""
        attention_map = self.loss_fn.attention_layer_map if self.teacher is not None else {}
        feature_map = self.feature_layer_map
        packed: dict[tuple[torch.device, str | None], dict[str, Any]] = {}  # one mask for both models
        student_logits, student_attentions, student_states = self._run(
            self.student, batch, attention_map.keys(), feature_map.keys(), packed
        )
        teacher_logits = TopKLogProbs.from_batch(batch)
        teacher_attentions = teacher_states = None
        if self.teacher is not None:
            with torch.no_grad():
                logits, teacher_attentions, teacher_states = self._run(
                    self.teacher, batch, attention_map.values(), feature_map.values(), packed
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

    def _log_components(self, components: dict[str, torch.Tensor], stage: str, batch_size: int) -> None:
        """Every term; validation values are averaged over all devices (training ones are rank 0's,
        which spares a collective per term and step)."""
        for name, value in components.items():
            self.log(
                f"{stage}/{name}",
                value,
                on_step=stage == "train",
                on_epoch=True,
                prog_bar=name == "total",
                batch_size=batch_size,
                sync_dist=stage == "val",
            )

    # ------------------------------------------------------------------------------ training
    def training_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        """Returns the loss *summed* over the batch's kept tokens and counts them: the normalisation by
        the kept tokens of the whole optimizer step is :meth:`on_before_optimizer_step`'s.

        A non-finite loss raises :class:`NonFiniteLossError` naming the step and the terms, or (with
        ``on_nonfinite_loss="skip"``) the batch contributes nothing: a zero loss that still reaches every
        trainable parameter (so that data-parallel ranks stay in step) and no kept tokens."""
        batch, sampled = self._maybe_on_policy(batch, batch_idx)
        total, components = self.compute_loss(batch)
        if not torch.isfinite(total):
            return self._nonfinite(components, batch_idx)
        kept = int((batch["labels"][:, 1:] != IGNORE_INDEX).sum())  # as KeptTokens counts them
        self._step_kept_tokens += kept
        rows = batch["input_ids"].size(0)
        self._log_components(components, "train", rows)
        if sampled and "kd" in components:  # the per-token divergence on the sampled responses
            self.log("train/on_policy_kd", components["kd"], on_step=True, on_epoch=True, batch_size=rows)
        return total * kept

    def _maybe_on_policy(
        self, batch: dict[str, torch.Tensor], batch_idx: int
    ) -> tuple[dict[str, torch.Tensor], bool]:
        """With probability ``on_policy.lmbda``, the batch with its responses sampled by the student
        (``seq_kd``: by the teacher), and whether it was; logged: the on-policy fraction and the mean
        generated length."""
        if self.on_policy is None or not self.on_policy.config.enabled:
            return batch, False
        rank = self.global_rank
        chosen = self.on_policy.use_on_policy(self.global_step, batch_idx, rank)
        self.log("train/on_policy_fraction", float(chosen), on_step=False, on_epoch=True, batch_size=1)
        if not chosen:
            return batch, False
        model = self.teacher if self.on_policy.config.seq_kd else self.student
        sampled = self.on_policy.sample(model, batch, self.global_step, batch_idx, rank)
        rows = sampled.batch["input_ids"].size(0)
        self.log(
            "train/generated_tokens",
            sampled.generated_tokens / rows,
            on_step=True,
            on_epoch=True,
            batch_size=rows,
        )
        return sampled.batch, True

    def _nonfinite(self, components: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        terms = {name: value.item() for name, value in components.items() if not torch.isfinite(value)}
        named = {name: value for name, value in terms.items() if name != "total"} or terms
        where = f"step {self.global_step} (epoch {self.current_epoch}, batch {batch_idx})"
        description = ", ".join(f"{name}={value}" for name, value in named.items())
        if self.on_nonfinite_loss == "error":
            raise NonFiniteLossError(
                f"non-finite loss at {where}: {description}; set distillation.on_nonfinite_loss=skip to "
                "skip such batches"
            )
        self.skipped_batches += 1
        log.warning("skipping the batch at %s: non-finite loss (%s)", where, description)
        self.log("train/skipped_batches", float(self.skipped_batches), on_step=True, on_epoch=False)
        return torch.stack([p.sum() for p in self.trainable_parameters()]).sum() * 0.0

    def on_before_optimizer_step(self, optimizer: torch.optim.Optimizer) -> None:
        """The framework's one normalisation of kept-token averaging across micro-batches (gradient
        accumulation) and devices: the gradient the optimizer gets is that of the token mean of one
        batch as large as the whole step.

        Micro-batch ``i`` of rank ``r`` keeps ``n_ri`` tokens, its loss summed over them is ``S_ri``
        (the loss returns the token mean ``S_ri / n_ri``; :meth:`training_step` returns ``S_ri``).
        With ``A`` micro-batches per step and ``W`` ranks, the wanted gradient is

            g* = grad(sum_ri S_ri) / K,  K = sum_ri n_ri  (all micro-batches of the step, all ranks).

        Lightning backpropagates each returned loss divided by ``A`` and DDP averages over the ranks,
        so the gradients here hold ``g = sum_ri grad(S_ri) / (A * W)``; hence ``g* = g * A * W / K``,
        with ``K`` summed over the ranks by one all-reduce. Per-micro-batch means averaged instead
        (what Lightning alone gives) weigh a token of a short micro-batch more than one of a long one.

        Why here and not in the loss (transformers' ``num_items_in_batch``): the loss would need ``K``
        before the first micro-batch's backward, i.e. every batch of the step loaded ahead of
        Lightning's loop; on-policy batches get their labels only when sampled, and skipped
        (non-finite) batches count no token. This hook runs after the last micro-batch's backward and
        after AMP unscaling, before gradient clipping (so clipping sees the normalised gradient). A
        step without any kept token (e.g. all its batches skipped) drops the gradients, so that the
        optimizer leaves the weights (and its moments) as they are. A strategy that accumulates inside
        its own engine (DeepSpeed) calls this hook on every micro-batch: not covered (warned at start)."""
        trainer = self.trainer
        kept = torch.tensor(float(self._step_kept_tokens), device=self.device)
        kept = trainer.strategy.reduce(kept, reduce_op="sum")
        self._step_kept_tokens = 0
        if kept.item() == 0:
            for parameter in self.trainable_parameters():
                parameter.grad = None
            return
        scale = trainer.accumulate_grad_batches * trainer.world_size / kept
        for parameter in self.trainable_parameters():
            if parameter.grad is not None:
                parameter.grad.mul_(scale)

    def validation_step(self, batch: dict[str, torch.Tensor], batch_idx: int) -> torch.Tensor:
        total, components = self.compute_loss(batch)
        self._log_components(components, "val", batch["input_ids"].size(0))
        return total

    # ------------------------------------------------------------------------------ progressive schedule
    def on_train_epoch_start(self) -> None:
        if self.progressive_by == "epoch":
            self.loss_fn.set_epoch(self.current_epoch, max(1, int(self.trainer.max_epochs or 1)))

    def on_train_start(self) -> None:
        self._total_steps = max(1, int(self.trainer.estimated_stepping_batches))
        if self.trainer.strategy.handles_gradient_accumulation:
            log.warning(
                "trainer.strategy: %s accumulates gradients inside its engine, so the kept-token "
                "normalisation across micro-batches and devices (on_before_optimizer_step) is not applied",
                type(self.trainer.strategy).__name__,
            )

    def on_train_batch_start(self, batch: Any, batch_idx: int) -> None:
        if self.progressive_by == "step":
            self.loss_fn.set_progress(fraction_done(self.global_step, self._total_steps))

    # ------------------------------------------------------------------------------ optimizer
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

    # ------------------------------------------------------------------------------ checkpoints
    def state_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Only trainable tensors: the frozen base model stays out of checkpoints. Names are compared
        without the wrappers FSDP and activation checkpointing insert."""
        full = super().state_dict(*args, **kwargs)
        prefix = kwargs.get("prefix", "")
        trainable = {_unwrapped(prefix + name) for name, p in self.named_parameters() if p.requires_grad}
        return {key: value for key, value in full.items() if _unwrapped(key) in trainable}

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Tensors and plain lists only, which ``torch.load(weights_only=True)`` accepts."""
        kind, keys, position, has_gauss, gauss = np.random.get_state()
        checkpoint[CHECKPOINT_STATE_KEY] = {
            "skipped_batches": self.skipped_batches,
            "rng": {
                "torch": torch.get_rng_state(),
                "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
                "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), position, has_gauss, gauss],
                "python": _as_lists(random.getstate()),
            },
        }

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Restores what the trainer does not: the skip count and the random number generators (dropout
        after a resume then draws what it would have drawn without the interruption)."""
        state = checkpoint.get(CHECKPOINT_STATE_KEY)
        if state is None:
            return
        self.skipped_batches = state["skipped_batches"]
        rng = state["rng"]
        torch.set_rng_state(rng["torch"])
        if rng["cuda"] and torch.cuda.is_available() and len(rng["cuda"]) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(rng["cuda"])
        kind, keys, position, has_gauss, gauss = rng["numpy"]
        np.random.set_state((kind, keys.numpy().astype(np.uint32), position, has_gauss, gauss))
        random.setstate(_as_tuples(rng["python"]))


def _as_lists(value: Any) -> Any:
    return [_as_lists(v) for v in value] if isinstance(value, tuple) else value


def _as_tuples(value: Any) -> Any:
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list) else value


_WRAPPER_PARTS = ("_fsdp_wrapped_module.", "_checkpoint_wrapped_module.", "_orig_mod.")


def _unwrapped(name: str) -> str:
    for part in _WRAPPER_PARTS:
        name = name.replace(part, "")
    return name
