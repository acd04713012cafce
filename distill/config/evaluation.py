"""Schemas of evaluation: the spec's EvaluationConfig and the sandbox limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from distill.config.api import DEFAULT_CLAUDE_MODEL
from distill.config.checks import check_choice
from distill.config.errors import ConfigError


@dataclass
class SandboxConfig:
    """Limits for executing untrusted code (beyond the spec)."""

    isolation: str = "auto"  # auto (bubblewrap when it works) | bwrap | none
    memory_mb: int = 1024  # address-space budget per program
    max_output_bytes: int = 65536
    max_processes: int = 64


BENCHMARKS = ("humaneval", "mbpp", "apps", "custom")


@dataclass
class EvaluationConfig:
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

    def __post_init__(self) -> None:
        for name in self.test_datasets:
            check_choice("eval", "test_datasets", name, BENCHMARKS)
        for name in (
            "max_new_tokens",
            "num_return_sequences",
            "timeout_seconds",
            "max_workers",
            "batch_size",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"eval.{name}: must be positive, got {getattr(self, name)}")
        if any(k <= 0 for k in self.k_values):
            raise ConfigError(f"eval.k_values: every k must be positive, got {self.k_values}")
