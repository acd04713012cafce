"""The three stages as plain functions of typed configs; the Hydra apps and the pipeline call them."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from distill.config.schemas import ClaudeConfig, DatasetConfig, EvaluationConfig, TrainAppConfig


def generate_stage(api: ClaudeConfig, data: DatasetConfig) -> dict[str, Any]:
    """Generate, check, split and save the dataset; return sizes, rejections and cost."""
    from distill.data.generator import DatasetGenerator

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
    )
    return system.run_full_training()


def evaluate_stage(config: EvaluationConfig, extra_models: dict[str, str] | None = None) -> dict[str, Any]:
    """Compare the student with its baselines (and ``extra_models``); pass@k per model and benchmark."""
    from distill.evaluation.comparator import ModelComparator

    results = ModelComparator(config).compare_models(extra_models)
    return {
        "pass_at_k": {
            name: {
                bench: {k: v for k, v in scores.items() if k.startswith("pass@")}
                for bench, scores in m["benchmarks"].items()
            }
            for name, m in results["models"].items()
        },
        "rankings": results["rankings"],
        "sandbox_isolation": results["sandbox_isolation"],
        "report_path": results.get("report_path"),
    }
