"""What every Hydra entry point does around its task: validate the config, keep secrets out of the
run folder, open and always close the experiment logger, and write ``metrics.json``."""

from __future__ import annotations

import json
import logging
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

import distill.config.store  # noqa: F401 - registers the schemas before Hydra composes
from distill.api.errors import BudgetExceededError, FatalAPIError
from distill.config.errors import ConfigError
from distill.config.locations import CONFIG_DIR
from distill.config.validation import to_app_config
from distill.training.errors import NonFiniteLossError
from distill.utils.secrets import redact, redact_override, scrub_run_dir
from distill.utils.threads import set_cpu_threads
from distill.utils.tracking import finish_run, make_logger

log = logging.getLogger("distill")

CONFIG_PATH = str(CONFIG_DIR)
# Errors whose message tells the user what to do (a refused key, a spent budget, a bad value).
STOPPING_ERRORS = (ConfigError, FatalAPIError, BudgetExceededError, NonFiniteLossError)
NOISY_LOGGERS = (
    "httpx",
    "httpx2",
    "anthropic",
    "urllib3",
    "filelock",
    "datasets",
    "lightning.pytorch.utilities.rank_zero",
)


@dataclass
class TaskContext:
    output_dir: Path
    logger: Any  # a Lightning logger, or False


# Known, harmless messages: the frozen teacher is in eval mode on purpose; bitsandbytes looks for an
# optional CPU kernel package on import; deprecations inside the pinned libraries.
HARMLESS_WARNINGS = (
    r"Found \d+ module\(s\) in eval mode",
    r".*is_gradient_checkpointing.*",
    r".*isinstance\(treespec, LeafSpec\).*",
)


def quiet_libraries() -> None:
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    for pattern in HARMLESS_WARNINGS:
        warnings.filterwarnings("ignore", message=pattern)


def flatten(metrics: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a nested dict as ``a/b/c`` keys (for W&B summaries and sweep objectives)."""
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat |= flatten(value, name)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[name] = value
    return flat


def objective_value(metrics: dict[str, Any], key: str) -> float:
    """The sweep objective: one numeric entry of the job's flattened metrics."""
    flat = flatten(metrics)
    if key not in flat:
        raise ConfigError(f"objective: {key!r} is not among this job's metrics: {sorted(flat)}")
    return float(flat[key])


def run_task(
    cfg: DictConfig, task: Callable[[Any, TaskContext], dict[str, Any]], job_type: str
) -> dict[str, Any]:
    """Run ``task(app_config, context)`` as one Hydra job and return its metrics."""
    quiet_libraries()
    hydra_config = HydraConfig.get()
    output_dir = Path(hydra_config.runtime.output_dir)
    scrub_run_dir(output_dir)
    try:
        app = to_app_config(cfg)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    api = getattr(app, "api", None)
    if api is not None and api.api_key:
        log.warning("api.api_key is set in the config; prefer the ANTHROPIC_API_KEY environment variable")
    multirun = hydra_config.mode == RunMode.MULTIRUN
    if hasattr(app, "trainer") or hasattr(app, "eval"):  # the apps that run models
        trainer = getattr(app, "trainer", None)
        parallel_jobs = int(hydra_config.launcher.get("n_jobs") or 1) if multirun else 1
        threads = set_cpu_threads(trainer.cpu_threads if trainer else None, parallel_jobs)
        log.info("PyTorch intra-op threads: %d", threads)
    group = Path(hydra_config.sweep.dir).name if multirun else output_dir.name
    choices = {k: v for k, v in hydra_config.runtime.choices.items() if not k.startswith("hydra") and v}
    logger = False
    if hasattr(app, "logger"):
        logger = make_logger(
            app.logger,
            str(output_dir),
            run_name=f"{app.task_name}-{redact_override(hydra_config.job.override_dirname) or output_dir.name}",
            group=group,
            job_type=job_type,
            tags=[f"{k}:{v}" for k, v in choices.items()],
            hparams={
                **redact(OmegaConf.to_container(cfg, resolve=True)),
                "hydra_overrides": [redact_override(o) for o in hydra_config.overrides.task],
            },
        )
    if logger and hasattr(logger, "experiment") and hasattr(logger.experiment, "id"):
        tracking = {
            "wandb_run_id": logger.experiment.id,
            "group": logger.experiment.group,
            "job_type": job_type,
        }
        (output_dir / "tracking.json").write_text(json.dumps(tracking, indent=2))
    exit_code = 1
    try:
        metrics = task(app, TaskContext(output_dir, logger))
        exit_code = 0
    except STOPPING_ERRORS as error:  # the message says it all: no traceback, a non-zero exit
        log.error("%s: %s", type(error).__name__, error)
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    finally:
        finish_run(exit_code)
    (output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, default=str))
    log.info("metrics written to %s", output_dir / "metrics.json")
    return metrics
