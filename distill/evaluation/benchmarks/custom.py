"""The generated test split (``custom``): each row's problem, in its language, tested by its own tests.

The student is prompted with the training template (``### Instruction (language): ... ###
Response:``), the teacher with the problem statement. Program = solution, then the row's tests, the
generated data's convention (``distill/execution/languages.py`` for every language). Python runs in
the batched sandbox; the other languages compile then run in the sandbox through ``languages``, and
a language whose toolchain is not installed is reported as such, never as a failure of the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from distill.config.schemas import EvaluationConfig
from distill.data.datamodule import format_prompt
from distill.data.jsonl import read_records, require
from distill.evaluation.problem import Problem

STOPS = ("\n### ", "\n```")
FIELDS = ("language", "problem", "tests")


def instruction(problem: str, language: str) -> str:
    return (
        f"{problem.strip()}\n\nWrite the solution in {language}. Reply with the solution only (no tests, "
        f"no main function unless the task asks for one) in one ```{language} code block."
    )


def load(config: EvaluationConfig) -> list[Problem]:
    if not config.custom_test_path:
        raise ValueError("eval.custom_test_path: required for the custom benchmark")
    return load_custom(config.custom_test_path)


def describe(config: EvaluationConfig) -> dict[str, Any]:
    return {"prompt": "the training template (### Instruction (language) / ### Response)"}


def load_custom(path: str | Path) -> list[Problem]:
    rows = read_records(path)
    if not rows:
        raise ValueError(f"eval.custom_test_path: no test rows in {path}")
    problems = []
    for number, row in enumerate(rows, 1):
        where = f"{path}:{number}"
        require(row, FIELDS, where)
        for name in FIELDS:
            if not row[name]:
                raise ValueError(f"{where}: row {row.get('id', '?')} has an empty {name!r}")
        problems.append(
            Problem(
                task_id=str(row.get("id", number)),
                benchmark="custom",
                language=row["language"],
                prompt=format_prompt(row["problem"], row["language"]),
                instruction=instruction(row["problem"], row["language"]),
                stop_sequences=STOPS,
                tests=row["tests"],
                solution=row.get("solution", ""),
                source=str(path),
            )
        )
    return problems
