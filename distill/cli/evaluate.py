"""``distill-eval``: pass@k of the student and its baselines on the configured benchmarks."""

import hydra
from omegaconf import DictConfig

from distill.cli.common import CONFIG_PATH, flatten, run_task
from distill.stages import evaluate_stage
from distill.utils.tracking import log_summary


def _evaluate(app, ctx):
    results = evaluate_stage(app.eval)
    log_summary(ctx.logger, flatten({"eval": results["pass_at_k"]}))
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="evaluate")
def main(cfg: DictConfig) -> None:
    run_task(cfg, _evaluate, job_type="evaluate")


if __name__ == "__main__":
    main()
