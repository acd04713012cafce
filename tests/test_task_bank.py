"""The offline task bank: reference solutions pass their tests, wrong ones fail, and sampling is deterministic.

Programs run in ``python -I`` subprocesses; to stay fast, one subprocess per family runs all of that family's
programs, each ``exec``-ed in a namespace of its own.
"""

from __future__ import annotations

import ast
import json
import random
import re
import subprocess
import sys
from collections import Counter

import pytest

from distill.data.task_bank import DIFFICULTIES, FAMILIES, STYLES, TaskBank, TaskFamily, TaskInstance

SEEDS = range(10)
TIMEOUT_S = 10

# Runs every program of a JSON list read from stdin in a fresh namespace and prints one outcome per program.
RUNNER = """
import json, sys
outcomes = []
for source in json.load(sys.stdin):
    try:
        exec(compile(source, "<task>", "exec"), {"__name__": "__task__"})
        outcomes.append("ok")
    except BaseException as exc:
        outcomes.append(type(exc).__name__)
print(json.dumps(outcomes))
"""


def run_batch(programs: list[str]) -> list[str]:
    """Outcome of each program: "ok", or the name of the exception it raised."""
    proc = subprocess.run(
        [sys.executable, "-I", "-c", RUNNER],
        input=json.dumps(programs),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def run_alone(source: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-c", source], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )


def program(instance: TaskInstance) -> str:
    return f"{instance.solution}\n\n{instance.tests}"


def with_replacement(instance: TaskInstance, body: str) -> str:
    """The instance's program with its function redefined, after the solution, to ``return <body>``."""
    fake = f"def {instance.entry_point}(*args, **kwargs):\n    return {body}"
    return f"{instance.solution}\n\n\n{fake}\n\n{instance.tests}"


def expected_values(instance: TaskInstance) -> list[object]:
    """The right-hand sides of the instance's assertions."""
    return [ast.literal_eval(node.test.comparators[0]) for node in ast.parse(instance.tests).body]


def instances(family: TaskFamily, seeds: range = SEEDS) -> list[TaskInstance]:
    return [family.generate(random.Random(seed), "python", style) for style in STYLES for seed in seeds]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_solutions_pass_and_wrong_solutions_fail(family: TaskFamily) -> None:
    drawn = instances(family)
    # A function returning None, and one returning the first expected value whatever its input.
    wrong = [with_replacement(i, "None") for i in drawn] + [
        with_replacement(i, repr(expected_values(i)[0])) for i in drawn
    ]
    outcomes = run_batch([program(i) for i in drawn] + wrong)
    failures = [f"{i.style}: {o}\n{program(i)}" for i, o in zip(drawn, outcomes, strict=False) if o != "ok"]
    assert not failures, "\n\n".join(failures)
    assert Counter(outcomes[len(drawn) :]) == {"AssertionError": len(wrong)}

    # The same, with the exit code of a program of its own.
    assert run_alone(program(drawn[0])).returncode == 0
    broken = run_alone(with_replacement(drawn[0], "None"))
    assert broken.returncode != 0
    assert "AssertionError" in broken.stderr


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_instances_are_well_formed(family: TaskFamily) -> None:
    for instance in instances(family, range(4)):
        assert (instance.family, instance.language) == (family.name, "python")
        assert (instance.difficulty, instance.topic) == (family.difficulty, family.topic)
        assert f"`{instance.entry_point}(" in instance.problem
        assert "Python" in instance.problem
        assert re.fullmatch(r"[a-z][a-z0-9_]*", instance.entry_point)
        defined = [
            node.name for node in ast.parse(instance.solution).body if isinstance(node, ast.FunctionDef)
        ]
        assert defined == [instance.entry_point]
        lines = instance.tests.splitlines()
        assert 3 <= len(lines) <= 5
        assert all(line.startswith(f"assert {instance.entry_point}(") for line in lines)
        assert len({repr(value) for value in expected_values(instance)}) >= 2
        if instance.style == "documented":
            assert '"""' in instance.solution and "#" in instance.solution
        if instance.style == "optimized":
            assert "# O(" in instance.solution


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_generation_is_deterministic_and_varied(family: TaskFamily) -> None:
    for seed in range(3):
        assert family.generate(random.Random(seed), "python", "clean") == family.generate(
            random.Random(seed), "python", "clean"
        )
    drawn = [family.generate(random.Random(seed), "python", "clean") for seed in range(20)]
    assert len({i.problem for i in drawn}) >= 8
    assert len({i.entry_point for i in drawn}) >= 3
    assert len({i.solution for i in drawn}) >= 2
    assert len({i.tests for i in drawn}) >= 15


def test_family_table() -> None:
    names = [family.name for family in FAMILIES]
    assert len(names) >= 36
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in names)
    assert all(re.fullmatch(r"[a-z]+", family.topic) for family in FAMILIES)
    counts = Counter(family.difficulty for family in FAMILIES)
    assert set(counts) == set(DIFFICULTIES)
    assert counts["easy"] >= 10 and counts["medium"] >= 12 and counts["hard"] >= 8
    assert all(family.languages == ("python",) for family in FAMILIES)


def test_family_refuses_other_languages_and_styles() -> None:
    family = FAMILIES[0]
    with pytest.raises(ValueError, match="javascript"):
        family.generate(random.Random(0), "javascript", "clean")
    with pytest.raises(ValueError, match="verbose"):
        family.generate(random.Random(0), "python", "verbose")


def test_bank_lists_languages_topics_and_families() -> None:
    bank = TaskBank()
    assert bank.languages() == ["python"]
    topics = bank.topics("python")
    assert topics == sorted(set(topics))
    assert {"strings", "lists", "math", "dicts", "sorting", "searching", "dp", "matrices", "parsing"} <= set(
        topics
    )
    assert len(bank.families()) == len(FAMILIES) == len(bank.families("python"))
    assert bank.families("javascript") == []
    for difficulty in DIFFICULTIES:
        assert {f.difficulty for f in bank.families("python", difficulty)} == {difficulty}


def test_bank_sample_honours_the_request() -> None:
    bank = TaskBank()
    for difficulty in DIFFICULTIES:
        for style in STYLES:
            picked = {bank.sample("python", difficulty, style, None, seed).family for seed in range(12)}
            assert len(picked) >= 3
            for seed in range(3):
                instance = bank.sample("python", difficulty, style, None, seed)
                assert (instance.language, instance.difficulty, instance.style) == (
                    "python",
                    difficulty,
                    style,
                )
                assert instance == bank.sample("python", difficulty, style, None, seed)


def test_bank_sample_prefers_the_topic() -> None:
    bank = TaskBank()
    for family in bank.families("python"):
        instance = bank.sample("python", family.difficulty, "clean", family.topic, seed=7)
        assert instance.topic == family.topic
    # A topic the bank lacks falls back to any family of the difficulty.
    assert bank.sample("python", "hard", "clean", "astronomy", seed=1).difficulty == "hard"


def test_bank_sample_rejects_unknown_requests() -> None:
    bank = TaskBank()
    with pytest.raises(ValueError, match=r"no tasks in javascript \(it has: python\)"):
        bank.sample("javascript", "easy", "clean", None, seed=0)
    with pytest.raises(ValueError, match="extreme"):
        bank.sample("python", "extreme", "clean", None, seed=0)
    with pytest.raises(ValueError, match="verbose"):
        bank.sample("python", "easy", "verbose", None, seed=0)
