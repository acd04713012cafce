"""The pipeline summary never cuts the report path or the run folder, however narrow the terminal."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from distill.cli.summary import print_summary


def test_long_paths_are_printed_whole_on_a_narrow_terminal():
    report = "/very/long/" + "nested/" * 12 + "runs/2026-12-04_09-00-00/evaluation/report.md"
    run_folder = Path("/very/long/" + "folder/" * 12 + "runs/2026-12-04_09-00-00")
    out = io.StringIO()
    results = {"evaluate": {"pass_at_k": {"student": {"custom": {"pass@1": 0.25}}}, "report_path": report}}
    print_summary(results, run_folder, Console(file=out, width=40, force_terminal=False))
    lines = out.getvalue().splitlines()
    assert f"report: {report}" in lines
    assert f"run folder: {run_folder}" in lines
    assert "…" not in out.getvalue()
