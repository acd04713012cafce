"""What quality control costs on top of running the samples' tests, on the demo's kind of data.

N Python answers of the offline task bank (easy and medium, clean and optimized: the demo's cells) go
through :meth:`DatasetQualityController.review` in chunks of 64, as the generator sends them: format,
length, secrets, tree-sitter + ``ast`` syntax, decontamination against HumanEval/MBPP/APPS (13-grams and
benchmark strings), exact and MinHash-LSH near-duplicates, then the tests in the sandbox. The baseline,
in the same process and on the same samples, is the tests alone (``languages.run_programs``), which is
what the generation step paid per sample before these checks existed. The full QC tests fewer samples
(the rejected ones are not run), so the figure adds the static checks alone (a controller with
``execute_tests`` off) to the tests-only time: an upper bound of the overhead. The benchmark indexes are
built before timing (once per process, as in a run), and their build time is printed separately.

    .venv/bin/python scripts/bench/quality_overhead.py [--samples 600]

The last line is the figure: (static checks + tests) / tests-only time (goal <= 1.5).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time

from distill.api.types import CodeGenerationResponse
from distill.config.schemas import DatasetConfig
from distill.data.sample_format import GeneratedSample, parse_sample, render_sample
from distill.execution import languages
from distill.generation.quality import DatasetQualityController
from distill.offline.task_bank import TaskBank

CHUNK = 64


def answers(count: int) -> list[CodeGenerationResponse]:
    bank, rng = TaskBank(), random.Random(0)
    responses = []
    for seed in range(count):
        task = bank.sample(
            "python", rng.choice(("easy", "easy", "medium")), rng.choice(("clean", "optimized")), None, seed
        )
        text = render_sample(GeneratedSample(task.problem, task.solution, task.tests), "python")
        responses.append(CodeGenerationResponse("", "", "python", 0, 0.0, True, metadata={"text": text}))
    return responses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=600)
    args = parser.parse_args()
    responses = answers(args.samples)
    config = DatasetConfig(
        target_size=args.samples, languages=["python"], language_distribution={"python": 1}
    )

    start = time.perf_counter()
    quality = DatasetQualityController(config)
    build_s = time.perf_counter() - start

    start = time.perf_counter()
    samples = [parse_sample(r.metadata["text"], "python") for r in responses]
    programs = [("python", languages.program("python", s.solution, s.tests)) for s in samples]
    for begin in range(0, len(programs), CHUNK):
        languages.run_programs(quality.sandbox, programs[begin : begin + CHUNK], quality.max_workers)
    tests_s = time.perf_counter() - start

    start = time.perf_counter()
    for begin in range(0, len(responses), CHUNK):
        chunk = responses[begin : begin + CHUNK]
        quality.review(chunk, ["python"] * len(chunk), ["python/easy/clean"] * len(chunk))
    qc_s = time.perf_counter() - start

    static = DatasetQualityController(dataclasses.replace(config, execute_tests=False), quality.sandbox)
    start = time.perf_counter()
    for begin in range(0, len(responses), CHUNK):
        chunk = responses[begin : begin + CHUNK]
        static.review(chunk, ["python"] * len(chunk), ["python/easy/clean"] * len(chunk))
    static_s = time.perf_counter() - start

    report = quality.get_quality_report()
    print(f"benchmark indexes built in {build_s:.2f} s (once per process)")
    print(
        f"{args.samples} samples: tests only {tests_s:.2f} s, static checks {static_s:.2f} s, full QC {qc_s:.2f} s"
    )
    print(f"rejected: {report['rejected_by_reason']}")
    print(f"(static checks + tests)/tests-only time ratio: {(static_s + tests_s) / tests_s:.2f}")


if __name__ == "__main__":
    main()
