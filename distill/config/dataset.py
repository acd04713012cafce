"""The schema of dataset generation (the spec's DatasetConfig)."""

from __future__ import annotations

from dataclasses import dataclass, field

from distill.config.checks import check_choice, check_distribution
from distill.config.errors import ConfigError

LANGUAGES = ("python", "javascript", "java", "cpp", "go", "rust")
DIFFICULTIES = ("easy", "medium", "hard")
STYLES = ("clean", "documented", "optimized")


@dataclass
class DatasetConfig:
    target_size: int = 25000
    languages: list[str] = field(default_factory=lambda: list(LANGUAGES))
    language_distribution: dict[str, int] = field(
        default_factory=lambda: {"python": 40, "javascript": 25, "java": 15, "cpp": 10, "go": 5, "rust": 5}
    )
    difficulty_distribution: dict[str, int] = field(
        default_factory=lambda: {"easy": 30, "medium": 50, "hard": 20}
    )
    style_distribution: dict[str, int] = field(
        default_factory=lambda: {"clean": 50, "documented": 30, "optimized": 20}
    )
    output_dir: str = "./data/generated"
    train_split: float = 0.8
    val_split: float = 0.1
    test_split: float = 0.1
    # beyond the spec
    seed: int = 0
    max_rounds: int = 3  # rounds of top-up requests for rows that failed
    execute_tests: bool = True  # run each sample's tests against its solution in the sandbox

    def weights(self, axis: str) -> dict[str, int]:
        """The effective weights of one axis: ``language`` (listed languages only), ``difficulty``, ``style``."""
        if axis == "language":
            return {lang: self.language_distribution[lang] for lang in self.languages}
        dist = {"difficulty": self.difficulty_distribution, "style": self.style_distribution}[axis]
        return {k: v for k, v in dist.items() if v > 0}

    def __post_init__(self) -> None:
        if self.target_size <= 0:
            raise ConfigError(f"data.target_size: must be positive, got {self.target_size}")
        if not self.languages:
            raise ConfigError("data.languages: at least one language is required")
        for lang in self.languages:
            check_choice("data", "languages", lang, LANGUAGES)
            if self.language_distribution.get(lang, 0) <= 0:
                raise ConfigError(
                    f"data.language_distribution.{lang}: a listed language needs a positive weight"
                )
        # Weights of languages not listed in `languages` are ignored (YAML options merge onto the defaults).
        check_distribution("data", "language_distribution", self.language_distribution, LANGUAGES)
        check_distribution("data", "difficulty_distribution", self.difficulty_distribution, DIFFICULTIES)
        check_distribution("data", "style_distribution", self.style_distribution, STYLES)
        splits = (self.train_split, self.val_split, self.test_split)
        if any(s < 0 for s in splits) or abs(sum(splits) - 1.0) > 1e-6:
            raise ConfigError(
                f"data.train_split/val_split/test_split: must be >= 0 and sum to 1, got {splits}"
            )
