"""``distill-eval``: pass@k of the student, its baselines and optionally the Claude teacher on the
configured benchmarks; or, with ``eval.samples_path``, the scores of a samples file."""

import hydra
from omegaconf import DictConfig

from distill.cli.common import CONFIG_PATH, flatten, run_task
from distill.stages import evaluate_stage
from distill.utils.tracking import log_summary


def _evaluate(app, ctx):
    results = evaluate_stage(app.eval, logger=ctx.logger)
    log_summary(ctx.logger, flatten({"eval": results["scores"]}))
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="evaluate")
def main(cfg: DictConfig) -> None:
    run_task(cfg, _evaluate, job_type="evaluate")


if __name__ == "__main__":
    main()
