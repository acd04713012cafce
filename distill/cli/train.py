"""``distill-train``: distil the student; returns the final validation loss (for sweepers)."""

import hydra
from omegaconf import DictConfig

from distill.cli.common import CONFIG_PATH, flatten, run_task
from distill.stages import train_stage
from distill.utils.tracking import log_summary


def _train(app, ctx):
    results = train_stage(app, ctx.logger)
    log_summary(ctx.logger, flatten({"final": {"train": results["train"], "val": results["eval"]}}))
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="train")
def main(cfg: DictConfig) -> float | None:
    metrics = run_task(cfg, _train, job_type="train")
    return metrics["eval"].get("val/total")


if __name__ == "__main__":
    main()
