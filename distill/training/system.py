"""``KnowledgeDistillationSystem``: student and tokenizer, data, teacher, loss, Lightning fit, adapter."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.pytorch.callbacks import ModelCheckpoint

from distill.config.schemas import DistillationConfig, LossConfig, TeacherConfig, TokenizerSpec, TrainerConfig
from distill.data.datamodule import CodeDataset, DistillDataModule, format_prompt, load_split
from distill.losses.distillation import AdvancedDistillationLoss
from distill.models.loading import load_student, load_tokenizer
from distill.models.tiny import build_tiny_llama, is_model_dir, save_model_dir, train_tokenizer
from distill.training.module import DistillationModule
from distill.training.teacher import prepare_teacher
from distill.training.trainer import build_trainer, logged_metrics

log = logging.getLogger(__name__)

LOSS_MODULES_FILE = "loss_modules.pt"


class KnowledgeDistillationSystem:
    """Trains a LoRA/QLoRA student under the distillation loss, optionally with a white-box teacher.

    Only ``config`` is required (the spec's use); the loss is then built from its temperature and
    weights. The Hydra apps also pass the loss, teacher and trainer configs and a Lightning logger.
    """

    def __init__(
        self,
        config: DistillationConfig,
        loss_config: LossConfig | None = None,
        teacher_config: TeacherConfig | None = None,
        trainer_config: TrainerConfig | None = None,
        logger: Any = False,
        seed: int = 0,
        cache_dir: str = "./.cache/distill",
        ckpt_path: str | None = None,
    ) -> None:
        self.config = config
        self.loss_config = loss_config or LossConfig(
            temperature=config.temperature,
            distillation_weight=config.distillation_weight,
            task_weight=config.task_weight,
        )
        self.teacher_config = teacher_config or TeacherConfig()
        self.trainer_config = trainer_config or TrainerConfig()
        self.logger = logger
        self.seed = seed
        self.cache_dir = cache_dir
        self.ckpt_path = ckpt_path
        self.model: Any = None
        self.tokenizer: Any = None
        self.teacher: Any = None
        self.teacher_info: dict[str, Any] = {}
        self.datamodule: DistillDataModule | None = None

    @property
    def _attention_maps_needed(self) -> bool:
        return self.loss_config.use_attention_transfer and self.teacher_config.kind != "none"

    @property
    def _attn_implementation(self) -> str:
        return "eager" if self._attention_maps_needed else self.config.attn_implementation

    # ------------------------------------------------------------------------------- set-up
    def _build_student_base(self) -> None:
        """Train a tokenizer on the train split and build the small student from its spec."""
        rows = load_split(self.config.dataset_path, "train")
        corpus = (
            format_prompt(r["problem"], r["language"]) + r["solution"] + "\n" + r["tests"] for r in rows
        )
        tokenizer = train_tokenizer(corpus, self.config.tokenizer_build or TokenizerSpec())
        model = build_tiny_llama(self.config.student_build, tokenizer)
        save_model_dir(model, tokenizer, Path(self.config.student_model_name))
        log.info("built the student base at %s (%d tokens)", self.config.student_model_name, len(tokenizer))

    def setup_model_and_tokenizer(self) -> tuple[Any, Any]:
        """Load the student with LoRA/QLoRA and its tokenizer (building a tiny student if configured)."""
        if self.config.student_build is not None and not is_model_dir(self.config.student_model_name):
            self._build_student_base()
        self.tokenizer = load_tokenizer(self.config.student_model_name)
        self.model = load_student(self.config, self._attn_implementation)
        return self.model, self.tokenizer

    def load_dataset(self) -> tuple[CodeDataset, CodeDataset]:
        """The tokenized train and validation splits."""
        if self.tokenizer is None:
            self.setup_model_and_tokenizer()
        self.datamodule = DistillDataModule(
            self.config.dataset_path,
            self.tokenizer,
            self.config.max_length,
            self.config.batch_size,
            self.config.eval_batch_size,
            self.config.num_workers,
            self.seed,
        )
        self.datamodule.setup()
        return self.datamodule.train_dataset, self.datamodule.val_dataset

    @property
    def _loss_uses_teacher(self) -> bool:
        loss = self.loss_config
        return loss.distillation_weight > 0 or loss.use_attention_transfer or loss.use_feature_matching

    def prepare_teacher(self) -> Any:
        """The frozen white-box teacher, or None (also when the loss has no term that uses one)."""
        if self.teacher_config.kind != "none" and not self._loss_uses_teacher:
            log.info("the loss has no teacher term: teacher=%s is not loaded", self.teacher_config.kind)
            self.teacher, self.teacher_info = None, {"kind": "none", "skipped": self.teacher_config.kind}
            return None
        self.teacher, self.teacher_info = prepare_teacher(
            self.teacher_config,
            self.tokenizer,
            self.config.student_model_name,
            self.config.dataset_path,
            self.config.max_length,
            self.cache_dir,
            self.trainer_config,
            self._attn_implementation,
        )
        return self.teacher

    def build_loss(self) -> AdvancedDistillationLoss:
        loss_config = self.loss_config
        if self.teacher is None and (loss_config.use_attention_transfer or loss_config.use_feature_matching):
            log.warning("no white-box teacher: attention transfer and feature matching are off")
            loss_config = dataclasses.replace(
                loss_config, use_attention_transfer=False, use_feature_matching=False
            )
        student = self.model.config
        teacher = self.teacher.config if self.teacher is not None else None
        return AdvancedDistillationLoss(
            loss_config,
            student.vocab_size,
            student_layers=student.num_hidden_layers,
            teacher_layers=teacher.num_hidden_layers if teacher else None,
            student_hidden_size=student.hidden_size,
            teacher_hidden_size=teacher.hidden_size if teacher else None,
        )

    # ------------------------------------------------------------------------------- training
    def run_full_training(self) -> dict[str, Any]:
        """Train, validate, save the adapter; return training results and evaluation metrics."""
        L.seed_everything(self.seed, workers=True, verbose=False)
        self.setup_model_and_tokenizer()
        train_dataset, val_dataset = self.load_dataset()
        self.prepare_teacher()
        loss_fn = self.build_loss()
        module = DistillationModule(
            self.model,
            loss_fn,
            self.teacher,
            learning_rate=self.config.learning_rate,
            weight_decay=self.config.weight_decay,
            warmup_ratio=self.config.warmup_ratio,
        )
        output_dir = Path(self.config.output_dir)
        checkpoint = ModelCheckpoint(dirpath=output_dir.parent / "checkpoints", save_last=True, save_top_k=1)
        trainer = build_trainer(
            self.trainer_config,
            max_epochs=self.config.num_epochs,
            accumulate_grad_batches=self.config.gradient_accumulation_steps,
            gradient_clip_val=self.config.max_grad_norm,
            logger=self.logger,
            callbacks=[checkpoint],
            default_root_dir=str(output_dir.parent),
            enable_checkpointing=True,
        )
        trainer.fit(module, datamodule=self.datamodule, ckpt_path=self.ckpt_path)
        train_metrics = logged_metrics(trainer, "train/")
        trainer.validate(module, datamodule=self.datamodule, verbose=False)
        eval_metrics = logged_metrics(trainer, "val/")
        self.save(output_dir, loss_fn)
        results = {
            "output_dir": str(output_dir),
            "base_model": self.config.student_model_name,
            "steps": trainer.global_step,
            "train_examples": len(train_dataset),
            "validation_examples": len(val_dataset),
            "trainable_parameters": sum(p.numel() for p in module.trainable_parameters()),
            "teacher": self.teacher_info,
            "train": train_metrics,
            "eval": eval_metrics,
        }
        (output_dir / "training_results.json").write_text(json.dumps(results, indent=2))
        return results

    def save(self, output_dir: Path, loss_fn: AdvancedDistillationLoss) -> None:
        """The adapter (``save_pretrained``, loadable by ``PeftModel.from_pretrained``), the tokenizer,
        and any trainable loss modules (feature projections)."""
        output_dir.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(output_dir)
        self.tokenizer.save_pretrained(output_dir)
        if any(True for _ in loss_fn.parameters()):
            torch.save(loss_fn.state_dict(), output_dir / LOSS_MODULES_FILE)
