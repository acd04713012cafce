"""The process inside the sandbox that runs untrusted programs one after another (standard library only).

``distill.execution.sandbox`` starts it as ``python -I -B -c <this source> <settings json>`` under
bubblewrap and sends it one JSON request per line on stdin; it answers one JSON result per line on
stdout. Starting an interpreter costs tens of milliseconds; forking this warm one costs about one, so
one supervisor serves many programs. Each program still gets a clean slate:

- a fresh child process forked from the same pristine supervisor state (nothing a program changes in
  memory reaches the next one; ``random`` is reseeded at fork as in a fresh interpreter);
- its own session, rlimits (address space, CPU seconds, file size, process count, no core dumps) and,
  when the supervisor runs as root inside bubblewrap, its own unprivileged uid: it cannot signal,
  trace or read the supervisor, and RLIMIT_NPROC (which Linux does not enforce for root) holds;
- a fresh, empty working folder; after it ends every process it left is killed (``kill(-1)`` inside
  the private PID namespace; without one, its session and everything re-parented to this subreaper)
  and everything it wrote to the scratch folders (``/tmp``, ``/dev/shm``) is deleted;
- stdin from memory, stdout/stderr through pipes read here and capped (output beyond the cap is
  counted and dropped, never a reason to kill the program), a wall-clock timeout.

A Python program passes only if its code runs to the end: ``sys.exit()`` or ``os._exit()`` before
the end (which would skip the tests that follow the solution) is a failure. The end is signalled on
a pipe that only the child holds; code that deliberately finds that pipe and writes to it from
inside its own process could forge success, as it could in every in-process harness.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import json
import os
import resource
import select
import shutil
import signal
import sys
import time
import traceback
import types

# Imported once here so that each forked program finds them loaded (``typing`` alone costs ~10 ms
# to import cold); importing a module is side-effect free for the programs that use it.
PRELOAD = (
    "ast", "bisect", "collections", "copy", "datetime", "decimal", "fractions", "functools", "hashlib",
    "heapq", "itertools", "math", "operator", "random", "re", "statistics", "string", "typing",
)  # fmt: skip
PROGRAM_NAME = "main.py"
DONE_FD = 3
READ_CHUNK = 65536
DRAIN_AFTER_KILL_S = 0.5
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


class Settings:
    """What the host decided for every program of this supervisor."""

    def __init__(self, raw: dict) -> None:
        self.work_dir: str = raw["work_dir"]  # the program's working folder, re-created for each
        self.scratch: list[str] = raw["scratch"]  # folders emptied after each program
        self.uid: int | None = raw["uid"]  # drop to this uid in the child (root inside bubblewrap)
        self.own_pid_namespace: bool = raw["own_pid_namespace"]
        self.host_pid_namespace: str = raw["host_pid_namespace"]
        self.memory_mb: int = raw["memory_mb"]
        self.max_file_bytes: int = raw["max_file_bytes"]
        self.nproc: int | None = raw["nproc"]
        self.env: dict[str, str] = raw["env"]


# ------------------------------------------------------------------------------------ the child
def _limit(settings: Settings, request: dict) -> None:
    memory = (request.get("memory_mb") or settings.memory_mb) * 1024 * 1024
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(request["timeout"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (settings.max_file_bytes, settings.max_file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if settings.nproc is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (settings.nproc, settings.nproc))


def _fresh_std_streams() -> None:
    """New ``sys.std*`` objects on fds 0-2, as a fresh interpreter would have them."""
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(  # noqa: SIM115
        2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1
    )


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _run_python(code: str, path: str) -> None:
    """Execute ``code`` as ``__main__``; signal on DONE_FD only when it ran to its end."""
    _fresh_std_streams()
    sys.argv = [path]
    main = types.ModuleType("__main__")
    main.__file__ = path
    sys.modules["__main__"] = main
    try:
        exec(compile(code, path, "exec"), main.__dict__)
    except SystemExit as exc:
        status = _exit_code(exc)
        print(f"SystemExit: {exc.code!r} (the program exited before its end)", file=sys.stderr)
        _flush_std_streams()
        os._exit(status)
    except BaseException as exc:
        # From the program's frame on: the supervisor's own frame is no part of its story.
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        _flush_std_streams()
        os._exit(1)
    _flush_std_streams()
    try:
        os.write(DONE_FD, b"1")
    except OSError as exc:  # the program closed the descriptor
        os.write(2, f"the end of the program could not be signalled: {exc}\n".encode())
        os._exit(1)
    os._exit(0)


def _exec_command(argv: list[str], env: dict[str, str]) -> None:
    try:
        os.execvpe(argv[0], argv, env)
    except OSError as exc:
        os.write(2, f"cannot execute {argv[0]!r}: {exc}\n".encode())
    os._exit(127)


def _child(settings: Settings, request: dict, fds: tuple[int, int, int, int]) -> None:
    """Runs in the forked child: isolate, limit, then run the program. Never returns."""
    try:
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(DONE_FD + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as the interpreter sets it at start-up
        _limit(settings, request)
        if settings.uid is not None:
            os.setgroups([])
            os.setgid(settings.uid)
            os.setuid(settings.uid)
        os.mkdir(settings.work_dir, 0o700)
        os.chdir(settings.work_dir)
        files = dict(request.get("files") or {})
        if request.get("python") is not None:
            files.setdefault(PROGRAM_NAME, request["python"])
        for name, text in files.items():
            with open(name, "w", encoding="utf-8") as fh:
                fh.write(text)
        os.environ.clear()
        os.environ.update({**settings.env, **(request.get("env") or {})})
    except BaseException as exc:  # the set-up failed: not the program's fault, but it did not run
        os.write(2, f"sandbox set-up failed: {exc!r}\n".encode())
        os._exit(126)
    if request.get("python") is not None:
        _run_python(request["python"], os.path.join(settings.work_dir, PROGRAM_NAME))
    _exec_command(request["argv"], dict(os.environ))


# ------------------------------------------------------------------------------------ the supervisor
class _Capped:
    """Keeps the first ``limit`` bytes read from a pipe and counts the rest."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.limit = fd, limit
        self.data = bytearray()
        self.dropped = 0
        self.open = True

    def read(self) -> None:
        try:
            chunk = os.read(self.fd, READ_CHUNK)
        except BlockingIOError:
            return
        if not chunk:
            self.open = False
            return
        room = self.limit - len(self.data)
        self.data += chunk[:room]
        self.dropped += max(0, len(chunk) - room)

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def _stdin_fd(data: str) -> int:
    """The program's stdin as an anonymous in-memory file (no path another program could reach)."""
    fd = os.memfd_create("stdin")
    os.write(fd, data.encode("utf-8"))
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _proc_table() -> list[tuple[int, int, int]]:
    """(pid, ppid, session) of every visible process."""
    table = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        table.append((int(name), int(fields[1]), int(fields[3])))
    return table


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _kill_leftovers(settings: Settings, session: int) -> None:
    """Kill every process the program left behind."""
    if settings.own_pid_namespace:
        # Everything in this PID namespace except its init and this supervisor: the program's.
        for _ in range(3):
            with contextlib.suppress(ProcessLookupError):
                os.kill(-1, signal.SIGKILL)
            _reap()
            if all(pid in (1, os.getpid()) for pid, _, _ in _proc_table()):
                return
            time.sleep(0.001)
        return
    # No PID namespace: the program's session, and whatever escaped it and was re-parented here.
    me = os.getpid()
    for _ in range(100):
        victims = [pid for pid, ppid, sid in _proc_table() if pid != me and (sid == session or ppid == me)]
        if not victims:
            return
        for pid in victims:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.001)
        _reap()


