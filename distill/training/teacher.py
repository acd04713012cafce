"""The white-box teacher in memory: none, a pretrained causal LM (``hf``), or a tiny Llama trained
first on the same data (``tiny``), cached by a hash of everything that determines it. (The fourth
kind, ``topk_cache``, keeps no teacher in memory: :mod:`distill.training.topk_cache`.)"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

from transformers import PreTrainedModel, PreTrainedTokenizerBase

from distill.config.schemas import LossConfig, TeacherConfig, TrainerConfig
from distill.data.datamodule import DistillDataModule, split_fingerprint
from distill.losses.distillation import AdvancedDistillationLoss
from distill.models.loading import check_model_source, check_same_tokenizer, load_frozen, load_tokenizer
from distill.models.tiny import build_tiny_llama, fingerprint, is_model_dir, save_model_dir
from distill.training.module import DistillationModule
from distill.training.trainer import build_trainer, logged_metrics

log = logging.getLogger(__name__)

TEACHER_INFO = "teacher_info.json"


def teacher_trainer_config(trainer_config: TrainerConfig) -> TrainerConfig:
    """The student run's hardware settings for the tiny teacher's own training, without its step cap,
    validation cadence and debug knobs (debug=fast_dev_run, overfit): the teacher is cached by its own
    settings, so it must be the teacher every run gets."""
    return dataclasses.replace(
        trainer_config, max_steps=-1, val_check_interval=1.0, fast_dev_run=False, overfit_batches=0.0
    )


def train_tiny_teacher(
    config: TeacherConfig,
    tokenizer: PreTrainedTokenizerBase,
    dataset_path: str,
    max_length: int,
    trainer_config: TrainerConfig,
) -> tuple[PreTrainedModel, dict[str, Any]]:
    """Build a tiny Llama and train all its weights with task cross-entropy on the train split."""
    import lightning as L

    seed = config.pretrain.seed
    L.seed_everything(seed, workers=True, verbose=False)
    model = build_tiny_llama(config.build, tokenizer)
    model.train()
    pretrain = config.pretrain
    loss = AdvancedDistillationLoss(
        LossConfig(distillation_weight=0.0, task_weight=1.0), model.config.vocab_size
    )
    module = DistillationModule(
        model,
        loss,
        learning_rate=pretrain.learning_rate,
        weight_decay=0.0,
        warmup_ratio=min(0.5, pretrain.warmup_steps / max(1, pretrain.max_steps)),
    )
    data = DistillDataModule(dataset_path, tokenizer, max_length, pretrain.batch_size, seed=seed)
    trainer = build_trainer(
        teacher_trainer_config(trainer_config),
        max_epochs=-1,
        max_steps=pretrain.max_steps,
    )
    log.info("training the tiny teacher (%d steps)", pretrain.max_steps)
    trainer.fit(module, datamodule=data)
    metrics = logged_metrics(trainer, "train/")
    trainer.validate(module, datamodule=data, verbose=False)
    metrics |= logged_metrics(trainer, "val/")
    return model.eval(), {"steps": trainer.global_step, **metrics}


def prepare_teacher(
    config: TeacherConfig,
    student_tokenizer: PreTrainedTokenizerBase,
    student_name: str,
    dataset_path: str,
    max_length: int,
    cache_dir: str,
    trainer_config: TrainerConfig,
    attn_implementation: str = "sdpa",
    device: str | None = None,
) -> tuple[PreTrainedModel | None, dict[str, Any]]:
    """The frozen teacher (or None) and a description of it for the run's metrics; a 4-bit teacher
    is loaded onto ``device`` unless ``teacher.device`` says where."""
    if config.kind == "none":
        return None, {"kind": "none"}
    if config.kind == "hf":
        model = load_hf_teacher(
            config,
            student_tokenizer,
            student_name,
            attn_implementation,
            device if config.load_in_4bit else None,
        )
        return model, {"kind": "hf", "path": config.model_name_or_path}
    key = fingerprint(
        config.build,
        config.pretrain,
        Path(student_name) / "tokenizer.json",
        split_fingerprint(dataset_path),
        max_length,
    )
    path = Path(config.model_name_or_path or Path(cache_dir) / "teachers" / f"tiny-{key}")
    if not is_model_dir(path):
        model, info = train_tiny_teacher(config, student_tokenizer, dataset_path, max_length, trainer_config)
        save_model_dir(model, student_tokenizer, path, {TEACHER_INFO: json.dumps(info, indent=2)})
    else:
        log.info("using the cached tiny teacher at %s", path)
    info = json.loads((path / TEACHER_INFO).read_text()) if (path / TEACHER_INFO).is_file() else {}
    model = load_frozen(str(path), "float32", attn_implementation=attn_implementation, device=config.device)
    return model, {"kind": "tiny", "path": str(path), **info}


def load_hf_teacher(
    config: TeacherConfig,
    student_tokenizer: PreTrainedTokenizerBase,
    student_name: str,
    attn_implementation: str = "sdpa",
    device: str | None = None,
) -> PreTrainedModel:
    """``teacher.model_name_or_path`` (local folder or Hub name), frozen, after checking that it shares
    the student's tokenizer; in ``teacher.torch_dtype`` or 4-bit, on ``teacher.device`` (else ``device``;
    else the CPU, and the training module moves it to the student's device)."""
    check_model_source(config.model_name_or_path, "teacher.model_name_or_path")
    teacher_tokenizer = load_tokenizer(config.model_name_or_path)
    check_same_tokenizer(student_tokenizer, teacher_tokenizer, (student_name, config.model_name_or_path))
    return load_frozen(
        config.model_name_or_path,
        config.torch_dtype,
        config.load_in_4bit,
        attn_implementation,
        device=config.device or device,
    )
