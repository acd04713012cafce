"""The summary printed at the end of ``distill-pipeline``.

Results are folded, never cut with an ellipsis, and the report path and run folder (what a user copies)
are printed after the table, each on a line of its own, whatever the terminal's width.
"""

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def print_summary(results: dict[str, Any], output_dir: Path, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title="distill pipeline", show_header=True)
    table.add_column("stage", no_wrap=True)
    table.add_column("result", overflow="fold")
    if "generate" in results:
        g = results["generate"]
        sizes = ", ".join(f"{k} {v}" for k, v in g["sizes"].items())
        table.add_row("dataset", f"{sizes}; rejected {g['rejected']}; API cost ${g['usage']['cost_usd']:.4f}")
    if "train" in results:
        t = results["train"]
        losses = ", ".join(
            f"{k} {v:.4f}" for k, v in {**t["train"], **t["eval"]}.items() if not k.endswith("weight")
        )
        teacher = t["teacher"]
        teacher_text = teacher["kind"] + (
            f" (val CE {teacher['val/task_ce']:.4f})" if "val/task_ce" in teacher else ""
        )
        table.add_row("training", f"{t['steps']} steps; teacher {teacher_text}; {losses}")
    if "evaluate" in results:
        e = results["evaluate"]
        for model, benchmarks in e["pass_at_k"].items():
            scores = ", ".join(f"{b} {k} {v:.3f}" for b, s in benchmarks.items() for k, v in s.items())
            table.add_row(f"eval: {model}", scores)
    console.print(table)
    if "evaluate" in results and results["evaluate"].get("report_path"):
        console.print(f"report: {results['evaluate']['report_path']}", soft_wrap=True, highlight=False)
    console.print(f"run folder: {output_dir}", soft_wrap=True, highlight=False)