def _snapshot(roots: list[str]) -> set[str]:
    """The paths under ``roots`` at start-up; mount points (read-only binds) are not entered."""
    paths = set()
    for root in roots:
        for folder, dirs, files in os.walk(root):
            paths.add(folder)
            paths.update(os.path.join(folder, name) for name in dirs + files)
            dirs[:] = [d for d in dirs if not os.path.ismount(os.path.join(folder, d))]
    return paths


def _wipe(roots: list[str], keep: set[str]) -> None:
    """Delete everything under ``roots`` that was not there when the supervisor started."""

    def unlock(function, path, _exc) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            function(path)

    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(folder, name)
                if path in keep or os.path.ismount(path):
                    continue
                if name in dirs and not os.path.islink(path):
                    shutil.rmtree(path, onerror=unlock)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)
            dirs[:] = [
                d
                for d in dirs
                if os.path.join(folder, d) in keep and not os.path.ismount(os.path.join(folder, d))
            ]


def _wait(pid: int, timeout: float, pipes: list[_Capped]) -> tuple[int | None, float]:
    """Wait for the child while reading its output; its wait status, or None when it timed out."""
    start = time.monotonic()
    pidfd = os.pidfd_open(pid)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    by_fd = {p.fd: p for p in pipes}
    for fd in by_fd:
        poller.register(fd, select.POLLIN)
    try:
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                return None, time.monotonic() - start
            for fd, _ in poller.poll(left * 1000):
                if fd == pidfd:
                    return os.waitpid(pid, 0)[1], time.monotonic() - start
                by_fd[fd].read()
                if not by_fd[fd].open:
                    poller.unregister(fd)
    finally:
        os.close(pidfd)


