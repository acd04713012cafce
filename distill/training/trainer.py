"""Building the ``lightning.Trainer`` from the typed configs."""

from __future__ import annotations

from typing import Any

import lightning as L

from distill.config.schemas import TrainerConfig


def build_trainer(
    config: TrainerConfig,
    *,
    max_epochs: int,
    max_steps: int = -1,
    accumulate_grad_batches: int = 1,
    gradient_clip_val: float | None = None,
    logger: Any = False,
    callbacks: list[Any] | None = None,
    default_root_dir: str | None = None,
    enable_checkpointing: bool = False,
) -> L.Trainer:
    """A Trainer with the hardware settings of ``config``; ``config.max_steps`` (when set) caps ``max_steps``."""
    steps = config.max_steps if config.max_steps > 0 else max_steps
    return L.Trainer(
        accelerator=config.accelerator,
        devices=config.devices,
        strategy=config.strategy,
        precision=config.precision,
        max_epochs=max_epochs,
        max_steps=steps,
        accumulate_grad_batches=accumulate_grad_batches,
        gradient_clip_val=gradient_clip_val,
        log_every_n_steps=config.log_every_n_steps,
        val_check_interval=config.val_check_interval,
        limit_train_batches=config.limit_train_batches,
        limit_val_batches=config.limit_val_batches,
        num_sanity_val_steps=config.num_sanity_val_steps,
        enable_progress_bar=config.enable_progress_bar,
        enable_model_summary=False,
        deterministic=config.deterministic,
        logger=logger,
        callbacks=callbacks or [],
        default_root_dir=default_root_dir,
        enable_checkpointing=enable_checkpointing,
    )


def logged_metrics(trainer: L.Trainer, prefix: str) -> dict[str, float]:
    """Epoch-level values Lightning collected under ``prefix`` (e.g. ``train/``), as floats."""
    return {
        key.removesuffix("_epoch"): round(float(value), 6)
        for key, value in trainer.callback_metrics.items()
        if key.startswith(prefix) and not key.endswith("_step")
    }
