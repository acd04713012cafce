"""``distill-cache-teacher``: run the white-box teacher once over the training data and store its top-k
log-probabilities, so that ``teacher=topk_cache`` runs train without a teacher in memory."""

import hydra
from omegaconf import DictConfig

from distill.cli.common import CONFIG_PATH, run_task


def _cache(app, ctx):
    from distill.training.system import KnowledgeDistillationSystem

    system = KnowledgeDistillationSystem(
        app.distillation,
        loss_config=app.loss,
        teacher_config=app.teacher,
        trainer_config=app.trainer,
        seed=app.seed,
        cache_dir=app.paths.cache_dir,
    )
    header = system.cache_teacher()
    return {"cache_dir": app.teacher.cache_dir, **header}


@hydra.main(version_base="1.3", config_path=CONFIG_PATH, config_name="cache_teacher")
def main(cfg: DictConfig) -> None:
    run_task(cfg, _cache, job_type="cache_teacher")


if __name__ == "__main__":
    main()
