"""The benchmark registry: a benchmark name resolves to its module (see ``distill.evaluation.benchmarks``).

Modules are imported by name when first used, so evaluating HumanEval never imports APPS's checker,
and a user's benchmark module (a dotted path in ``eval.test_datasets``) plugs in the same way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from distill.config.schemas import EvaluationConfig, benchmark_module, known_benchmarks
from distill.evaluation.problem import Problem
from distill.execution.sandbox import ExecutionResult, Job

TestJobs = Callable[[Problem, str, EvaluationConfig, int], list[Job]]
Verdict = Callable[[Problem, list[ExecutionResult]], dict[str, Any]]


@dataclass(frozen=True)
class Benchmark:
    name: str
    load: Callable[[EvaluationConfig], list[Problem]]
    test_jobs: TestJobs | None = None  # None: one run of problem.program(completion)
    verdict: Verdict | None = None  # None: that run's passed and reason
    describe: Callable[[EvaluationConfig], dict[str, Any]] | None = None  # the report's notes on it


@cache
def get_benchmark(name: str) -> Benchmark:
    """The benchmark ``name`` (a module of ``distill.evaluation.benchmarks``, or a dotted module path)."""
    path = benchmark_module(name)
    try:
        module = importlib.import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name is None or not path.startswith(exc.name):
            raise
        raise ValueError(
            f"eval.test_datasets: unknown benchmark {name!r} (no module {path}); known: {known_benchmarks()}"
        ) from exc
    if not callable(getattr(module, "load", None)):
        raise ValueError(f"eval.test_datasets: benchmark module {path} has no load(config) function")
    hooks = {hook: getattr(module, hook, None) for hook in ("test_jobs", "verdict", "describe")}
    return Benchmark(name, module.load, **hooks)


def load_benchmark(name: str, config: EvaluationConfig) -> list[Problem]:
    """The problems of one benchmark, the first ``config.max_problems`` when set."""
    problems = get_benchmark(name).load(config)
    for problem in problems[:1]:
        if problem.benchmark != name:
            raise ValueError(
                f"eval.test_datasets: benchmark {name!r} returned problems of benchmark {problem.benchmark!r}"
            )
    return problems[: config.max_problems] if config.max_problems else problems
