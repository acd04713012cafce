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

from distill.config.errors import ConfigError
from distill.config.schemas import DistillationConfig, LossConfig, TeacherConfig, TokenizerSpec, TrainerConfig
from distill.data.datamodule import (
    CodeDataset,
    DistillDataModule,
    format_prompt,
    load_split,
    split_fingerprint,
)
from distill.losses.distillation import AdvancedDistillationLoss
from distill.models.layer_init import ensure_student_from_teacher_layers
from distill.models.loading import default_device, export_merged, load_student, load_tokenizer
from distill.models.tiny import build_tiny_llama, is_model_dir, save_model_dir, train_tokenizer
from distill.training.module import DistillationModule
from distill.training.on_policy import OnPolicySampler
from distill.training.teacher import load_hf_teacher, prepare_teacher
from distill.training.teacher_check import check_teacher
from distill.training.topk_cache import TopKCache, cache_identity, write_topk_cache
from distill.training.trainer import build_trainer, logged_metrics

log = logging.getLogger(__name__)

LOSS_MODULES_FILE = "loss_modules.pt"
MERGED_DIR = "merged"
CHECKPOINT_DIR = "checkpoints"


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
        callbacks: list[Any] | None = None,
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
        self.callbacks = list(callbacks or [])  # Lightning callbacks besides the checkpoint
        self.model: Any = None
        self.tokenizer: Any = None
        self.teacher: Any = None
        self.teacher_cache: TopKCache | None = None
        self.teacher_info: dict[str, Any] = {}
        self.datamodule: DistillDataModule | None = None

    @property
    def _attention_maps_needed(self) -> bool:
        return self.loss_config.use_attention_transfer and self.teacher_config.kind in ("hf", "tiny")

    @property
    def _attn_implementation(self) -> str:
        return "eager" if self._attention_maps_needed else self.config.attn_implementation

    @property
    def device(self) -> str:
        """This process's device for the configured accelerator (where a 4-bit model is loaded)."""
        return default_device(self.trainer_config.accelerator)

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

    def setup_tokenizer(self) -> Any:
        """The student's tokenizer (building the tiny student base first if configured and missing)."""
        if self.config.student_build is not None and not is_model_dir(self.config.student_model_name):
            self._build_student_base()
        ensure_student_from_teacher_layers(self.config, self.teacher_config)
        self.tokenizer = load_tokenizer(self.config.student_model_name)
        return self.tokenizer

    def setup_model_and_tokenizer(self) -> tuple[Any, Any]:
        """Load the student with LoRA/QLoRA and its tokenizer (building a tiny student if configured)."""
        self.setup_tokenizer()
        self.model = load_student(self.config, self._attn_implementation, self.device)
        return self.model, self.tokenizer

    def load_dataset(self) -> tuple[CodeDataset, CodeDataset]:
        """The tokenized train and validation splits."""
        if self.tokenizer is None:
            self.setup_tokenizer()
        self.datamodule = DistillDataModule(
            self.config.dataset_path,
            self.tokenizer,
            self.config.max_length,
            self.config.batch_size,
            self.config.eval_batch_size,
            self.config.num_workers,
            self.seed,
            packing=self.config.packing,
            pack_length=self.config.pack_length,
        )
        self.datamodule.setup()
        return self.datamodule.train_dataset, self.datamodule.val_dataset

    @property
    def _loss_uses_teacher(self) -> bool:
        loss = self.loss_config
        return loss.distillation_weight > 0 or loss.use_attention_transfer or loss.use_feature_matching

    def prepare_teacher(self) -> Any:
        """The frozen white-box teacher, or None: also when the loss has no term that uses one, and for
        ``topk_cache``, whose checked cache is attached to the data instead."""
        kind = self.teacher_config.kind
        self.teacher, self.teacher_cache = None, None
        if kind != "none" and not self._loss_uses_teacher:
            log.info("the loss has no teacher term: teacher=%s is not loaded", kind)
            self.teacher_info = {"kind": "none", "skipped": kind}
            return None
        if kind == "topk_cache":
            self._attach_teacher_cache()
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
            self.device,
        )
        return self.teacher

    def _attach_teacher_cache(self) -> None:
        if self.datamodule is None:
            self.load_dataset()
        data = self.datamodule
        cache = TopKCache(self.teacher_config.cache_dir)
        cache.check(
            self.tokenizer,
            split_fingerprint(self.config.dataset_path),
            self.config.max_length,
            {"train": data.train_dataset, "validation": data.val_dataset},
        )
        loss = self.loss_config
        if loss.topk_missing_mass == "tail" and (
            cache.temperature != loss.temperature or loss.progressive_start_temperature is not None
        ):
            raise ConfigError(
                f"loss.topk_missing_mass: 'tail' needs the KD temperature to be the cache's capture "
                f"temperature ({cache.temperature}) throughout; loss.temperature is {loss.temperature} and "
                f"loss.progressive_start_temperature {loss.progressive_start_temperature} (use 'renormalize', "
                "or write a cache at the KD temperature)"
            )
        self.teacher_cache = cache
        data.use_teacher_cache(cache)
        header = cache.header
        self.teacher_info = {
            "kind": "topk_cache",
            "cache_dir": str(cache.root),
            "path": header["teacher"],
            "k": header["k"],
            "temperature": header["temperature"],
        }

    def build_loss(self) -> AdvancedDistillationLoss:
        loss_config = self.loss_config
        if self.teacher is None and (loss_config.use_attention_transfer or loss_config.use_feature_matching):
            log.warning("no white-box teacher in memory: attention transfer and feature matching are off")
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

    def build_module(self, loss_fn: AdvancedDistillationLoss) -> DistillationModule:
        config = self.config
        return DistillationModule(
            self.model,
            loss_fn,
            self.teacher,
            learning_rate=config.learning_rate,
            weight_decay=config.weight_decay,
            warmup_ratio=config.warmup_ratio,
            on_nonfinite_loss=config.on_nonfinite_loss,
            progressive_by=config.progressive_by,
            teacher_device=self.teacher_config.device,
            on_policy=OnPolicySampler(
                config.on_policy,
                self.tokenizer.pad_token_id,
                self.tokenizer.eos_token_id,
                config.max_length,
                self.seed,
            ),
        )

    # ------------------------------------------------------------------------------- training
    def run_full_training(self) -> dict[str, Any]:
        """Train, validate, save the adapter; return training results and evaluation metrics.

        Checkpoints (trainable weights and optimizer state) go to ``<output_dir>/../checkpoints``, at
        each epoch end or every ``trainer.checkpoint_every_n_steps`` steps; ``ckpt_path="last"``
        resumes from the newest one there with the same step count and data order."""
        L.seed_everything(self.seed, workers=True, verbose=False)
        self.setup_model_and_tokenizer()
        train_dataset, val_dataset = self.load_dataset()
        self.prepare_teacher()
        check_teacher(self)
        loss_fn = self.build_loss()
        module = self.build_module(loss_fn)
        output_dir = Path(self.config.output_dir)
        every = self.trainer_config.checkpoint_every_n_steps
        checkpoint = ModelCheckpoint(
            dirpath=output_dir.parent / CHECKPOINT_DIR,
            save_last=True,
            save_top_k=1,
            every_n_train_steps=every or None,  # set: every n steps instead of each epoch end
        )
        trainer = build_trainer(
            self.trainer_config,
            max_epochs=self.config.num_epochs,
            accumulate_grad_batches=self.config.gradient_accumulation_steps,
            gradient_clip_val=self.config.max_grad_norm,
            logger=self.logger,
            callbacks=[checkpoint, *self.callbacks],
            default_root_dir=str(output_dir.parent),
            enable_checkpointing=True,
        )
        trainer.fit(module, datamodule=self.datamodule, ckpt_path=self.ckpt_path)
        train_metrics = logged_metrics(trainer, "train/")
        trainer.validate(module, datamodule=self.datamodule, verbose=False)
        eval_metrics = logged_metrics(trainer, "val/")
        results = {
            "output_dir": str(output_dir),
            "base_model": self.config.student_model_name,
            "steps": trainer.global_step,
            "train_examples": len(train_dataset),
            "validation_examples": len(val_dataset),
            "packed_rows": len(self.datamodule.loader_dataset("train")) if self.config.packing else None,
            "skipped_batches": module.skipped_batches,
            "trainable_parameters": sum(p.numel() for p in module.trainable_parameters()),
            "teacher": self.teacher_info,
            "train": train_metrics,
            "eval": eval_metrics,
        }
        self.save(output_dir, loss_fn, is_main_process=trainer.is_global_zero)
        if trainer.is_global_zero:
            if self.config.export_merged:
                results["merged_model"] = str(self.export_merged(output_dir))
            (output_dir / "training_results.json").write_text(json.dumps(results, indent=2))
        return results

    def save(self, output_dir: Path, loss_fn: AdvancedDistillationLoss, is_main_process: bool = True) -> None:
        """The adapter (``save_pretrained``, loadable by ``PeftModel.from_pretrained``), the tokenizer,
        and any trainable loss modules (feature projections). Every process calls it (a sharded model
        gathers its weights collectively); only the main one writes."""
        if is_main_process:
            output_dir.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(output_dir, is_main_process=is_main_process)
        if is_main_process:
            self.tokenizer.save_pretrained(output_dir)
            if any(True for _ in loss_fn.parameters()):
                torch.save(loss_fn.state_dict(), output_dir / LOSS_MODULES_FILE)

    def export_merged(self, output_dir: Path) -> Path:
        """The saved adapter merged into its base, as a plain model under ``<output_dir>/merged``."""
        dtype = self.config.bnb_4bit_compute_dtype if self.config.use_4bit else self.config.torch_dtype
        path = export_merged(output_dir, output_dir / MERGED_DIR, dtype)
        log.info("merged model written to %s", path)
        return path

    # ------------------------------------------------------------------------------- teacher cache
    def cache_teacher(self) -> dict[str, Any]:
        """Run ``teacher.model_name_or_path`` once over the train and validation examples (tokenized
        exactly as training tokenizes them) and write its top-k to ``teacher.cache_dir``; resumes an
        interrupted pass. Returns the cache's header."""
        teacher_config = self.teacher_config
        if not teacher_config.model_name_or_path or not teacher_config.cache_dir:
            raise ConfigError(
                "teacher.model_name_or_path, teacher.cache_dir: both are needed to write a teacher cache "
                "(the teacher to run and the folder to write)"
            )
        train, validation = self.load_dataset()
        teacher = load_hf_teacher(
            teacher_config,
            self.tokenizer,
            self.config.student_model_name,
            self.config.attn_implementation,
            device=self.device,
        )
        identity = cache_identity(
            teacher=teacher_config.model_name_or_path,
            k=teacher_config.top_k,
            temperature=teacher_config.capture_temperature or self.loss_config.temperature,
            vocab_size=teacher.config.vocab_size,
            logprob_dtype=teacher_config.logprob_dtype,
            tokenizer=self.tokenizer,
            dataset_fingerprint=split_fingerprint(self.config.dataset_path),
            max_length=self.config.max_length,
            datasets={"train": train, "validation": validation},
        )
        if identity["k"] > identity["vocab_size"]:
            raise ConfigError(
                f"teacher.top_k: {identity['k']} is more than the teacher's vocabulary ({identity['vocab_size']})"
            )
        return write_topk_cache(
            teacher,
            {"train": train, "validation": validation},
            teacher_config.cache_dir,
            identity,
            teacher_config.cache_batch_size,
            self.tokenizer.pad_token_id,
        )
