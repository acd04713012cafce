"""Run untrusted programs: a fresh interpreter per program, isolated and limited.

Each program runs in its own process group, under bubblewrap when it works here (no network,
read-only root, a private writable work folder, its own PID namespace, dies with its parent), with
rlimits (address space, CPU seconds, file size, core dumps), a wall-clock timeout after which the
whole group is killed, a scrubbed environment (no API keys) and output capped through RLIMIT_FSIZE
on the files that receive it. Without bubblewrap the same limits apply and ``isolation`` says
``none``, which every report shows.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from distill.config.schemas import SandboxConfig

log = logging.getLogger(__name__)

SAFE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}
WORK_DIR_INSIDE = "/tmp/sandbox"  # inside the private tmpfs: the root is read-only


@dataclass
class ExecutionResult:
    """What happened to one program."""

    status: str  # passed | failed | timeout
    reason: str  # "passed", "AssertionError: ...", "timed out after 10.0 s", ...
    returncode: int | None
    stdout: str
    stderr: str
    duration_s: float

    @property
    def passed(self) -> bool:
        return self.status == "passed"


# The interpreter that runs untrusted Python: the base installation, not our virtual environment
# (the program sees the standard library, not the framework's packages).
INTERPRETER = os.path.realpath(sys.executable)


def _bwrap_command(work_dir: Path) -> list[str]:
    command = [
        "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        "--tmpfs", "/tmp",
    ]  # fmt: skip
    # The private /tmp hides the host's; an interpreter installed under /tmp is bound back, read-only.
    for path in {sys.base_prefix, os.path.dirname(INTERPRETER)}:
        if Path(path).resolve().is_relative_to("/tmp"):
            command += ["--ro-bind", path, path]
    return [*command, "--bind", str(work_dir), WORK_DIR_INSIDE, "--chdir", WORK_DIR_INSIDE]


@lru_cache(maxsize=1)
def bubblewrap_works() -> bool:
    """Whether bubblewrap can create its namespaces on this machine (probed once per process)."""
    if shutil.which("bwrap") is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        try:
            probe = subprocess.run(
                [*_bwrap_command(Path(tmp)), "true"], capture_output=True, timeout=20, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
    return probe.returncode == 0


def _describe_failure(returncode: int, stderr: str) -> str:
    """A short reason for a non-zero exit (bubblewrap reports a signal as 128 + its number)."""
    signum = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if "MemoryError" in stderr:
        return "MemoryError: memory limit"
    if signum in (signal.SIGXCPU, signal.SIGKILL):
        return "killed: CPU time limit" if signum == signal.SIGXCPU else "killed (SIGKILL)"
    if signum == signal.SIGXFSZ:
        return "killed: output/file size limit"
    if signum:
        return f"killed by signal {signal.Signals(signum).name}"
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else f"exit code {returncode}"


def _processes_of_current_user() -> int:
    uid = str(os.getuid())
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid_line = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        count += uid_line.split()[1] == uid
    return count


class Sandbox:
    """Executes programs with the limits of a :class:`SandboxConfig`."""

    def __init__(self, config: SandboxConfig | None = None, timeout_s: float = 10.0) -> None:
        self.config = config or SandboxConfig()
        self.timeout_s = timeout_s
        if self.config.isolation not in ("auto", "bwrap", "none"):
            raise ValueError(f"sandbox.isolation: {self.config.isolation!r} is not one of auto, bwrap, none")
        works = self.config.isolation != "none" and bubblewrap_works()
        if self.config.isolation == "bwrap" and not works:
            raise RuntimeError("sandbox.isolation=bwrap, but bubblewrap is missing or cannot run here")
        self.isolation = "bwrap" if works else "none"
        # RLIMIT_NPROC counts every process of the user (root is exempt): budget on top of what runs now.
        self._nproc = None if os.getuid() == 0 else _processes_of_current_user() + self.config.max_processes
        if self.isolation == "none" and self.config.isolation == "auto":
            log.warning(
                "bubblewrap is not available: untrusted code runs with rlimits and a process group only "
                "(no network, filesystem or PID isolation). Install it with `apt-get install bubblewrap`."
            )

    def _limit_child(self, cpu_seconds: int) -> None:
        """Runs in the child between fork and exec: rlimits are inherited through bubblewrap."""
        memory = self.config.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        fsize = self.config.max_output_bytes * 4
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if self._nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (self._nproc, self._nproc))

    def run(
        self,
        files: dict[str, str],
        argv: Sequence[str],
        stdin: str | None = None,
        timeout_s: float | None = None,
    ) -> ExecutionResult:
        """Write ``files`` into a fresh work folder and run ``argv`` there."""
        timeout = timeout_s or self.timeout_s
        with tempfile.TemporaryDirectory(prefix="distill-sbx-") as tmp:
            work = Path(tmp) / "work"
            io_dir = Path(tmp) / "io"  # outside the sandbox's view
            work.mkdir()
            io_dir.mkdir()
            for name, text in files.items():
                (work / name).write_text(text, encoding="utf-8")
            (io_dir / "stdin").write_text(stdin or "", encoding="utf-8")
            command = list(argv)
            if self.isolation == "bwrap":
                command = [*_bwrap_command(work), *command]
            start = time.monotonic()
            with (
                open(io_dir / "stdin", "rb") as fin,
                open(io_dir / "stdout", "wb") as fout,
                open(io_dir / "stderr", "wb") as ferr,
            ):
                proc = subprocess.Popen(
                    command,
                    cwd=work,
                    stdin=fin,
                    stdout=fout,
                    stderr=ferr,
                    env=SAFE_ENV,
                    start_new_session=True,
                    preexec_fn=lambda: self._limit_child(int(timeout) + 1),
                )
                timed_out = False
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    timed_out = True
                finally:
                    self._kill_group(proc)
            duration = time.monotonic() - start
            stdout = self._read_capped(io_dir / "stdout")
            stderr = self._read_capped(io_dir / "stderr")
        if timed_out:
            return ExecutionResult(
                "timeout", f"timed out after {timeout:.1f} s", None, stdout, stderr, duration
            )
        if proc.returncode == 0:
            return ExecutionResult("passed", "passed", 0, stdout, stderr, duration)
        reason = _describe_failure(proc.returncode, stderr)
        return ExecutionResult("failed", reason, proc.returncode, stdout, stderr, duration)

    def run_python(
        self, program: str, stdin: str | None = None, timeout_s: float | None = None
    ) -> ExecutionResult:
        """Run a Python program in an isolated interpreter (``-I``: no user site, no PYTHON* variables)."""
        return self.run({"main.py": program}, [INTERPRETER, "-I", "-B", "main.py"], stdin, timeout_s)

    def run_many(
        self, programs: Sequence[str], max_workers: int = 2, timeout_s: float | None = None
    ) -> list[ExecutionResult]:
        """Run Python programs concurrently (one process each), results in input order."""
        with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
            return list(pool.map(lambda p: self.run_python(p, timeout_s=timeout_s), programs))

    def _read_capped(self, path: Path) -> str:
        with open(path, "rb") as fh:
            data = fh.read(self.config.max_output_bytes + 1)
        text = data[: self.config.max_output_bytes].decode("utf-8", errors="replace")
        return text + ("\n[output truncated]" if len(data) > self.config.max_output_bytes else "")

    @staticmethod
    def _kill_group(proc: subprocess.Popen) -> None:
        """Kill everything the program started (its session), then reap it."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
