"""The three stages as plain functions of typed configs; the Hydra apps and the pipeline call them."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from distill.config.schemas import ClaudeConfig, DatasetConfig, EvaluationConfig, TrainAppConfig


def generate_stage(api: ClaudeConfig, data: DatasetConfig) -> dict[str, Any]:
    """Generate, check, split and save the dataset; return sizes, rejections and cost."""
    from distill.generation.generator import DatasetGenerator

    generator = DatasetGenerator(data, api)
    dataset = asyncio.run(generator.generate_dataset(max_concurrent=api.max_concurrent))
    splits = generator.split_dataset(dataset)
    path = generator.save_dataset(splits)
    return {
        "path": str(path),
        "sizes": {split: len(rows) for split, rows in splits.items()},
        "rejected": len(generator.rejected_rows),
        "usage": dataclasses.asdict(generator.client.totals),
        "quality": generator.quality.get_quality_report()["rejected_by_reason"],
    }


def train_stage(app: TrainAppConfig, logger: Any) -> dict[str, Any]:
    """Distil the student; ``app`` is any config with the training nodes (train or pipeline)."""
    from distill.training.callbacks import build_callbacks
    from distill.training.system import KnowledgeDistillationSystem

    system = KnowledgeDistillationSystem(
        app.distillation,
        loss_config=app.loss,
        teacher_config=app.teacher,
        trainer_config=app.trainer,
        logger=logger,
        seed=app.seed,
        cache_dir=app.paths.cache_dir,
        ckpt_path=app.ckpt_path,
        callbacks=build_callbacks(app.callbacks, has_logger=bool(logger)),
    )
    return system.run_full_training()


def evaluate_stage(
    config: EvaluationConfig, extra_models: dict[str, str] | None = None, logger: Any = None
) -> dict[str, Any]:
    """Compare the student with its baselines (``extra_models``, and the Claude teacher when
    ``config.evaluate_teacher``), or score ``config.samples_path``: scores per model and benchmark.
    With a W&B ``logger``, the samples and their verdicts go to the table ``eval/samples``."""
    from distill.evaluation.comparator import SAMPLE_COLUMNS, ModelComparator
    from distill.utils.tracking import log_table

    comparator = ModelComparator(config)
    if config.samples_path is not None:
        benchmark = config.test_datasets[0]
        scored = comparator.evaluate_samples(benchmark, config.samples_path)
        results = scored.pop("results")
        log_table(
            logger,
            "eval/samples",
            SAMPLE_COLUMNS,
            [{**r, "model": "samples", "benchmark": benchmark} for r in results],
        )
        scores = {"samples": _numbers({benchmark: scored})}
        return {
            "pass_at_k": _pass_at_k(scores),
            "scores": scores,
            "samples_path": config.samples_path,
            "sandbox_isolation": comparator.sandbox.isolation,
        }
    results = comparator.compare_models(extra_models)
    log_table(logger, "eval/samples", SAMPLE_COLUMNS, comparator.sample_rows)
    scores = {name: _numbers(m["benchmarks"]) for name, m in results["models"].items()}
    return {
        "pass_at_k": _pass_at_k(scores),
        "scores": scores,
        "rankings": results["rankings"],
        "sandbox_isolation": results["sandbox_isolation"],
        "api_usage": {name: m["api_usage"] for name, m in results["models"].items() if "api_usage" in m},
        "report_path": results.get("report_path"),
    }


def _pass_at_k(scores: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, dict[str, float]]]:
    return {
        name: {
            bench: {k: v for k, v in s.items() if k.startswith("pass@")} for bench, s in benchmarks.items()
        }
        for name, benchmarks in scores.items()
    }


def _numbers(benchmarks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Scores without the reasons of not evaluated samples (those are in the report)."""
    return {bench: {k: v for k, v in s.items() if k != "not_evaluated"} for bench, s in benchmarks.items()}
