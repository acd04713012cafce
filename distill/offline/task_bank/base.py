"""The shape of a procedural task family and of the task instances it produces."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass

DIFFICULTIES = ("easy", "medium", "hard")
STYLES = ("clean", "documented", "optimized")


@dataclass(frozen=True)
class TaskInstance:
    """One programming task with its reference solution and tests, in one language."""

    family: str
    language: str
    difficulty: str  # easy | medium | hard
    style: str  # clean | documented | optimized
    topic: str
    problem: str  # the statement; names the function and its signature
    entry_point: str  # the function the tests call
    solution: str  # reference solution (code only)
    tests: str  # test code that runs after the solution and fails (non-zero exit) on a wrong one
    variant: str = ""  # which of the family's variants (its key, see ``spec.variant_key``)


class TaskFamily(ABC):
    """A family of similar tasks; ``generate`` draws one instance from a seeded RNG."""

    name: str
    difficulty: str
    topic: str
    languages: tuple[str, ...] = ("python",)

    @abstractmethod
    def generate(self, rng: random.Random, language: str, style: str) -> TaskInstance:
        """Draw one instance: names, constants and phrasing vary with ``rng``."""
