"""The offline task bank: reference solutions pass their tests, wrong ones fail, and sampling is deterministic.

Python programs run in ``python -I`` subprocesses; to stay fast, one subprocess per family runs all of that
family's programs, each ``exec``-ed in a namespace of its own. The other five languages run in the sandbox
with their real toolchains: all families of one language are built as one program (compiled once), each
instance combined with its tests exactly as :func:`distill.execution.languages.program` combines a
generated sample, then wrapped in a scope of its own (a JavaScript function, a Java nested class, a C++
namespace, a Rust module, a Go package) so that instances with clashing names build together; a driver
runs each in turn and prints ``OUTCOME <index> ok`` or ``OUTCOME <index> <failure>``.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence

import pytest

from distill.execution.languages import GXX, RUSTC, Program, java_program, program, run_programs, toolchain
from distill.execution.sandbox import Sandbox
from distill.generation.syntax import check_syntax
from distill.offline.task_bank import DIFFICULTIES, FAMILIES, STYLES, TaskBank, TaskFamily, TaskInstance

SEEDS = range(10)
TIMEOUT_S = 10
LANGUAGES = ("python", "javascript", "java", "cpp", "go", "rust")
COMPILED_OR_NODE = LANGUAGES[1:]

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


def python_program(instance: TaskInstance) -> str:
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
    outcomes = run_batch([python_program(i) for i in drawn] + wrong)
    failures = [
        f"{i.style}: {o}\n{python_program(i)}" for i, o in zip(drawn, outcomes, strict=False) if o != "ok"
    ]
    assert not failures, "\n\n".join(failures)
    assert Counter(outcomes[len(drawn) :]) == {"AssertionError": len(wrong)}

    # The same, with the exit code of a program of its own.
    assert run_alone(python_program(drawn[0])).returncode == 0
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
    assert all(family.languages == LANGUAGES for family in FAMILIES)


def test_family_refuses_other_languages_and_styles() -> None:
    family = FAMILIES[0]
    with pytest.raises(ValueError, match=r"no tasks in cobol \(it has: python, javascript"):
        family.generate(random.Random(0), "cobol", "clean")
    with pytest.raises(ValueError, match="verbose"):
        family.generate(random.Random(0), "python", "verbose")


def test_bank_lists_languages_topics_and_families() -> None:
    bank = TaskBank()
    assert bank.languages() == sorted(LANGUAGES)
    topics = bank.topics("python")
    assert topics == sorted(set(topics))
    assert {"strings", "lists", "math", "dicts", "sorting", "searching", "dp", "matrices", "parsing"} <= set(
        topics
    )
    for language in LANGUAGES:
        assert len(bank.families(language)) == len(FAMILIES)
        assert bank.topics(language) == topics
    assert bank.families("cobol") == []
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
    with pytest.raises(
        ValueError, match=r"no tasks in cobol \(it has: cpp, go, java, javascript, python, rust\)"
    ):
        bank.sample("cobol", "easy", "clean", None, seed=0)
    with pytest.raises(ValueError, match="extreme"):
        bank.sample("python", "extreme", "clean", None, seed=0)
    with pytest.raises(ValueError, match="verbose"):
        bank.sample("python", "easy", "verbose", None, seed=0)


# ------------------------------------------------------------------------------------ the other languages
def _combined(instance: TaskInstance) -> str:
    """The one source file of a concatenating language (javascript, cpp, rust)."""
    files = program(instance.language, instance.solution, instance.tests).files
    (text,) = files.values()
    return text


def _hoist(text: str, prefix: str) -> tuple[list[str], str]:
    lines = text.splitlines()
    return [line for line in lines if line.startswith(prefix)], "\n".join(
        line for line in lines if not line.startswith(prefix)
    )


def javascript_batch(instances: Sequence[TaskInstance]) -> Program:
    parts = [f"run({i}, () => {{\n{_combined(instance)}\n}});" for i, instance in enumerate(instances)]
    driver = (
        "function run(i, body) {\n"
        "  try {\n    body();\n    console.log(`OUTCOME ${i} ok`);\n  } catch (e) {\n"
        "    console.log(`OUTCOME ${i} ${String(e.message).split('\\n')[0]}`);\n  }\n}\n\n"
    )
    return Program({"main.js": driver + "\n\n".join(parts) + "\n"}, (), ("node", "main.js"))


def java_batch(instances: Sequence[TaskInstance]) -> Program:
    imports: set[str] = set()
    classes, calls = [], []
    for i, instance in enumerate(instances):
        solution_imports, solution = _hoist(instance.solution, "import ")
        test_imports, tests = _hoist(instance.tests, "import ")
        imports.update(solution_imports + test_imports)
        solution = re.sub(r"^class Solution\b", "static class Solution", solution.strip(), flags=re.MULTILINE)
        tests = re.sub(r"^public class Main\b", "static class Main", tests.strip(), flags=re.MULTILINE)
        classes.append(f"class T{i} {{\n{solution}\n\n{tests}\n}}")
        calls.append(
            f"        try {{\n            T{i}.Main.main(new String[0]);\n"
            f'            System.out.println("OUTCOME {i} ok");\n'
            f'        }} catch (Throwable e) {{\n            System.out.println("OUTCOME {i} " + e);\n        }}'
        )
    batch = (
        "\n".join(sorted(imports))
        + "\n\n"
        + "\n\n".join(classes)
        + "\n\npublic class Batch {\n    public static void main(String[] args) {\n"
        + "\n".join(calls)
        + "\n    }\n}\n"
    )
    return java_program({"Batch.java": batch}, "Batch")


def cpp_batch(instances: Sequence[TaskInstance]) -> Program:
    includes: set[str] = {"#include <iostream>"}
    spaces, calls = [], []
    for i, instance in enumerate(instances):
        head, body = _hoist(_combined(instance), "#include")
        includes.update(head)
        body = re.sub(r"^int main\(\)", "int run()", body, flags=re.MULTILINE)
        spaces.append(f"namespace t{i} {{\n{body}\n}}  // namespace t{i}")
        calls.append(f'    std::cout << "OUTCOME {i} " << (t{i}::run() == 0 ? "ok" : "failed") << std::endl;')
    text = "\n".join(sorted(includes)) + "\n\n" + "\n\n".join(spaces)
    text += "\n\nint main() {\n" + "\n".join(calls) + "\n    return 0;\n}\n"
    return Program({"main.cpp": text}, (GXX,), ("./main",))


def rust_batch(instances: Sequence[TaskInstance]) -> Program:
    modules, calls = [], []
    for i, instance in enumerate(instances):
        body = re.sub(r"^fn main\(\)", "pub fn main()", _combined(instance), flags=re.MULTILINE)
        modules.append(f"mod t{i} {{\n#![allow(dead_code)]\n{body}\n}}")
        calls.append(
            f"    match std::panic::catch_unwind(t{i}::main) {{\n"
            f'        Ok(()) => println!("OUTCOME {i} ok"),\n'
            f'        Err(_) => println!("OUTCOME {i} panicked"),\n    }}'
        )
    text = "\n\n".join(modules) + "\n\nfn main() {\n" + "\n".join(calls) + "\n}\n"
    return Program({"main.rs": text}, (RUSTC,), ("./main",))


def go_batch(instances: Sequence[TaskInstance]) -> Program:
    files = {"go.mod": "module batch\n\ngo 1.19\n"}
    imports, calls = [], []
    for i, instance in enumerate(instances):
        for name, text in (("solution.go", instance.solution), ("main.go", instance.tests)):
            text = re.sub(r"^package main$", f"package t{i}", text, flags=re.MULTILINE)
            files[f"t{i}__{name}"] = re.sub(r"^func main\(\)", "func Main()", text, flags=re.MULTILINE) + "\n"
        imports.append(f'\tt{i} "batch/t{i}"')
        calls.append(f"\trun({i}, t{i}.Main)")
    files["main.go"] = (
        'package main\n\nimport (\n\t"fmt"\n' + "\n".join(imports) + "\n)\n\n"
        "func run(i int, f func()) {\n"
        "\tdefer func() {\n\t\tif r := recover(); r != nil {\n"
        '\t\t\tfmt.Printf("OUTCOME %d %v\\n", i, r)\n\t\t}\n\t}()\n'
        '\tf()\n\tfmt.Printf("OUTCOME %d ok\\n", i)\n}\n\n'
        "func main() {\n" + "\n".join(calls) + "\n}\n"
    )
    # The sandbox writes flat files: move t<i>__<name>.go into the package folder t<i>/ first.
    unpack = 'for f in t*__*.go; do d="${f%%__*}"; mkdir -p "$d"; mv "$f" "$d/${f#*__}"; done'
    return Program(files, (("sh", "-c", unpack), ("go", "build", "-o", "main", ".")), ("./main",))


BATCHES = {
    "javascript": javascript_batch,
    "java": java_batch,
    "cpp": cpp_batch,
    "rust": rust_batch,
    "go": go_batch,
}


def run_batch_in(sandbox: Sandbox, language: str, instances: Sequence[TaskInstance]) -> list[str]:
    """One outcome per instance: "ok", or what failed; an AssertionError carries the build or run output."""
    (result,) = run_programs(sandbox, [(language, BATCHES[language](instances))], timeout_s=120)
    outcomes = dict(re.findall(r"^OUTCOME (\d+) (.*)$", result.stdout, flags=re.MULTILINE))
    if len(outcomes) != len(instances):
        raise AssertionError(f"{language} batch did not run: {result.reason}\n{result.stderr[-3000:]}")
    return [outcomes[str(i)] for i in range(len(instances))]


def covering(family: TaskFamily, language: str) -> list[TaskInstance]:
    """Instances of every style x variant of a family (and at least two per style)."""
    drawn = []
    for style in STYLES:
        seen: set[str] = set()
        for seed in range(80):
            instance = family.generate(random.Random(seed), language, style)
            if instance.variant not in seen or seed < 2:
                seen.add(instance.variant)
                drawn.append(instance)
            if len(seen) == len(family.variants) and seed >= 1:
                break
        assert len(seen) == len(family.variants), f"{family.name}: not every variant drawn in 80 seeds"
    return drawn


def with_wrong_expectations(family: TaskFamily, language: str) -> list[TaskInstance]:
    """One instance per variant whose tests expect rotated results (each case another case's answer):
    at least one check must fail, in every language's assertion style."""
    wrong: dict[str, TaskInstance] = {}
    for seed in range(80):
        drawn = family.draw_instance(random.Random(seed))
        rotated = dataclasses.replace(drawn, expected=drawn.expected[1:] + drawn.expected[:1])
        instance = family.render(rotated, random.Random(seed), language, "clean")
        wrong.setdefault(instance.variant, instance)
    assert len(wrong) == len(family.variants)
    return list(wrong.values())


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.mark.slow
@pytest.mark.parametrize("language", COMPILED_OR_NODE)
def test_every_family_passes_its_tests_in_every_language_and_wrong_results_fail(sandbox, language):
    available = toolchain(language)
    if not available.available:
        pytest.skip(f"toolchain missing: {available.missing} (the code is syntax-checked by tree-sitter)")
    right = [instance for family in FAMILIES for instance in covering(family, language)]
    wrong = [instance for family in FAMILIES for instance in with_wrong_expectations(family, language)]
    outcomes = run_batch_in(sandbox, language, right + wrong)
    failures = [
        f"{i.family}/{i.variant}/{i.style}: {o}\n{i.solution}\n{i.tests}"
        for i, o in zip(right, outcomes, strict=False)
        if o != "ok"
    ]
    assert not failures, "\n\n".join(failures[:3])
    passing_wrong = [
        f"{i.family}/{i.variant}" for i, o in zip(wrong, outcomes[len(right) :], strict=True) if o == "ok"
    ]
    assert not passing_wrong, f"tests that accept wrong results: {passing_wrong}"
    covered = {(i.family, i.style, i.variant) for i in right}
    assert len(covered) == len(STYLES) * sum(len(f.variants) for f in FAMILIES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_bank_code_parses_in_every_language(language):
    for family in FAMILIES:
        for instance in covering(family, language):
            for part in ("solution", "tests"):
                report = check_syntax(getattr(instance, part), language)
                assert report.ok, (
                    f"{family.name}/{instance.style} {part}: {report.first}\n{getattr(instance, part)}"
                )


NAME = {
    "python": "Python",
    "javascript": "JavaScript",
    "java": "Java",
    "cpp": "C++",
    "go": "Go",
    "rust": "Rust",
}
CAMEL = re.compile(r"[a-z][a-zA-Z0-9]*")
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
# How each language's documented style documents and its optimized style states the complexity.
DOC_COMMENT = {"javascript": "/**", "java": "/**", "cpp": "// ", "go": "// ", "rust": "/// "}
CHECK = {"javascript": "assert.deepStrictEqual(", "java": "check(Solution.", "cpp": "    check(", "go": "\tcheck(",
         "rust": "    assert_eq!("}  # fmt: skip


@pytest.mark.parametrize("language", COMPILED_OR_NODE)
def test_instances_are_well_formed_in_every_language(language):
    for family in FAMILIES:
        for instance in covering(family, language):
            assert (instance.family, instance.language, instance.difficulty) == (
                family.name,
                language,
                family.difficulty,
            )
            assert (CAMEL if language in ("javascript", "java", "go") else SNAKE).fullmatch(
                instance.entry_point
            )
            assert NAME[language] in instance.problem and instance.entry_point in instance.problem
            assert not re.search(r"\b(True|False|None)\b", instance.problem) or language in ("rust",)
            checks = [
                line
                for line in instance.tests.splitlines()
                if line.lstrip().startswith(CHECK[language].strip())
            ]
            assert 3 <= len(checks) <= 5, instance.tests
            assert all(instance.entry_point in line for line in checks)
            if instance.style == "documented":
                assert DOC_COMMENT[language] in instance.solution
            if instance.style == "optimized":
                assert "// O(" in instance.solution
            else:
                assert "// O(" not in instance.solution


def test_generation_is_deterministic_in_every_language():
    for family in FAMILIES:
        for language in COMPILED_OR_NODE:
            first = family.generate(random.Random(3), language, "documented")
            assert first == family.generate(random.Random(3), language, "documented")
            python = family.generate(random.Random(3), "python", "documented")
            # The same draw in every language: same variant, the expected values of the same reference.
            assert (first.variant, first.topic) == (python.variant, python.topic)
