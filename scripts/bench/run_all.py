"""Every benchmark under ``scripts/bench/`` that this machine can run, one after another (never two at
once: their memory and time figures would disturb each other), and a table of their figures: each
benchmark's last line, a ratio against a baseline measured in the same run. What ``make bench`` runs.

A benchmark runs with its own defaults unless :data:`NEEDS` says what it needs: one that needs a CUDA
GPU is skipped without one, and ``padding_waste.py`` measures the newest dataset that ``make demo``
wrote (skipped when there is none). A script added to the folder runs with no arguments. Each script's
output goes to the terminal as it runs; the table comes at the end.

    .venv/bin/python scripts/bench/run_all.py                        # all of them (about an hour on CPU)
    .venv/bin/python scripts/bench/run_all.py --only kd_loss_memory  # some of them (names or file names)
    .venv/bin/python scripts/bench/run_all.py --list                 # what would run, what is skipped, why
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _cuda() -> str | None:
    """None when a CUDA GPU is present, else why the benchmark is skipped."""
    import torch

    return None if torch.cuda.is_available() else "needs a CUDA GPU"


def _demo_dataset() -> list[str] | str:
    """The newest dataset written by ``make demo`` (arguments), or why there is none."""
    folders = sorted(ROOT.glob("outputs/*/runs/*/data"), key=lambda path: path.stat().st_mtime)
    return [str(folders[-1])] if folders else "needs a generated dataset (run `make demo` first)"


@dataclass
class Need:
    """Arguments for a benchmark, or the reason it cannot run here (each a callable, run at start)."""

    skip: Callable[[], str | None] = lambda: None
    arguments: Callable[[], list[str] | str] = lambda: []


NEEDS: dict[str, Need] = {
    "qlora_7b_gpu.py": Need(skip=_cuda),
    "padding_waste.py": Need(arguments=_demo_dataset),
}


@dataclass
class Outcome:
    script: str
    status: str  # ran | failed | skipped
    line: str  # the last line, or the reason for skipping or failing
    seconds: float = 0.0


def _scripts(only: list[str]) -> list[Path]:
    scripts = sorted(  # _name.py: a module the benchmarks share
        path
        for path in HERE.glob("*.py")
        if path.name != Path(__file__).name and not path.name.startswith("_")
    )
    if only:
        wanted = {name if name.endswith(".py") else name + ".py" for name in only}
        unknown = wanted - {path.name for path in scripts}
        if unknown:
            raise SystemExit(
                f"--only: no {sorted(unknown)} in {HERE} (there are {[p.name for p in scripts]})"
            )
        scripts = [path for path in scripts if path.name in wanted]
    return scripts


def _plan(script: Path) -> list[str] | str:
    """The arguments to run ``script`` with, or why it is skipped."""
    need = NEEDS.get(script.name, Need())
    reason = need.skip()
    if reason:
        return reason
    return need.arguments()


def _run(script: Path, arguments: list[str], timeout: float) -> Outcome:
    """Runs one benchmark, streaming its output, and keeps its last non-empty line."""
    print(f"\n=== {script.name} {' '.join(arguments)}".rstrip(), flush=True)
    start = time.perf_counter()
    last = ""
    with subprocess.Popen(
        [sys.executable, str(script), *arguments],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as process:
        fired = threading.Event()

        def kill() -> None:  # a silent, stuck benchmark is ended too
            fired.set()
            process.kill()

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        try:
            for line in process.stdout:
                print(line, end="", flush=True)
                if line.strip():
                    last = line.strip()
            code = process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
        timed_out = fired.is_set()
    seconds = time.perf_counter() - start
    if timed_out:
        return Outcome(script.name, "failed", f"over the {timeout:.0f} s limit (--timeout)", seconds)
    if code != 0:
        return Outcome(script.name, "failed", f"exit {code}: {last}", seconds)
    return Outcome(script.name, "ran", last, seconds)


def _table(outcomes: list[Outcome]) -> None:
    print("\n| benchmark | status | figure (its last line) | wall time |")
    print("|---|---|---|---|")
    for o in outcomes:
        line = o.line.replace("|", "\\|")
        seconds = f"{o.seconds:.0f} s" if o.status in ("ran", "failed") else ""
        print(f"| {o.script} | {o.status} | {line} | {seconds} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--list", action="store_true", help="print what would run and what is skipped")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per benchmark")
    args = parser.parse_args(argv)
    scripts = _scripts([name for name in args.only.split(",") if name])
    outcomes = []
    for script in scripts:
        plan = _plan(script)
        if isinstance(plan, str):
            outcomes.append(Outcome(script.name, "skipped", plan))
        elif args.list:
            outcomes.append(Outcome(script.name, "would run", " ".join(plan) or "(its defaults)"))
        else:
            outcomes.append(_run(script, plan, args.timeout))
    _table(outcomes)
    ran = sum(o.status == "ran" for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    print(f"{ran} benchmarks ran, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
