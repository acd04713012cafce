"""Building the ``lightning.Trainer`` from the typed configs."""

from __future__ import annotations

from typing import Any

import lightning as L
from hydra.utils import get_class
from lightning.pytorch.callbacks import ProgressBar

from distill.config.errors import ConfigError
from distill.config.schemas import TrainerConfig
from distill.training.progress import TrainingProgressBar

# Strategy options that name layer classes; YAML gives them as dotted paths.
CLASS_SET_OPTIONS = ("auto_wrap_policy", "activation_checkpointing_policy")


def build_strategy(name: str, options: dict[str, Any]) -> Any:
    """The strategy ``name`` as Lightning registers it (``ddp``, ``ddp_spawn``, ``fsdp``,
    ``deepspeed_stage_2``, ...), with ``options`` added to its registered arguments; without options, the
    name itself (Lightning resolves it, ``auto`` included)."""
    if not options:
        return name
    from lightning.pytorch.strategies import StrategyRegistry

    if name not in StrategyRegistry:
        raise ConfigError(
            f"trainer.strategy_options: strategy {name!r} takes no options here (registered strategies: "
            f"{sorted(StrategyRegistry)})"
        )
    entry = StrategyRegistry[name]
    arguments = {**entry["init_params"], **options}
    for key in CLASS_SET_OPTIONS:
        if isinstance(arguments.get(key), list | tuple):
            arguments[key] = {get_class(path) for path in arguments[key]}
    try:
        return entry["strategy"](**arguments)
    except TypeError as error:
        raise ConfigError(f"trainer.strategy_options: {error}") from error


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
    """A Trainer with the hardware settings of ``config``; ``config.max_steps`` (when set) caps ``max_steps``.

    The datamodule shards batches over the devices itself (a sampler that also resumes mid-epoch), so
    Lightning's own distributed sampler is off."""
    steps = config.max_steps if config.max_steps > 0 else max_steps
    callbacks = list(callbacks or [])
    if config.enable_progress_bar and not any(isinstance(c, ProgressBar) for c in callbacks):
        callbacks.append(TrainingProgressBar())
    return L.Trainer(
        accelerator=config.accelerator,
        devices=config.devices,
        num_nodes=config.num_nodes,
        strategy=build_strategy(config.strategy, dict(config.strategy_options)),
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
        fast_dev_run=config.fast_dev_run,
        overfit_batches=config.overfit_batches,
        use_distributed_sampler=False,
        logger=logger,
        callbacks=callbacks,
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
