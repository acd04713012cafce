"""The training bar says `Epoch 3/12` by epochs and `step 120/300` by steps (Lightning's read `Epoch 8/-2`)."""

from __future__ import annotations

from types import SimpleNamespace

from distill.config.schemas import TrainerConfig
from distill.training.progress import TrainingProgressBar, train_description
from distill.training.trainer import build_trainer


def test_by_epochs_the_epochs_are_counted_from_one():
    trainer = SimpleNamespace(max_epochs=12, current_epoch=2, max_steps=-1, global_step=40)
    assert train_description(trainer) == "Epoch 3/12"


def test_by_steps_the_steps_are_shown():
    trainer = SimpleNamespace(max_epochs=-1, current_epoch=7, max_steps=300, global_step=120)
    assert train_description(trainer) == "step 120/300"


def test_the_trainer_gets_the_bar_once_and_none_when_disabled():
    trainer = build_trainer(TrainerConfig(), max_epochs=-1, max_steps=5)
    assert sum(isinstance(c, TrainingProgressBar) for c in trainer.callbacks) == 1
    assert trainer.progress_bar_callback is not None
    quiet = build_trainer(TrainerConfig(enable_progress_bar=False), max_epochs=1)
    assert quiet.progress_bar_callback is None
