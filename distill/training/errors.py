"""Errors that stop a training run with a message (kept free of heavy imports for the entry points)."""


class NonFiniteLossError(FloatingPointError):
    """The loss of a training batch is NaN or infinite (``distillation.on_nonfinite_loss=error``)."""
