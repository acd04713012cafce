"""The ``callbacks`` and ``debug`` groups (lightning-hydra-template's): composed, instantiated, and the
debug options reaching the Lightning Trainer."""

from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir
from lightning.pytorch.callbacks import EarlyStopping, LearningRateMonitor

import distill.config.store  # noqa: F401 - registers the schemas
from distill.config.errors import ConfigError
from distill.config.locations import CONFIG_DIR
from distill.config.validation import to_app_config
from distill.training.callbacks import build_callbacks
from distill.training.trainer import build_trainer

PATHS = ["paths.output_dir=/tmp/distill-test-output"]


def _app(name: str, overrides: list[str]):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        return to_app_config(compose(name, overrides=PATHS + overrides))


def test_default_callbacks_are_instantiated_and_left_out_without_a_logger():
    app = _app("train", [])
    assert [type(c) for c in build_callbacks(app.callbacks, has_logger=True)] == [LearningRateMonitor]
    assert build_callbacks(app.callbacks, has_logger=False) == []


def test_an_option_adds_to_the_defaults_and_the_command_line_tunes_it():
    app = _app("pipeline", ["callbacks=early_stopping", "callbacks.early_stopping.patience=7"])
    built = build_callbacks(app.callbacks, has_logger=True)
    assert {type(c) for c in built} == {LearningRateMonitor, EarlyStopping}
    stopping = next(c for c in built if isinstance(c, EarlyStopping))
    assert stopping.patience == 7 and stopping.monitor == "val/total"


def test_a_callback_without_a_target_names_its_key():
    with pytest.raises(ConfigError, match=r"^callbacks\.mine: needs a _target_"):
        build_callbacks({"mine": {"patience": 3}}, has_logger=True)
    with pytest.raises(ConfigError, match=r"^callbacks\.bad:"):
        build_callbacks({"bad": {"_target_": "lightning.pytorch.callbacks.NoSuchCallback"}}, True)


@pytest.mark.parametrize(
    ("option", "fast_dev_run", "overfit_batches"), [("fast_dev_run", True, 0.0), ("overfit", False, 3)]
)
def test_debug_options_reach_the_trainer(option, fast_dev_run, overfit_batches):
    app = _app("train", [f"debug={option}"])
    assert app.task_name == "debug" and app.logger.kind == "none" and app.eval.max_problems == 2
    trainer = build_trainer(app.trainer, max_epochs=app.distillation.num_epochs)
    assert bool(trainer.fast_dev_run) == fast_dev_run
    assert trainer.overfit_batches == overfit_batches
    if option == "overfit":
        assert app.distillation.num_epochs == 20


def test_the_debug_knobs_do_not_reach_the_cached_teacher():
    """A teacher trained under debug=fast_dev_run would be cached as the real one."""
    from distill.training.teacher import teacher_trainer_config

    for option in ("fast_dev_run", "overfit"):
        app = _app("train", [f"debug={option}"])
        config = teacher_trainer_config(app.trainer)
        assert config.fast_dev_run is False and config.overfit_batches == 0.0
        assert config.accelerator == app.trainer.accelerator
