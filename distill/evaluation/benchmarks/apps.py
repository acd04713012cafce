"""APPS (Hendrycks et al., 2021): competitive-programming problems tested by input/output pairs.

- Data: the Hub's ``codeparrot/apps`` files (``{split}.jsonl``, read by ``datasets.load_dataset``;
  the dataset's loading script is not run), or a local jsonl with the same fields
  (``eval.apps.path``). Published APPS numbers are on the test split; a local file whose rows carry
  a ``split`` field must match ``eval.apps.split``.
- Prompt: APPS's own format, as bigcode-evaluation-harness and the CodeLlama paper use it:
  ``\\nQUESTION:\\n{question}{starter_code}\\nUse Standard Input format|Use Call-Based format\\nANSWER:\\n``.
- Execution: one sandboxed run per test case (``apps_driver.py`` says how a program is run) with
  ``eval.apps.test_timeout_seconds`` each; after a timeout the sample's remaining cases are not run
  (they count as failed). Outputs are compared on the host (``apps_checker.py``).
- Metrics: pass@k (all test cases pass), and APPS's strict accuracy and test-case average on each
  problem's first sample.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from distill.benchmark_data import benchmark_file
from distill.config.schemas import APPSConfig, EvaluationConfig
from distill.data.jsonl import read_records, require
from distill.evaluation import apps_driver
from distill.evaluation.apps_checker import call_matches, stdout_matches
from distill.evaluation.problem import AppsTests, Problem
from distill.execution.sandbox import ExecutionResult, Job

DRIVER_SOURCE = Path(apps_driver.__file__).read_text(encoding="utf-8")
STOPS = ("\nQUESTION", "\n---", "\nANSWER")
FIELDS = ("problem_id", "question", "input_output", "difficulty", "starter_code")


def prompt(question: str, starter_code: str, fn_name: str | None) -> str:
    call_format = "\nUse Call-Based format" if fn_name else "\nUse Standard Input format"
    return f"\nQUESTION:\n{question}{starter_code}{call_format}\nANSWER:\n"


def instruction(question: str, starter_code: str, fn_name: str | None) -> str:
    if fn_name:
        how = f"Complete this Python 3 starter code; `{fn_name}` is called with the test's arguments:\n\n```python\n{starter_code}\n```"
    else:
        how = "Write a Python 3 program that reads the input from standard input and writes the answer to standard output."
    return f"{question.strip()}\n\n{how}\n\nReply with the complete code in one ```python code block."


def _records(config: APPSConfig) -> list[dict]:
    if config.path:
        records = read_records(config.path)
        splits = {r["split"] for r in records if "split" in r}
        if splits and config.split not in splits:
            raise ValueError(
                f"eval.apps.split: {config.split!r}, but {config.path} holds {sorted(splits)} problems "
                f"(set eval.apps.split accordingly)"
            )
        return [r for r in records if r.get("split", config.split) == config.split]
    from datasets import load_dataset

    files = f"hf://datasets/{config.hub_dataset}/{config.split}.jsonl"
    try:
        return load_dataset("json", data_files=files, split="train").to_list()
    except ConnectionError as exc:
        raise ValueError(
            f"eval.apps.path: {config.hub_dataset} unreachable ({exc}); offline, set eval.apps.path to a "
            f"local copy, e.g. the 150-problem train-split sample shipped with distill: "
            f"eval.apps.path={benchmark_file('apps-sample.jsonl')} eval.apps.split=train"
        ) from exc


def _json_field(value: str | dict | list, where: str):
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value) if value.strip() else None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not valid JSON ({exc})") from exc


def load(config: EvaluationConfig) -> list[Problem]:
    return load_apps(config.apps)


def describe(config: EvaluationConfig) -> dict[str, Any]:
    apps = config.apps
    info = {"split": apps.split, "difficulties": apps.difficulties,
            "prompt": "APPS format (QUESTION / Use Standard Input|Call-Based format / ANSWER)"}  # fmt: skip
    if apps.split != "test":
        info["note"] = f"the {apps.split} split: published APPS numbers are on the test split, not comparable"
    return info


def load_apps(config: APPSConfig) -> list[Problem]:
    """The problems of the configured split and difficulties that have test cases."""
    source = config.path or config.hub_dataset
    problems = []
    for number, record in enumerate(_records(config), 1):
        where = f"{source}: record {number}"
        require(record, FIELDS, where)
        if record["difficulty"] not in config.difficulties:
            continue
        io = _json_field(record["input_output"], f"{where}: input_output")
        if not io or not io.get("inputs"):
            continue  # a handful of APPS problems have no test cases: nothing to score
        if len(io["inputs"]) != len(io.get("outputs", [])):
            raise ValueError(
                f"{where}: input_output has {len(io['inputs'])} inputs but {len(io.get('outputs', []))} outputs"
            )
        solutions = _json_field(record.get("solutions") or "", f"{where}: solutions") or []
        fn_name = io.get("fn_name") or None
        cases = slice(None, config.max_tests)
        starter = record["starter_code"] or ""
        problems.append(
            Problem(
                task_id=f"APPS/{config.split}/{record['problem_id']}",
                benchmark="apps",
                language="python",
                prompt=prompt(record["question"], starter, fn_name),
                instruction=instruction(record["question"], starter, fn_name),
                stop_sequences=STOPS,
                solution=solutions[0] if solutions else "",
                apps=AppsTests(tuple(io["inputs"][cases]), tuple(io["outputs"][cases]), fn_name),
                source=source,
            )
        )
    if not problems:
        raise ValueError(
            f"eval.apps: no {config.split} problems with tests for {config.difficulties} in {source}"
        )
    return problems


def test_jobs(problem: Problem, completion: str, config: EvaluationConfig, group: int) -> list[Job]:
    """One sandbox job per test case of ``problem``."""
    tests, config = problem.apps, config.apps
    jobs = []
    for case_input in tests.inputs:
        call = tests.fn_name is not None
        case = {"fn_name": tests.fn_name, "args": case_input} if call else {}
        jobs.append(
            Job(
                python=DRIVER_SOURCE,
                files={"solution.py": completion, "case.json": json.dumps(case)},
                stdin="" if call else str(case_input),
                timeout_s=config.test_timeout_seconds,
                max_output_bytes=config.max_output_mb * 1024 * 1024,
                group=group,
            )
        )
    return jobs


def verdict(problem: Problem, results: list[ExecutionResult]) -> dict[str, Any]:
    """Passed when every test case passes; the result is "passed" or the first failure; and the
    counts of passed and run test cases (APPS's test-case average)."""
    tests = problem.apps
    passed, first_failure = [], ""
    for index, (result, expected) in enumerate(zip(results, tests.outputs, strict=True), 1):
        if not result.passed:
            ok, why = False, result.reason
        else:
            match = call_matches if tests.fn_name else stdout_matches
            ok = match(result.stdout, expected)
            why = "" if ok else "wrong answer"
        passed.append(ok)
        if not ok and not first_failure:
            first_failure = f"test {index}/{len(results)}: {why}"
    return {
        "passed": all(passed),
        "result": first_failure or "passed",
        "tests_passed": sum(passed),
        "tests_total": len(passed),
    }
