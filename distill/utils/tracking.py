"""Experiment loggers: W&B (offline unless logged in) or CSV; one W&B run per Hydra job, grouped
per sweep, closed when the job ends."""

from __future__ import annotations

import netrc
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from distill.config.schemas import LoggerConfig


def wandb_logged_in() -> bool:
    if os.environ.get("WANDB_API_KEY"):
        return True
    try:
        return netrc.netrc().authenticators("api.wandb.ai") is not None
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return False


def wandb_mode(config: LoggerConfig) -> str:
    if config.mode != "auto":
        return config.mode
    return "online" if wandb_logged_in() else "offline"


def make_logger(
    config: LoggerConfig,
    output_dir: str,
    run_name: str,
    group: str,
    job_type: str,
    tags: list[str],
    hparams: dict[str, Any],
) -> Any:
    """A Lightning logger, or False for ``logger=none``. ``hparams`` must already be redacted."""
    if config.kind == "none":
        return False
    if config.kind == "csv":
        from lightning.pytorch.loggers import CSVLogger

        logger = CSVLogger(save_dir=output_dir, name="csv_logs")
        logger.log_hyperparams(hparams)
        return logger
    from lightning.pytorch.loggers import WandbLogger

    Path(output_dir).mkdir(parents=True, exist_ok=True)
    return WandbLogger(
        project=config.project,
        entity=config.entity,
        name=run_name,
        save_dir=output_dir,
        group=config.group or group,
        job_type=job_type,
        tags=[*config.tags, *tags],
        config=hparams,
        mode=wandb_mode(config),
        settings={"x_disable_meta": True, "silent": True},  # no sys.argv (overrides) in W&B
    )


def log_summary(logger: Any, metrics: dict[str, float]) -> None:
    """Final metrics: the run summary on W&B, a last row in CSV."""
    if not logger or not metrics:
        return
    if hasattr(logger, "experiment") and hasattr(logger.experiment, "summary"):
        logger.experiment.summary.update(metrics)
    else:
        logger.log_metrics(metrics)
        logger.save()


def log_table(logger: Any, key: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """A table of ``rows`` (dicts with ``columns``) on W&B, e.g. samples with their verdicts; loggers
    without tables (CSV) and empty tables are skipped."""
    if not logger or not rows or not hasattr(logger, "log_table"):
        return
    logger.log_table(key=key, columns=list(columns), data=[[row.get(c) for c in columns] for row in rows])


def finish_run(exit_code: int = 0) -> None:
    """End the W&B run of this job, so that the next job of a sweep starts its own."""
    import sys

    if "wandb" in sys.modules:
        import wandb

        if wandb.run is not None:
            wandb.finish(exit_code=exit_code)
