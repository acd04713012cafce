"""Run a solution against its tests in any of the six languages, inside the sandbox.

How a solution and its tests make one program (the convention the prompt templates ask Claude to
follow, and the one the task bank writes):

- ``python``: the solution, then the tests (``assert`` statements) in ``main.py``; it passes when it
  runs to its end.
- ``javascript``: the solution, then the tests in ``main.js`` (CommonJS, run by ``node``); the tests
  use ``node:assert``.
- ``java``: the solution is a class ``Solution`` with static methods (``Solution.java``); the tests are
  a ``public class Main`` whose ``main`` throws on a failed check (``Main.java``; run with ``-ea`` so
  ``assert`` works too). Files are named after the classes they declare.
- ``cpp``: the solution, then the tests (``int main`` returning non-zero on a failed check) in one
  C++17 translation unit, ``main.cpp``.
- ``go``: ``solution.go`` and ``main.go``, both ``package main``; ``main`` panics or exits non-zero on
  a failed check.
- ``rust``: the solution, then the tests (``fn main`` with ``assert_eq!``) in ``main.rs`` (edition
  2021); ``use`` lines of the tests that the solution already has are dropped (a duplicate ``use``
  does not compile).

Compilation is untrusted too (build scripts, macros, templates), so it runs in the sandbox, in the
same work folder as the program, as one shell script: build (a failure exits 3 after a marker line),
then ``exec`` the program. Compilers and the JVM need more address space than the 1 GiB a Python
program gets, so each language has its own limits: the job runs with the build's limit and the
script lowers it (``ulimit -v``) before the program starts, and gives the program its own CPU time;
Python keeps the caller's sandbox limits as they are.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from distill.execution.programs import test_program
from distill.execution.sandbox import ExecutionResult, Job, Sandbox

COMPILE_FAILED = "__distill_compile_failed__"  # first stderr line of a failed build (exit code 3)
JVM_FLAGS = (
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:ReservedCodeCacheSize=64m",
    "-XX:CompressedClassSpaceSize=64m",
    "-XX:-UsePerfData",
)
# What a failure report leads with: "AssertionError [ERR_ASSERTION]: ...", "Exception in thread ...",
# "panic: ...", "thread 'main' panicked at ...", "FAILED: ..."; not the source line node quotes first.
DIAGNOSTIC = re.compile(
    r"error|:\d+:(\d+:)?\s"
)  # "main.cpp:3:1: error: ...", "./solution.go:3:8: imported..."
FAILURE_LINE = re.compile(
    r"^([\w.]*(Error|Exception)\b|Exception in thread|panic: |thread .* panicked at|FAILED)"
)


class ToolchainMissing(ValueError):
    """The language's compiler or runtime is not installed here."""


@dataclass(frozen=True)
class Toolchain:
    language: str
    available: bool
    missing: str  # what is missing (empty when available), for reports: "go: `go` not found on PATH"


@dataclass(frozen=True)
class Program:
    """Source files and the commands that build and run them in one sandbox work folder.

    The first word of each command is a tool name (``javac``, ``go``, ...), resolved to the installed
    executable, or a command found on the sandbox's PATH (``sh``) or in the work folder (``./main``).
    """

    files: dict[str, str]
    build: tuple[tuple[str, ...], ...]
    run: tuple[str, ...]


@dataclass(frozen=True)
class LanguageLimits:
    """Address space (MiB) for the build and for the program, and extra wall-clock time for the build."""

    build_memory_mb: int
    run_memory_mb: int | None  # None: the caller's sandbox limit
    build_time_s: float


LIMITS = {
    "javascript": LanguageLimits(2048, 2048, 0.0),  # V8 reserves its heap and code ranges up front
    "java": LanguageLimits(2048, 2048, 30.0),  # the JVM reserves heap, code cache and class space
    "cpp": LanguageLimits(2048, None, 30.0),
    "go": LanguageLimits(2048, None, 30.0),
    "rust": LanguageLimits(2048, None, 30.0),
}
TOOLS = {
    "python": ("python",),
    "javascript": ("node",),
    "java": ("javac", "java"),
    "cpp": ("g++",),
    "go": ("go",),
    "rust": ("rustc", "cc"),
}
# Added to the sandbox's environment: Go's caches in the private /tmp, no module downloads, no cgo.
BUILD_ENV = {
    "go": {"GOCACHE": "/tmp/go-cache", "GOPATH": "/tmp/go", "GOPROXY": "off", "GOFLAGS": "-mod=mod",
           "CGO_ENABLED": "0", "GOTOOLCHAIN": "local"},
}  # fmt: skip
RUSTC = ("rustc", "--edition", "2021", "-A", "warnings", "-C", "debuginfo=0", "-o", "main", "main.rs")
GXX = ("g++", "-std=c++17", "-pipe", "-o", "main", "main.cpp")