def _drain(pipes: list[_Capped]) -> None:
    deadline = time.monotonic() + DRAIN_AFTER_KILL_S
    for pipe in pipes:
        os.set_blocking(pipe.fd, False)
        while pipe.open and time.monotonic() < deadline:
            ready, _, _ = select.select([pipe.fd], [], [], max(0.0, deadline - time.monotonic()))
            if ready:
                pipe.read()


def run_one(settings: Settings, request: dict, keep: set[str]) -> dict:
    """Run one request in a child process and describe what happened."""
    limit = request["max_output_bytes"]
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    done_r, done_w = os.pipe()
    stdin = _stdin_fd(request.get("stdin") or "")
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        _child(settings, request, (stdin, out_w, err_w, done_w))
    for fd in (stdin, out_w, err_w, done_w):
        os.close(fd)
    pipes = [_Capped(out_r, limit), _Capped(err_r, limit)]
    status, duration = _wait(pid, float(request["timeout"]), pipes)
    if status is None:
        for kill in (os.killpg, os.kill):  # the group, and the child should it not have one yet
            with contextlib.suppress(ProcessLookupError):
                kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    _kill_leftovers(settings, pid)
    _drain(pipes)
    os.set_blocking(done_r, False)
    try:
        completed = os.read(done_r, 1) == b"1"
    except BlockingIOError:
        completed = False
    for fd in (out_r, err_r, done_r):
        os.close(fd)
    _wipe(settings.scratch, keep)
    result = {
        "id": request["id"],
        "timed_out": status is None,
        "returncode": None,
        "signal": None,
        "completed": completed,
        "stdout": pipes[0].text(),
        "stderr": pipes[1].text(),
        "dropped_bytes": pipes[0].dropped + pipes[1].dropped,
        "duration_s": round(duration, 4),
    }
    if status is not None:
        if os.WIFSIGNALED(status):
            result["signal"] = os.WTERMSIG(status)
        else:
            result["returncode"] = os.WEXITSTATUS(status)
    return result


def _requests(fd: int):
    """JSON requests, one per line, until the host closes the pipe."""
    buffer = b""
    while True:
        while b"\n" not in buffer:
            try:
                chunk = os.read(fd, READ_CHUNK)
            except OSError as exc:
                if exc.errno == errno.EINTR:
                    continue
                raise
            if not chunk:
                return
            buffer += chunk
        line, buffer = buffer.split(b"\n", 1)
        yield json.loads(line)


def main() -> None:
    settings = Settings(json.loads(sys.argv[1]))
    if settings.own_pid_namespace and os.readlink("/proc/self/ns/pid") == settings.host_pid_namespace:
        # kill(-1) after each program would reach every process of the host this one may signal.
        sys.exit("refusing to run: expected a PID namespace of its own, but this is the host's")
    _prctl(PR_SET_DUMPABLE, 0)  # no /proc/<pid>/fd or ptrace access to this process for programs
    _prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of programs are re-parented here, not lost
    for name in PRELOAD:
        __import__(name)
    for root in settings.scratch:
        os.makedirs(root, exist_ok=True)
    keep = _snapshot(settings.scratch)
    gc.freeze()  # the forked programs share these pages instead of copying them on first collection
    out = sys.stdout.fileno()
    for request in _requests(sys.stdin.fileno()):
        result = run_one(settings, request, keep)
        os.write(out, (json.dumps(result) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
