"""Turn a composed Hydra tree into the typed application config, with errors that name the key."""

from __future__ import annotations

import dataclasses
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from distill.config.checks import node_path
from distill.config.errors import ConfigError


def _reject_unknown_keys(node: Any, path: str) -> None:
    """``+key=value`` overrides bypass struct mode; refuse keys that no schema field declares."""
    if not isinstance(node, DictConfig):
        return
    schema = OmegaConf.get_type(node)
    fields = {f.name for f in dataclasses.fields(schema)} if dataclasses.is_dataclass(schema) else None
    for key in node:
        full = f"{path}.{key}" if path else str(key)
        if fields is not None and key not in fields:
            raise ConfigError(f"{full}: unknown key (not a field of {schema.__name__})")
        _reject_unknown_keys(node._get_node(key), full)


def _build(node: Any, path: str) -> Any:
    """The node as plain Python, schema nodes as their dataclass, children first, each dataclass
    constructed inside :func:`~distill.config.checks.node_path` so its checks name ``path``."""
    if isinstance(node, ListConfig):
        return [_build(node[i], f"{path}[{i}]") for i in range(len(node))]
    if not isinstance(node, DictConfig):
        return node
    if node._is_none():
        return None
    values = {str(k): _build(node[k], f"{path}.{k}" if path else str(k)) for k in node}
    schema = OmegaConf.get_type(node)
    if not dataclasses.is_dataclass(schema):
        return values
    with node_path(path):
        return schema(**values)


def to_app_config(cfg: DictConfig) -> Any:
    """Resolve and instantiate the schema dataclasses, running every cross-field check.

    Raises :class:`ConfigError` whose message starts with the offending key path.
    """
    try:
        _reject_unknown_keys(cfg, "")
        return _build(cfg, "")
    except ConfigError:
        raise
    except OmegaConfBaseException as exc:
        key = getattr(exc, "full_key", None)
        message = str(exc).split("\n")[0]
        raise ConfigError(f"{key}: {message}" if key else message) from exc
