"""``distill-generate``: Claude (or the offline task bank) writes the training dataset."""

import hydra
from omegaconf import DictConfig

from distill.cli.common import CONFIG_PATH, run_task
from distill.stages import generate_stage


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="generate")
def main(cfg: DictConfig) -> None:
    run_task(cfg, lambda app, ctx: generate_stage(app.api, app.data), job_type="generate")


if __name__ == "__main__":
    main()
