"""The offline task bank: procedural programming tasks with reference solutions and tests, in six languages.

The offline stand-in for the Claude API answers "write me a {difficulty} {style} {language} task about
{topic}" with ``TaskBank().sample(...)``. Families live in the ``families_*`` modules, one table entry each
(see ``spec.SpecFamily``), with their Python code; the other languages' code is in ``ports/`` and each
language's way of writing signatures, literals and tests in ``renderers``. Every expected value in every
language comes from the family's Python reference implementation.
"""

from __future__ import annotations

import random

from distill.offline.task_bank import (
    families_dp,
    families_lists,
    families_math,
    families_matrices,
    families_parsing,
    families_search,
    families_strings,
)
from distill.offline.task_bank.base import TaskFamily, TaskInstance
from distill.offline.task_bank.spec import DIFFICULTIES, STYLES, SpecFamily

__all__ = ["DIFFICULTIES", "FAMILIES", "STYLES", "TaskBank", "TaskFamily", "TaskInstance"]

FAMILIES: tuple[TaskFamily, ...] = tuple(
    sorted(
        (
            family
            for module in (
                families_strings,
                families_parsing,
                families_lists,
                families_search,
                families_math,
                families_dp,
                families_matrices,
            )
            for family in vars(module).values()
            if isinstance(family, SpecFamily)
        ),
        key=lambda family: family.name,
    )
)


class TaskBank:
    """All task families, queried by language, difficulty and topic."""

    def __init__(self) -> None:
        self._families = FAMILIES

    def families(self, language: str | None = None, difficulty: str | None = None) -> list[TaskFamily]:
        return [
            family
            for family in self._families
            if (language is None or language in family.languages)
            and (difficulty is None or family.difficulty == difficulty)
        ]

    def languages(self) -> list[str]:
        return sorted({language for family in self._families for language in family.languages})

    def topics(self, language: str) -> list[str]:
        return sorted({family.topic for family in self.families(language)})

    def sample(
        self, language: str, difficulty: str, style: str, topic: str | None, seed: int
    ) -> TaskInstance:
        """Draw one task deterministically from ``seed``.

        The family is one of ``language`` and ``difficulty``, on ``topic`` when the bank has such a family
        (any family of that difficulty otherwise); the instance comes from an rng derived from the same seed.
        """
        if language not in self.languages():
            raise ValueError(
                f"the offline task bank has no tasks in {language} (it has: {', '.join(self.languages())})"
            )
        pool = self.families(language, difficulty)
        if not pool:
            raise ValueError(f"the offline task bank has no {difficulty!r} tasks in {language}")
        rng = random.Random(seed)
        wanted = (topic or "").strip().lower()
        on_topic = [family for family in pool if family.topic == wanted]
        family = rng.choice(on_topic or pool)
        return family.generate(random.Random(rng.getrandbits(64)), language, style)
