"""The training progress bar: ``Epoch 3/12`` when training by epochs, ``step 120/300`` when by steps.

Lightning's own bars describe an epoch as ``Epoch {current}/{max_epochs - 1}``, which reads
``Epoch 8/-2`` when a run is bounded by ``max_steps`` (``max_epochs=-1``), as the tiny teacher is.
"""

from __future__ import annotations

from typing import Any

import lightning as L
from lightning.pytorch.callbacks import TQDMProgressBar


def train_description(trainer: L.Trainer) -> str:
    """What the bar says of the run so far: epochs counted from 1, or optimizer steps."""
    if trainer.max_epochs is not None and trainer.max_epochs > 0:
        return f"Epoch {trainer.current_epoch + 1}/{trainer.max_epochs}"
    if trainer.max_steps > 0:
        return f"step {trainer.global_step}/{trainer.max_steps}"
    return f"Epoch {trainer.current_epoch + 1}"


class TrainingProgressBar(TQDMProgressBar):
    """A TQDM bar whose description is :func:`train_description`, updated as the steps go."""

    def on_train_epoch_start(self, trainer: L.Trainer, *args: Any) -> None:
        super().on_train_epoch_start(trainer, *args)
        self.train_progress_bar.set_description(train_description(trainer))

    def on_train_batch_end(self, trainer: L.Trainer, *args: Any) -> None:
        super().on_train_batch_end(trainer, *args)
        if not (trainer.max_epochs is not None and trainer.max_epochs > 0):
            self.train_progress_bar.set_description(train_description(trainer), refresh=False)
