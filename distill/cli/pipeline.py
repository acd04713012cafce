"""``distill-pipeline``: generate -> train (a tiny teacher first when configured) -> evaluate, in one
run folder, ending with a printed summary."""

import hydra
from omegaconf import DictConfig

from distill.cli.common import CONFIG_PATH, flatten, run_task
from distill.cli.summary import print_summary
from distill.stages import evaluate_stage, generate_stage, train_stage
from distill.utils.tracking import log_summary


def _pipeline(app, ctx):
    results = {}
    if "generate" in app.stages:
        results["generate"] = generate_stage(app.api, app.data)
    if "train" in app.stages:
        results["train"] = train_stage(app, ctx.logger)
    if "evaluate" in app.stages:
        teacher = results.get("train", {}).get("teacher", {})
        compare = app.compare_teacher and teacher.get("path")
        extra = {f"teacher:{teacher['kind']}": teacher["path"]} if compare else None
        results["evaluate"] = evaluate_stage(app.eval, extra, logger=ctx.logger)
    log_summary(ctx.logger, flatten({"eval": results.get("evaluate", {}).get("scores", {})}))
    print_summary(results, ctx.output_dir)
    return results


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="pipeline")
def main(cfg: DictConfig) -> None:
    run_task(cfg, _pipeline, job_type="pipeline")


if __name__ == "__main__":
    main()
