"""Is the teacher worth distilling from? Checked before any training compute is spent.

The white-box teacher and the student's starting point (the base with its fresh LoRA adapter, which
changes nothing yet) are scored on the validation split with the same figure, the mean token
cross-entropy of the responses (prompt and padding masked out, each model over its own vocabulary).
A teacher that is no better than the student it is meant to teach cannot make it better by
distillation; the run logs a warning naming both figures, or stops with
``distillation.require_better_teacher=true``. The figures are kept in the run's ``teacher`` info.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader

from distill.config.errors import ConfigError
from distill.data.datamodule import PadCollator
from distill.data.packing import IGNORE_INDEX

log = logging.getLogger(__name__)


class TeacherNotBetterError(ConfigError):
    """``distillation.require_better_teacher`` is set and the teacher is no better than the student."""


@dataclass
class TeacherCheck:
    teacher_ce: float
    student_ce: float
    rows: int
    tokens: int
    seconds: float

    @property
    def passed(self) -> bool:
        return self.teacher_ce < self.student_ce

    def describe(self) -> str:
        verdict = "better than" if self.passed else "NO better than"
        return (
            f"the teacher is {verdict} the student's starting point on the validation split: teacher CE "
            f"{self.teacher_ce:.4f} vs student CE {self.student_ce:.4f} (nats per token, {self.rows} rows, "
            f"{self.tokens} target tokens)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _placeable(model: nn.Module) -> bool:
    """Whether ``model.to(device)`` may be called (a bitsandbytes 4/8-bit model stays where it loaded)."""
    return not (getattr(model, "is_loaded_in_4bit", False) or getattr(model, "is_loaded_in_8bit", False))


@torch.no_grad()
def response_ce(
    model: nn.Module, batches: Iterable[dict[str, torch.Tensor]], device: Any = None
) -> tuple[float, int]:
    """Mean next-token cross-entropy over the labelled tokens of ``batches`` and their number; the model
    is scored in eval mode (no dropout) and its mode restored afterwards."""
    device = torch.device(device) if device is not None else _device_of(model)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    try:
        for batch in batches:
            ids = batch["input_ids"].to(device)
            labels = batch["labels"].to(device)
            logits = model(input_ids=ids, attention_mask=batch["attention_mask"].to(device)).logits
            for row in range(ids.size(0)):  # one row at a time: a 50k-token vocabulary's log-softmax is large
                target = labels[row, 1:]
                keep = target != IGNORE_INDEX
                if keep.any():
                    scores = logits[row, :-1][keep].float()
                    total += float(nn.functional.cross_entropy(scores, target[keep], reduction="sum"))
                    count += int(keep.sum())
    finally:
        model.train(was_training)
    return (total / count if count else math.nan), count


def compare_on_validation(
    student: nn.Module,
    teacher: nn.Module,
    dataset: Any,
    pad_token_id: int,
    batch_size: int,
    max_batches: int | None = None,
    student_device: Any = None,
    teacher_device: Any = None,
) -> TeacherCheck:
    """Both models' response cross-entropy on the first ``max_batches`` batches (None: all) of
    ``dataset`` (unpacked examples, in order)."""
    rows = len(dataset) if max_batches is None else min(len(dataset), max_batches * batch_size)
    subset = [dataset[i] for i in range(rows)]
    loader = DataLoader(subset, batch_size=batch_size, shuffle=False, collate_fn=PadCollator(pad_token_id))
    start = time.perf_counter()
    student_ce, tokens = response_ce(student, loader, student_device)
    teacher_ce, _ = response_ce(teacher, loader, teacher_device)
    return TeacherCheck(teacher_ce, student_ce, rows, tokens, round(time.perf_counter() - start, 2))


def check_teacher(system: Any) -> TeacherCheck | None:
    """The check for a :class:`~distill.training.system.KnowledgeDistillationSystem` whose student,
    data and teacher are set up (called after ``prepare_teacher``): logs the figures and records them
    under ``system.teacher_info["check"]``; a warning, or :class:`TeacherNotBetterError` with
    ``distillation.require_better_teacher``, when the teacher is no better. Skipped (None) without a
    teacher in memory (none, a loss without teacher terms, a top-k cache) or with
    ``distillation.teacher_check_batches=0``."""
    config = system.config
    teacher = system.teacher
    if teacher is None or config.teacher_check_batches == 0:
        if config.require_better_teacher and system.teacher_cache is not None:
            log.warning(
                "distillation.require_better_teacher: a cached top-k teacher is not checked (no teacher in memory)"
            )
        return None
    if system.datamodule is None or system.datamodule.val_dataset is None:
        system.load_dataset()
    dataset = system.datamodule.val_dataset
    if len(dataset) == 0:
        log.warning("teacher check skipped: the validation split is empty")
        return None
    strategy = str(system.trainer_config.strategy)
    if strategy.startswith("fsdp") or strategy.startswith("deepspeed"):
        # the student is sharded only once Lightning sets the strategy up: whole on one device it may not fit
        log.info("teacher check skipped under trainer.strategy=%s (the student is not sharded yet)", strategy)
        return None
    device = torch.device(system.device)
    student = system.model
    if _placeable(student) and _device_of(student) != device:
        student.to(device)  # where Lightning would put it anyway
    teacher_device = torch.device(system.teacher_config.device) if system.teacher_config.device else device
    if _placeable(teacher) and _device_of(teacher) != teacher_device:
        teacher.to(teacher_device)
    result = compare_on_validation(
        student,
        teacher,
        dataset,
        system.tokenizer.pad_token_id,
        config.eval_batch_size,
        config.teacher_check_batches,
        _device_of(student),
        _device_of(teacher),
    )
    system.teacher_info["check"] = result.as_dict()
    message = f"teacher check: {result.describe()}"
    if result.passed:
        log.info("%s (%.1f s)", message, result.seconds)
        return result
    if config.require_better_teacher:
        raise TeacherNotBetterError(
            f"distillation.require_better_teacher: {result.describe()}; distilling from it would not help. "
            "Use a stronger teacher, or set distillation.require_better_teacher=false to train anyway"
        )
    log.warning(
        "%s; distillation from it is unlikely to help (distillation.require_better_teacher=true stops here)",
        message,
    )
    return result
