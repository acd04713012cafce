"""Executing samples (``{"task_id", "completion"}``) against their problems, and their scores.

Python programs of every benchmark go to the sandbox in one batch (so a slow sample never holds the
others back); other languages of the generated split compile and run through
``distill.execution.languages``. A sample whose language has no toolchain here is *not evaluated*
(``passed`` is None, the reason says what is missing) and is left out of pass@k.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from tqdm.auto import tqdm

from distill.config.schemas import EvaluationConfig
from distill.evaluation.metrics import apps_scores, mean_pass_at_k
from distill.evaluation.problem import Problem
from distill.evaluation.registry import get_benchmark
from distill.execution import languages
from distill.execution.sandbox import ExecutionResult, Job, Sandbox

log = logging.getLogger(__name__)


def _not_evaluated(language: str) -> dict[str, Any] | None:
    """The outcome of a sample whose language cannot run here, else None."""
    try:
        available = languages.toolchain(language)
    except ValueError as exc:
        return {"passed": None, "result": f"not evaluated: {exc}"}
    if not available.available:
        return {"passed": None, "result": f"not evaluated: toolchain missing ({available.missing})"}
    return None


def execute_samples(
    problems: dict[str, Problem],
    samples: Sequence[dict[str, Any]],
    sandbox: Sandbox,
    config: EvaluationConfig,
    description: str = "execute",
) -> list[dict[str, Any]]:
    """Per sample, its fields plus ``passed`` (True/False, None when not evaluated) and ``result``."""
    unknown = sorted({s["task_id"] for s in samples} - problems.keys())
    if unknown:
        raise ValueError(f"{description}: samples for unknown task ids {unknown[:5]}")
    jobs: list[Job] = []
    spans: dict[int, tuple[int, int]] = {}  # sample -> (first job, number of jobs)
    others: list[int] = []  # samples of other languages whose toolchain is installed
    outcomes: dict[int, dict[str, Any]] = {}
    for index, sample in enumerate(samples):
        problem = problems[sample["task_id"]]
        benchmark = get_benchmark(problem.benchmark)
        if benchmark.test_jobs is not None:
            batch = benchmark.test_jobs(problem, sample["completion"], config, index)
        elif problem.language == "python":
            batch = [Job(python=problem.program(sample["completion"]), timeout_s=config.timeout_seconds)]
        else:
            skipped = _not_evaluated(problem.language)
            if skipped is None:
                others.append(index)
            else:
                outcomes[index] = skipped
            continue
        spans[index] = (len(jobs), len(batch))
        jobs += batch
    programs = []
    for index in others:
        problem = problems[samples[index]["task_id"]]
        programs.append(
            (
                problem.language,
                languages.program(problem.language, samples[index]["completion"], problem.tests),
            )
        )
    with tqdm(total=len(jobs) + len(others), desc=description, leave=False) as bar:
        executed = sandbox.execute(jobs, config.max_workers, on_result=bar.update)
        for index, (start, count) in spans.items():
            outcomes[index] = _outcome(problems[samples[index]["task_id"]], executed[start : start + count])
        compiled = languages.run_programs(
            sandbox, programs, config.max_workers, config.timeout_seconds, on_result=bar.update
        )
        for index, result in zip(others, compiled, strict=True):
            outcomes[index] = {"passed": result.passed, "result": result.reason}
    return [{**sample, **outcomes[index]} for index, sample in enumerate(samples)]


def _outcome(problem: Problem, results: list[ExecutionResult]) -> dict[str, Any]:
    verdict = get_benchmark(problem.benchmark).verdict
    if verdict is None:
        return {"passed": results[0].passed, "result": results[0].reason}
    return verdict(problem, results)


def summarize(results: Sequence[dict[str, Any]], k_values: Sequence[int]) -> dict[str, Any]:
    """pass@k over the evaluated samples, counts, and per benchmark extras (APPS scores, languages)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    languages: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    first_tests: dict[str, list[bool]] = {}
    not_evaluated: Counter[str] = Counter()
    for result in results:
        if result["passed"] is None:
            not_evaluated[result["result"]] += 1
            continue
        counts[result["task_id"]][0] += 1
        counts[result["task_id"]][1] += bool(result["passed"])
        if "language" in result:
            languages[result["language"]][result["task_id"]][0] += 1
            languages[result["language"]][result["task_id"]][1] += bool(result["passed"])
        if "tests_total" in result and result["task_id"] not in first_tests:
            first_tests[result["task_id"]] = [True] * result["tests_passed"] + [False] * (
                result["tests_total"] - result["tests_passed"]
            )
    summary: dict[str, Any] = {
        **mean_pass_at_k(counts.values(), k_values),
        "problems": len(counts),
        "samples": sum(n for n, _ in counts.values()),
    }
    summary |= apps_scores(list(first_tests.values()))
    if len(languages) > 1 or not_evaluated:
        summary["by_language"] = {
            language: {**mean_pass_at_k(per_task.values(), k_values), "problems": len(per_task)}
            for language, per_task in sorted(languages.items())
        }
    if not_evaluated:
        summary["not_evaluated"] = dict(not_evaluated)
        summary["not_evaluated_samples"] = sum(not_evaluated.values())
    return summary


def score(
    problems: Sequence[Problem],
    samples: Sequence[dict[str, Any]],
    sandbox: Sandbox,
    config: EvaluationConfig,
    description: str = "execute",
) -> dict[str, Any]:
    """Execute and summarize; the per-sample results are under ``results``."""
    by_id = {p.task_id: p for p in problems}
    start = time.monotonic()
    results = execute_samples(by_id, samples, sandbox, config, description)
    for result in results:
        problem = by_id[result["task_id"]]
        if problem.benchmark == "custom":
            result.setdefault("language", problem.language)
    summary = summarize(results, config.k_values)
    return {**summary, "execution_s": round(time.monotonic() - start, 2), "results": results}
