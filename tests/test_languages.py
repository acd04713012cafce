"""Running a solution against its tests in each language, in the sandbox (``distill.execution.languages``)."""

from __future__ import annotations

import pytest
from helpers import require_bubblewrap, require_toolchain

from distill.execution import languages
from distill.execution.languages import ToolchainMissing, run_tests, toolchain
from distill.execution.sandbox import Sandbox

# language -> (solution, tests, a wrong solution, a solution that does not build)
PROGRAMS = {
    "python": (
        "def add(a, b):\n    return a + b",
        "assert add(2, 3) == 5\nassert add(-1, 1) == 0",
        "def add(a, b):\n    return a - b",
        None,
    ),
    "javascript": (
        "function add(a, b) {\n  return a + b;\n}",
        'const assert = require("node:assert");\nassert.deepStrictEqual(add(2, 3), 5);',
        "function add(a, b) {\n  return a - b;\n}",
        None,
    ),
    "java": (
        "import java.util.*;\n\nclass Solution {\n    static int add(int a, int b) {\n        return a + b;\n    }\n}",
        "import java.util.*;\n\npublic class Main {\n    public static void main(String[] args) {\n"
        '        if (Solution.add(2, 3) != 5) throw new AssertionError("add");\n'
        "        assert Solution.add(-1, 1) == 0;\n    }\n}",
        "class Solution {\n    static int add(int a, int b) {\n        return a - b;\n    }\n}",
        'class Solution {\n    static int add(int a, int b) {\n        int c = "text";\n        return a + b;\n    }\n}',
    ),
    "cpp": (
        "#include <vector>\n\nint add(int a, int b) {\n    return a + b;\n}",
        "#include <iostream>\n\nint main() {\n    if (add(2, 3) != 5) {\n"
        '        std::cerr << "FAILED: add" << std::endl;\n        return 1;\n    }\n    return 0;\n}',
        "int add(int a, int b) {\n    return a - b;\n}",
        "int add(int a, int b) {\n    return a + missing;\n}",
    ),
    "go": (
        "package main\n\nfunc add(a, b int) int {\n\treturn a + b\n}",
        'package main\n\nfunc main() {\n\tif add(2, 3) != 5 {\n\t\tpanic("add")\n\t}\n}',
        "package main\n\nfunc add(a, b int) int {\n\treturn a - b\n}",
        'package main\n\nimport "fmt"\n\nfunc add(a, b int) int {\n\treturn a + b\n}',  # unused import
    ),
    "rust": (
        "use std::collections::HashMap;\n\nfn add(a: i64, b: i64) -> i64 {\n"
        "    let _seen: HashMap<i64, i64> = HashMap::new();\n    a + b\n}",
        # the tests repeat the solution's `use` line: dropped when the two are combined
        "use std::collections::HashMap;\n\nfn main() {\n    let _m: HashMap<i64, i64> = HashMap::new();\n"
        "    assert_eq!(add(2, 3), 5);\n}",
        "fn add(a: i64, b: i64) -> i64 {\n    a - b\n}",
        'fn add(a: i64, b: i64) -> i64 {\n    a + "b"\n}',
    ),
}
COMPILED = ("java", "cpp", "go", "rust")


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(timeout_s=10)


@pytest.mark.parametrize("language", PROGRAMS)
def test_a_solution_passes_its_tests_and_a_wrong_one_fails(sandbox, language):
    require_toolchain(language)
    solution, tests, wrong, _ = PROGRAMS[language]
    result = run_tests(sandbox, language, solution, tests)
    assert result.passed, f"{result.reason}\n{result.stderr}"
    failed = run_tests(sandbox, language, wrong, tests)
    assert failed.status == "failed"
    assert not failed.reason.startswith("compile error"), failed.reason
    # The reason is the line that says what failed, not the stack trace or hint after it.
    assert any(word in failed.reason for word in ("Assertion", "assert", "panic", "FAILED")), failed.reason


@pytest.mark.parametrize("language", COMPILED)
def test_a_solution_that_does_not_build_is_a_compile_error(sandbox, language):
    require_toolchain(language)
    _, tests, _, broken = PROGRAMS[language]
    result = run_tests(sandbox, language, broken, tests)
    assert result.status == "failed"
    assert result.reason.startswith("compile error: "), result.reason
    assert ":" in result.reason[len("compile error: ") :]  # a compiler diagnostic, with its location


def test_java_files_are_named_after_their_classes(sandbox):
    require_toolchain("java")
    solution, tests, _, _ = PROGRAMS["java"]
    renamed = tests.replace("public class Main", "public class SolutionTest")
    assert run_tests(sandbox, "java", solution, renamed).passed


def test_the_jvm_gets_its_room_and_python_keeps_its_one_gib(sandbox):
    """Java runs under a sandbox whose programs get 1 GiB (the JVM alone reserves more address space than
    that); a Python program of the same sandbox still cannot allocate 1.5 GiB."""
    require_toolchain("java")
    assert sandbox.config.memory_mb == 1024
    solution, tests, _, _ = PROGRAMS["java"]
    assert run_tests(sandbox, "java", solution, tests).passed
    hungry = run_tests(sandbox, "python", "def grab():\n    return bytearray(1536 * 1024 * 1024)", "grab()")
    assert hungry.status == "failed"
    assert "MemoryError" in hungry.reason


def test_a_compiled_program_runs_inside_the_sandbox(sandbox):
    """Built and run in the sandbox's own PID namespace: the program sees a handful of processes, not the
    host's."""
    require_toolchain("cpp")
    require_bubblewrap()  # no PID namespace to observe without it
    assert sandbox.isolation == "bwrap"
    solution = "#include <cctype>\n#include <filesystem>\n\nint processes() {\n    int n = 0;\n"
    solution += '    for (auto& entry : std::filesystem::directory_iterator("/proc")) {\n'
    solution += "        n += std::isdigit(static_cast<unsigned char>(entry.path().filename().string()[0])) ? 1 : 0;\n"
    solution += "    }\n    return n;\n}"
    tests = "int main() {\n    return processes() <= 8 ? 0 : 1;\n}"
    result = run_tests(sandbox, "cpp", solution, tests)
    assert result.passed, f"the program sees the host's processes: {result.reason}"


def test_a_program_that_never_ends_is_stopped(sandbox):
    require_toolchain("cpp")
    result = run_tests(
        sandbox, "cpp", "int spin() {\n    for (;;) {\n    }\n}", "int main() {\n    spin();\n}", 1
    )
    assert result.status in ("timeout", "failed")
    assert not result.passed


def test_a_missing_toolchain_is_reported_not_run(sandbox, without_go):
    assert toolchain("go") == languages.Toolchain("go", False, "go: `go` not found on PATH")
    assert toolchain("python").available
    solution, tests, _, _ = PROGRAMS["go"]
    with pytest.raises(ToolchainMissing, match="go: `go` not found on PATH") as raised:
        run_tests(sandbox, "go", solution, tests)
    assert isinstance(raised.value, ValueError)


def test_an_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="cobol"):
        toolchain("cobol")
    with pytest.raises(ValueError, match="cobol"):
        languages.program("cobol", "x", "y")
