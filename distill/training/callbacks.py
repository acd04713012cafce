"""The ``callbacks`` group: Lightning callbacks a user adds to the framework's own checkpointing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from hydra.errors import InstantiationException
from hydra.utils import instantiate

from distill.config.errors import ConfigError

log = logging.getLogger(__name__)

# Callbacks that write to the experiment logger and fail without one.
NEEDS_LOGGER = ("LearningRateMonitor", "DeviceStatsMonitor")


def build_callbacks(specs: Mapping[str, Any], has_logger: bool) -> list[Any]:
    """Instantiate every ``callbacks.<name>`` entry (a ``_target_`` spec); entries set to null are off.

    Without a logger, callbacks that only write to it are left out (logged), so ``logger=none`` runs
    with the default callbacks."""
    callbacks = []
    for name, spec in specs.items():
        if spec is None:
            continue
        if not isinstance(spec, Mapping) or "_target_" not in spec:
            raise ConfigError(f"callbacks.{name}: needs a _target_ (a Lightning callback class)")
        try:
            callback = instantiate(dict(spec))
        except InstantiationException as exc:
            raise ConfigError(f"callbacks.{name}: {str(exc).splitlines()[0]}") from exc
        if not has_logger and type(callback).__name__ in NEEDS_LOGGER:
            log.info("callbacks.%s: left out, it writes to the experiment logger and there is none", name)
            continue
        callbacks.append(callback)
    return callbacks
