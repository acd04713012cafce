"""Validation helpers shared by the schemas: errors start with the key path."""

from __future__ import annotations

from typing import Any

from distill.config.errors import ConfigError


def check_choice(owner: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{owner}.{name}: {value!r} is not one of {list(allowed)}")


def check_distribution(owner: str, name: str, dist: dict[str, int], allowed: tuple[str, ...]) -> None:
    for key, weight in dist.items():
        check_choice(owner, f"{name}.{key}", key, allowed)
        if weight < 0:
            raise ConfigError(f"{owner}.{name}.{key}: weight {weight} is negative")
    if sum(dist.values()) <= 0:
        raise ConfigError(f"{owner}.{name}: weights must sum to more than 0")
