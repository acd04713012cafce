"""The report of a comparison: a markdown file and, next to it, a plot of pass@k per model and benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXTRA_METRICS = ("strict_accuracy", "test_case_average")


def _metric_names(models: dict[str, Any]) -> list[str]:
    names = {k for m in models.values() for b in m["benchmarks"].values() for k in b if k.startswith("pass@")}
    return sorted(names, key=lambda name: int(name.split("@")[1]))


def plot_pass_at_k(results: dict[str, Any], path: Path) -> Path | None:
    """Grouped bars: one panel per k, one group per benchmark, one bar per model. None without data."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models, benchmarks = results["models"], list(results["rankings"])
    metrics = _metric_names(models)
    if not metrics:
        return None
    figure, axes = plt.subplots(
        1, len(metrics), figsize=(max(6, 2.5 * len(benchmarks)) * len(metrics), 4.5), squeeze=False
    )
    width = 0.8 / max(1, len(models))
    for axis, metric in zip(axes[0], metrics, strict=True):
        for offset, (name, model) in enumerate(models.items()):
            values = [model["benchmarks"][b].get(metric, 0.0) for b in benchmarks]
            positions = [i + (offset - (len(models) - 1) / 2) * width for i in range(len(benchmarks))]
            bars = axis.bar(positions, values, width, label=name)
            axis.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7)
        axis.set_xticks(range(len(benchmarks)), benchmarks)
        axis.set_ylim(0, 1.05)
        axis.set_ylabel(metric)
        axis.set_title(f"{metric} per benchmark")
    axes[0][-1].legend(fontsize=8, loc="upper right")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def _format(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def write_report(results: dict[str, Any], path: Path) -> Path:
    models = results["models"]
    metrics = _metric_names(models)
    isolation = results["sandbox_isolation"]
    lines = ["# Evaluation report", ""]
    if isolation == "bwrap":
        lines += [f"Generated code ran in the sandbox: {results['sandbox']}.", ""]
    else:
        lines += [
            "> **WARNING: the generated code ran WITHOUT a sandbox** (bubblewrap is not available here): "
            "only rlimits and process groups separated it from this machine. Install `bubblewrap`.",
            "",
        ]
    decoding = ", ".join(f"{k}={v}" for k, v in results["decoding"].items())
    lines += [f"Decoding of the local models: {decoding}. Primary metric: {results['primary_metric']}.", ""]
    plot = plot_pass_at_k(results, path.with_name("pass_at_k.png"))
    if plot is not None:
        lines += [f"![pass@k per model and benchmark]({plot.name})", ""]
    for benchmark, ranking in results["rankings"].items():
        info = results["benchmarks"].get(benchmark, {})
        extras = [m for m in EXTRA_METRICS if any(m in models[n]["benchmarks"][benchmark] for n in ranking)]
        columns = [*metrics, *extras, "problems", "samples", "not evaluated"]
        lines += [f"## {benchmark}", ""]
        lines += [f"- {key}: {_format(value)}" for key, value in info.items()] + [""]
        lines += ["| rank | model | " + " | ".join(columns) + " |", "|---|---|" + "---|" * len(columns)]
        for rank, name in enumerate(ranking, 1):
            scores = models[name]["benchmarks"][benchmark]
            cells = [_format(scores[c]) if c in scores else "-" for c in columns[:-1]]
            cells.append(str(sum(scores.get("not_evaluated", {}).values())))
            lines.append(f"| {rank} | {name} | " + " | ".join(cells) + " |")
        for name in ranking:
            for reason, count in models[name]["benchmarks"][benchmark].get("not_evaluated", {}).items():
                lines.append(f"\n{name}: {count} sample(s) {reason}")
            for language, scores in models[name]["benchmarks"][benchmark].get("by_language", {}).items():
                per = ", ".join(f"{k} {_format(v)}" for k, v in scores.items())
                lines.append(f"\n{name} / {language}: {per}")
        lines.append("")
    lines += ["## Models", ""]
    for name, model in models.items():
        line = f"- **{name}**: `{model['path']}`"
        if "api_usage" in model:
            usage = model["api_usage"]
            line += (
                f" — API: {usage['requests']} requests, {usage['cache_hits']} from the cache, "
                f"${usage['cost_usd']:.4f}"
            )
        lines.append(line)
    lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path
