"""MBPP (Austin et al., 2021): a short task, three asserts, and a reference solution.

- Data: ``datasets.load_dataset(eval.mbpp.hub_dataset, variant)`` from the Hub, or a local file
  (``eval.mbpp.path``: the original ``mbpp.jsonl`` or ``sanitized-mbpp.json``); offline, the copy of
  those files shipped in ``distill.benchmark_data`` (with a warning naming it); the split is chosen
  by task id as in the paper: prompt 1-10, test 11-510, validation 511-600, train 601-974.
- Prompt: the paper's format, as the CodeLlama paper evaluates it (3-shot with tasks 2, 3, 4): "You
  are an expert Python programmer, and here is your task: {text} Your code should pass these
  tests:\\n\\n{tests}\\n[BEGIN]\\n{code}\\n[DONE]"; the model writes after ``[BEGIN]`` and stops at
  ``[DONE]``.
- Program: the completion, then ``test_setup_code`` (sanitized: ``test_imports``), then the asserts.
  The setup must come after the code: tasks 367 and 927 build trees from the solution's ``Node``
  class, so a harness that drops or reorders it can never pass them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from distill.benchmark_data import benchmark_file
from distill.config.schemas import EvaluationConfig, MBPPConfig
from distill.data.jsonl import read_records, require
from distill.evaluation.problem import Problem

SPLIT_TASK_IDS = {
    "prompt": range(1, 11),
    "test": range(11, 511),
    "validation": range(511, 601),
    "train": range(601, 975),
}
SHOT_TASK_IDS = (2, 3, 4)
SHIPPED_FILES = {"full": "mbpp.jsonl", "sanitized": "sanitized-mbpp.json"}
log = logging.getLogger(__name__)
STOPS = ("[DONE]", "\nYou are an expert Python programmer")
FIELDS = {"full": ("task_id", "text", "code", "test_list", "test_setup_code"),
          "sanitized": ("task_id", "prompt", "code", "test_list", "test_imports")}  # fmt: skip


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _normalise(record: dict, variant: str, where: str) -> dict:
    """One record as ``task_id, text, code, tests, setup`` whatever the variant."""
    require(record, FIELDS[variant], where)
    setup = record["test_setup_code"] if variant == "full" else "\n".join(record["test_imports"])
    return {
        "task_id": int(record["task_id"]),
        "text": _lf(record["text" if variant == "full" else "prompt"]).strip(),
        "code": _lf(record["code"]).strip("\n"),
        "tests": [_lf(t) for t in record["test_list"]],
        "setup": _lf(setup).strip("\n"),
    }


def example(text: str, tests: list[str], code: str | None = None) -> str:
    """One task in the paper's format; without ``code`` it ends where the model starts writing."""
    head = f"You are an expert Python programmer, and here is your task: {text} Your code should pass these tests:\n\n"
    head += "\n".join(tests) + "\n[BEGIN]\n"
    return head if code is None else f"{head}{code}\n[DONE]"


def instruction(task: dict) -> str:
    return (
        f"{task['text']} Your code should pass these tests:\n\n" + "\n".join(task["tests"])
        + "\n\nReply with the Python code (the function and the imports it needs) in one ```python code block."
    )  # fmt: skip


def _from_file(path: str | Path, config: MBPPConfig) -> tuple[list[dict], list[dict]]:
    records = read_records(path)
    tasks = [_normalise(r, config.variant, f"{path}: record {i}") for i, r in enumerate(records, 1)]
    by_id = {t["task_id"]: t for t in tasks}
    split = [t for t in tasks if t["task_id"] in SPLIT_TASK_IDS[config.split]]
    return split, [by_id[i] for i in SHOT_TASK_IDS if i in by_id]


def _from_hub(config: MBPPConfig) -> tuple[list[dict], list[dict]]:
    from datasets import load_dataset

    def hub(split: str) -> list[dict]:
        rows = load_dataset(config.hub_dataset, config.variant, split=split)
        return [
            _normalise(r, config.variant, f"{config.hub_dataset}/{split}: row {i}")
            for i, r in enumerate(rows)
        ]

    split = hub(config.split)
    return split, [t for t in hub("prompt") if t["task_id"] in SHOT_TASK_IDS] if config.num_shots else []


def _load(config: MBPPConfig) -> tuple[list[dict], list[dict], str]:
    """(tasks of the configured split, the few-shot tasks, where they were read): from ``eval.mbpp.path``, else the Hub, else
    (offline) the copy shipped with distill, which is the same data (google-research's files)."""
    if config.path:
        split, shots = _from_file(config.path, config)
        where = config.path
    else:
        try:
            split, shots = _from_hub(config)
            where = config.hub_dataset
        except ConnectionError as exc:
            where = benchmark_file(SHIPPED_FILES[config.variant])
            log.warning("eval.mbpp: %s unreachable (%s); using the copy shipped with distill: %s",
                        config.hub_dataset, exc, where)  # fmt: skip
            split, shots = _from_file(where, config)
    if not split:
        raise ValueError(
            f"eval.mbpp.path: no {config.split} tasks ({SPLIT_TASK_IDS[config.split]}) in {where}"
        )
    if len(shots) < config.num_shots:
        raise ValueError(f"eval.mbpp.num_shots: {where} lacks the few-shot tasks {SHOT_TASK_IDS}")
    return split, sorted(shots, key=lambda t: t["task_id"])[: config.num_shots], str(where)


def load(config: EvaluationConfig) -> list[Problem]:
    return load_mbpp(config.mbpp)


def describe(config: EvaluationConfig) -> dict[str, Any]:
    mbpp = config.mbpp
    return {"variant": mbpp.variant, "split": mbpp.split,
            "prompt": f"Austin et al. format, {mbpp.num_shots}-shot (tasks 2, 3, 4)"}  # fmt: skip


def load_mbpp(config: MBPPConfig) -> list[Problem]:
    tasks, shots, where = _load(config)
    few_shot = "".join(example(s["text"], s["tests"], s["code"]) + "\n" for s in shots)
    return [
        Problem(
            task_id=f"MBPP/{task['task_id']}",
            benchmark="mbpp",
            language="python",
            prompt=few_shot + example(task["text"], task["tests"]),
            instruction=instruction(task),
            stop_sequences=STOPS,
            tests="\n".join(filter(None, [task["setup"], *task["tests"]])),
            solution=task["code"],
            source=str(where),
        )
        for task in tasks
    ]
