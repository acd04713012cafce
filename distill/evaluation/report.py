"""The markdown report of a comparison."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_report(results: dict[str, Any], path: Path) -> Path:
    models = results["models"]
    benchmarks = list(results["rankings"])
    metric_names = sorted(
        {k for m in models.values() for b in m["benchmarks"].values() for k in b if k.startswith("pass@")}
    )
    lines = ["# Evaluation report", ""]
    lines += [
        f"Code executed in the sandbox with isolation **{results['sandbox_isolation']}**"
        + (
            ""
            if results["sandbox_isolation"] == "bwrap"
            else " (WARNING: no namespace isolation; rlimits only)"
        )
        + ".",
        "",
        "Decoding: " + ", ".join(f"{k}={v}" for k, v in results["decoding"].items()) + ".",
        "",
    ]
    for benchmark in benchmarks:
        lines += [
            f"## {benchmark}",
            "",
            "| rank | model | " + " | ".join(metric_names) + " | problems | samples |",
        ]
        lines.append("|---|---|" + "---|" * len(metric_names) + "---|---|")
        for rank, name in enumerate(results["rankings"][benchmark], 1):
            scores = models[name]["benchmarks"][benchmark]
            values = " | ".join(f"{scores[m]:.3f}" if m in scores else "-" for m in metric_names)
            lines.append(f"| {rank} | {name} | {values} | {scores['problems']} | {scores['samples']} |")
        lines.append("")
    lines += ["## Models", ""] + [f"- **{name}**: `{m['path']}`" for name, m in models.items()] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path
