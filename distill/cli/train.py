"""``distill-train``: distil the student (and, with ``evaluate_after_training``, evaluate it); returns
the configured ``objective`` for sweepers."""

import hydra
from omegaconf import DictConfig

from distill.cli.common import CONFIG_PATH, flatten, objective_value, run_task
from distill.stages import evaluate_stage, train_stage
from distill.utils.tracking import log_summary


def _train(app, ctx):
    results = train_stage(app, ctx.logger)
    summary = {"final": {"train": results["train"], "val": results["eval"]}}
    if app.evaluate_after_training:
        results["evaluation"] = evaluate_stage(app.eval, logger=ctx.logger)
        summary["eval"] = results["evaluation"]["scores"]
    log_summary(ctx.logger, flatten(summary))
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="train")
def main(cfg: DictConfig) -> float:
    return objective_value(run_task(cfg, _train, job_type="train"), cfg.objective)


if __name__ == "__main__":
    main()
