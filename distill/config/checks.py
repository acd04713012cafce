"""Validation helpers shared by the schemas: every error starts with the full key the user wrote.

A schema class names its usual place in the tree (``config_key = "api"``); the same class can sit
elsewhere (a :class:`~distill.config.api.ClaudeConfig` under ``eval.teacher_api``, a sandbox under
``data.sandbox``), so :func:`~distill.config.validation.to_app_config` builds each node inside
:func:`node_path` and :func:`key` answers with the path the node really has. A config built in
Python, outside any tree, reports under its usual place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from distill.config.errors import ConfigError

_NODE_PATH: ContextVar[str | None] = ContextVar("distill_config_node_path", default=None)


@contextmanager
def node_path(path: str) -> Iterator[None]:
    """Build the schema node at ``path`` (``eval.teacher_api``) inside this block."""
    token = _NODE_PATH.set(path)
    try:
        yield
    finally:
        _NODE_PATH.reset(token)


def key(config: Any, name: str = "") -> str:
    """The full key of field ``name`` of ``config`` (the node itself when ``name`` is empty);
    ``config`` may also be the key of a node as a string (checks of the root schemas)."""
    path = _NODE_PATH.get()
    if isinstance(config, str):
        base = config
    else:
        base = path if path is not None else getattr(type(config), "config_key", "")
    return ".".join(part for part in (base, name) if part)


def check_choice(config: Any, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{key(config, name)}: {value!r} is not one of {list(allowed)}")


def check_distribution(config: Any, name: str, dist: dict[str, int], allowed: tuple[str, ...]) -> None:
    for entry, weight in dist.items():
        check_choice(config, f"{name}.{entry}", entry, allowed)
        if weight < 0:
            raise ConfigError(f"{key(config, name)}.{entry}: weight {weight} is negative")
    if sum(dist.values()) <= 0:
        raise ConfigError(f"{key(config, name)}: weights must sum to more than 0")