def _real_rustc(path: str) -> str:
    """rustup installs a proxy that needs ``$HOME/.rustup``; the sandbox runs the toolchain's own rustc."""
    try:
        sysroot = subprocess.run(
            [path, "--print", "sysroot"], capture_output=True, text=True, timeout=60, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return path
    real = Path(sysroot) / "bin" / "rustc"
    return str(real) if real.is_file() else path


@cache
def _executables(language: str) -> dict[str, str] | str:
    """Tool name -> absolute path, or a description of what is missing (looked up once per process)."""
    if language not in TOOLS:
        raise ValueError(f"unknown language {language!r} (known: {', '.join(TOOLS)})")
    if language == "python":
        return {}
    found = {}
    for tool in TOOLS[language]:
        path = shutil.which(tool)
        if path is None:
            return f"{language}: `{tool}` not found on PATH"
        found[tool] = _real_rustc(path) if tool == "rustc" else path
    return found


def toolchain(language: str) -> Toolchain:
    """Whether ``language``'s compiler/runtime is installed here."""
    found = _executables(language)
    if isinstance(found, str):
        return Toolchain(language, False, found)
    return Toolchain(language, True, "")


def _class_name(source: str, default: str) -> str:
    """The public class a Java file declares (else its first class), which names the file."""
    match = re.search(r"^\s*public\s+(?:final\s+|abstract\s+)*class\s+(\w+)", source, flags=re.MULTILINE)
    match = match or re.search(r"^(?:\w+\s+)*class\s+(\w+)", source, flags=re.MULTILINE)
    return match.group(1) if match else default


def _without_repeated_uses(solution: str, tests: str) -> str:
    have = {line.strip() for line in solution.splitlines() if line.strip().startswith("use ")}
    return "\n".join(line for line in tests.splitlines() if line.strip() not in have)


def java_program(files: dict[str, str], main_class: str) -> Program:
    """Java sources compiled together, then ``main_class`` run with assertions on."""
    return Program(
        files,
        (("javac", "-J-Xmx512m", *(f"-J{flag}" for flag in JVM_FLAGS), "-encoding", "UTF-8", "-nowarn",
          "-d", ".", *sorted(files)),),
        ("java", "-ea", "-Xmx256m", "-Xss64m", *JVM_FLAGS, "-cp", ".", main_class),
    )  # fmt: skip


def program(language: str, solution: str, tests: str) -> Program:
    """The program that runs ``tests`` against ``solution`` (the convention in the module docstring)."""
    if language == "python":
        return Program({"main.py": test_program(solution, tests)}, (), ("python",))
    if language == "javascript":
        return Program({"main.js": test_program(solution, tests)}, (), ("node", "main.js"))
    if language == "java":
        solution_class, main_class = _class_name(solution, "Solution"), _class_name(tests, "Main")
        if solution_class == main_class:  # one file holds both
            return java_program({f"{main_class}.java": test_program(solution, tests)}, main_class)
        files = {
            f"{solution_class}.java": solution.rstrip() + "\n",
            f"{main_class}.java": tests.rstrip() + "\n",
        }
        return java_program(files, main_class)
    if language == "cpp":
        return Program({"main.cpp": test_program(solution, tests)}, (GXX,), ("./main",))
    if language == "go":
        files = {"solution.go": solution.rstrip() + "\n", "main.go": tests.rstrip() + "\n"}
        return Program(files, (("go", "build", "-o", "main", "solution.go", "main.go"),), ("./main",))
    if language == "rust":
        return Program(
            {"main.rs": test_program(solution, _without_repeated_uses(solution, tests))},
            (RUSTC,),
            ("./main",),
        )
    raise ValueError(f"unknown language {language!r} (known: {', '.join(TOOLS)})")


def _exposed(executables: dict[str, str]) -> list[str]:
    """Toolchain folders for the sandbox to bind back: the parent of each tool's ``bin`` folder (the
    sandbox binds only those under a hidden home folder, such as rustup's toolchains under /root)."""
    return [str(Path(path).parents[1]) for path in executables.values()]


def _resolve(command: tuple[str, ...], executables: dict[str, str]) -> str:
    return shlex.join([executables.get(command[0], command[0]), *command[1:]])


def _script(language: str, prog: Program, executables: dict[str, str], memory_mb: int, cpu_s: int) -> str:
    """The shell script run in the sandbox: build (output to a log), lower the limits, run."""
    lines = [
        f"{_resolve(command, executables)} > build.log 2>&1 || "
        f"{{ echo {COMPILE_FAILED} >&2; head -c 4000 build.log >&2; exit 3; }}"
        for command in prog.build
    ]
    if memory_mb:  # the sandbox's limit (0: none, then none here either)
        lines.append(f"ulimit -v {(LIMITS[language].run_memory_mb or memory_mb) * 1024}")
    lines += [f"ulimit -t {cpu_s}", f"exec {_resolve(prog.run, executables)}"]
    return "\n".join(lines) + "\n"


def job(sandbox: Sandbox, language: str, prog: Program, timeout_s: float | None = None) -> Job:
    """The sandbox job that builds and runs ``prog`` (Python: the program itself, run to its end)."""
    executables = _executables(language)
    if isinstance(executables, str):
        raise ToolchainMissing(f"cannot run {language} here: {executables}")
    timeout = timeout_s or sandbox.timeout_s
    if language == "python":
        return Job(python=prog.files["main.py"], timeout_s=timeout)
    limits = LIMITS[language]
    script = _script(language, prog, executables, sandbox.config.memory_mb, int(timeout) + 1)
    return Job(
        argv=("/bin/sh", "-c", script),
        files=prog.files,
        timeout_s=timeout + limits.build_time_s,
        memory_mb=max(limits.build_memory_mb, sandbox.config.memory_mb) if sandbox.config.memory_mb else 0,
        env=BUILD_ENV.get(language, {}),
    )


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _failure_line(stderr: str) -> str:
    """The line that says what failed (node, the JVM, Go and Rust end their reports with a stack or a
    hint); Rust's assertion text is on the line after ``panicked at``."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if FAILURE_LINE.search(line):
            if re.search(r"panicked at \S+:\d+:\d+:$", line):
                line = " ".join(lines[i : i + 2])
            return line[:300]
    return _last_line(stderr)


def explain(result: ExecutionResult) -> ExecutionResult:
    """A failed build as ``compile error: <first error line>``; a failed run by its failure line."""
    if result.returncode == 3 and result.stderr.startswith(COMPILE_FAILED):
        log = result.stderr[len(COMPILE_FAILED) :].strip()
        lines = [line.strip() for line in log.splitlines() if line.strip() and not line.startswith("#")]
        first = next((line for line in lines if DIAGNOSTIC.search(line)), lines[0] if lines else "no output")
        return dataclasses.replace(result, reason=f"compile error: {first[:300]}", stderr=log)
    if result.status == "failed" and result.reason == _last_line(result.stderr):
        return dataclasses.replace(result, reason=_failure_line(result.stderr))
    return result


def run_programs(
    sandbox: Sandbox,
    programs: Sequence[tuple[str, Program]],
    max_workers: int = 2,
    timeout_s: float | None = None,
    on_result: Callable[[int], None] | None = None,
) -> list[ExecutionResult]:
    """Build and run many programs (of any languages) concurrently in the sandbox, results in input
    order; raises :class:`ToolchainMissing` when a language's toolchain is not installed here."""
    jobs = [job(sandbox, language, prog, timeout_s) for language, prog in programs]
    exposed = sorted({path for language, _ in programs for path in _exposed(_executables(language))})
    results = sandbox.execute(jobs, max_workers, expose=exposed, on_result=on_result)
    return [
        result if language == "python" else explain(result)
        for (language, _), result in zip(programs, results, strict=True)
    ]


def run_tests(
    sandbox: Sandbox, language: str, solution: str, tests: str, timeout_s: float | None = None
) -> ExecutionResult:
    """Write the files, compile if the language needs it, run, in the sandbox.

    Returns the result of the first step that failed (``compile error: ...``) or of the run; raises
    :class:`ToolchainMissing` when the language's toolchain is not installed here.
    """
    return run_programs(sandbox, [(language, program(language, solution, tests))], 1, timeout_s)[0]
