"""Compare the configurations of a sweep: mean ± std over seeds, a bootstrap confidence interval,
the best configuration per metric marked, a markdown table and PNG plots.

Works on any Hydra multirun folder whose jobs wrote ``metrics.json`` (every distill command does),
or on a W&B group through ``wandb.Api()``:

    python scripts/compare_ablations.py --multirun outputs/pipeline/multiruns/2026-11-27_10-00-00
    python scripts/compare_ablations.py --wandb-group 2026-11-27_10-00-00 --project distill --entity me

A configuration is a job's command-line overrides without the seed; the seeds of one configuration
are its samples.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from distill.cli.common import flatten

SEED_KEY = "seed"
LOWER_IS_BETTER = re.compile(r"(loss|task_ce|/kd$|/total$|attention$|feature$)")


@dataclass
class Job:
    config: str  # the overrides that define the configuration, seed excluded
    seed: str
    metrics: dict[str, float]


@dataclass
class Summary:
    config: str
    n: int
    mean: float
    std: float
    ci_low: float
    ci_high: float


def configuration_of(overrides: Iterable[str], seed_key: str = SEED_KEY) -> tuple[str, str]:
    """``(configuration, seed)`` from Hydra overrides such as ``["loss=kd", "seed=1"]``."""
    kept, seed = [], "0"
    for override in overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key == seed_key:
            seed = value
        elif not key.startswith("hydra."):
            kept.append(override)
    return (",".join(sorted(kept)) or "(defaults)"), seed


def jobs_from_multirun(folder: Path, seed_key: str = SEED_KEY) -> list[Job]:
    jobs = []
    for metrics_path in sorted(folder.glob("*/metrics.json")):
        overrides_path = metrics_path.parent / ".hydra" / "overrides.yaml"
        if not overrides_path.is_file():
            raise FileNotFoundError(f"{overrides_path}: a multirun job folder needs Hydra's overrides.yaml")
        config, seed = configuration_of(yaml.safe_load(overrides_path.read_text()) or [], seed_key)
        jobs.append(Job(config, seed, flatten(json.loads(metrics_path.read_text()))))
    if not jobs:
        raise FileNotFoundError(f"{folder}: no */metrics.json (is it a multirun folder of finished jobs?)")
    return jobs


def jobs_from_wandb(
    group: str, project: str, entity: str | None, seed_key: str = SEED_KEY, api=None
) -> list[Job]:
    """Finished runs of a W&B group; their configuration comes from the overrides distill logs."""
    if api is None:
        import wandb

        api = wandb.Api()
    path = f"{entity}/{project}" if entity else project
    jobs = []
    for run in api.runs(path, filters={"group": group, "state": "finished"}):
        overrides = run.config.get("hydra_overrides") or [f"{k}={v}" for k, v in sorted(run.config.items())]
        config, seed = configuration_of(overrides, seed_key)
        metrics = {
            k: v for k, v in dict(run.summary).items() if isinstance(v, int | float) and not k.startswith("_")
        }
        jobs.append(Job(config, seed, metrics))
    if not jobs:
        raise ValueError(f"W&B group {group!r} in {path} has no finished runs")
    return jobs


def bootstrap_ci(
    values: np.ndarray, rng: np.random.Generator, resamples: int = 10_000
) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the mean (a single value has a zero-width interval)."""
    if len(values) == 1:
        return float(values[0]), float(values[0])
    means = rng.choice(values, size=(resamples, len(values)), replace=True).mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def summarize(jobs: list[Job], metric: str, seed: int = 0) -> list[Summary]:
    by_config: dict[str, list[float]] = defaultdict(list)
    for job in jobs:
        if metric in job.metrics and math.isfinite(job.metrics[metric]):
            by_config[job.config].append(job.metrics[metric])
    rng = np.random.default_rng(seed)
    rows = []
    for config, values in sorted(by_config.items()):
        array = np.array(values, dtype=float)
        low, high = bootstrap_ci(array, rng)
        std = float(array.std(ddof=1)) if len(array) > 1 else 0.0
        rows.append(Summary(config, len(array), float(array.mean()), std, low, high))
    return rows


def lower_is_better(metric: str) -> bool:
    return bool(LOWER_IS_BETTER.search(metric)) and "pass@" not in metric


def markdown_table(metric: str, rows: list[Summary]) -> str:
    best = min if lower_is_better(metric) else max
    winner = best(rows, key=lambda r: r.mean).config if rows else None
    lines = [
        f"### {metric} ({'lower' if lower_is_better(metric) else 'higher'} is better)",
        "",
        "| configuration | seeds | mean ± std | 95 % bootstrap CI |",
        "|---|---|---|---|",
    ]
    for row in rows:
        mark = " **best**" if row.config == winner else ""
        lines.append(
            f"| `{row.config}`{mark} | {row.n} | {row.mean:.4f} ± {row.std:.4f} | [{row.ci_low:.4f}, {row.ci_high:.4f}] |"
        )
    return "\n".join(lines)


def plot(metric: str, rows: list[Summary], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(4.0, 1.2 * len(rows)), 3.5))
    means = [r.mean for r in rows]
    errors = [[r.mean - r.ci_low for r in rows], [r.ci_high - r.mean for r in rows]]
    ax.bar(range(len(rows)), means, yerr=errors, capsize=4, color="#4C72B0")
    ax.set_xticks(range(len(rows)), [r.config for r in rows], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric}: mean over seeds, 95 % bootstrap CI")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def select_metrics(jobs: list[Job], patterns: list[str]) -> list[str]:
    names = sorted({name for job in jobs for name in job.metrics})
    if not patterns:
        return names
    chosen = [n for n in names if any(re.search(p, n) for p in patterns)]
    if not chosen:
        raise ValueError(f"no metric matches {patterns}; available: {names[:20]}")
    return chosen


def compare(jobs: list[Job], metrics: list[str], out_dir: Path, title: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    sections = [f"# {title}", "", f"{len(jobs)} jobs, {len({j.config for j in jobs})} configurations.", ""]
    for metric in metrics:
        rows = summarize(jobs, metric)
        if not rows:
            continue
        image = plot(metric, rows, out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', metric)}.png")
        sections += [markdown_table(metric, rows), "", f"![{metric}]({image.name})", ""]
    report = out_dir / "ablation.md"
    report.write_text("\n".join(sections))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--multirun", type=Path, help="a Hydra multirun folder")
    source.add_argument("--wandb-group", help="a W&B group (the sweep folder's name)")
    parser.add_argument("--project", default="distill")
    parser.add_argument("--entity")
    parser.add_argument(
        "--metric", action="append", default=[], help="regex of metrics to compare (repeatable)"
    )
    parser.add_argument("--seed-key", default=SEED_KEY)
    parser.add_argument("--out", type=Path, help="output folder (default: <multirun>/comparison)")
    args = parser.parse_args(argv)
    if args.multirun:
        jobs = jobs_from_multirun(args.multirun, args.seed_key)
        out, title = args.out or args.multirun / "comparison", f"Ablation: {args.multirun.name}"
    else:
        jobs = jobs_from_wandb(args.wandb_group, args.project, args.entity, args.seed_key)
        out, title = args.out or Path("comparison") / args.wandb_group, f"Ablation: {args.wandb_group}"
    report = compare(jobs, select_metrics(jobs, args.metric), out, title)
    print(report.read_text())
    print(f"written: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
