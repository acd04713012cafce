"""The sandbox: verdicts, limits, isolation between programs, and a corpus of hostile programs
(``tests/hostile/``) that must neither touch the host nor stop the evaluation.

Every hostile run uses tiny limits (8 processes, 512 MiB, a 32 MiB /tmp, 3 s) and, where a program
could harm the machine if it escaped (fork bomb, writes, kills), runs only under bubblewrap.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

import pytest
from helpers import require_bubblewrap

from distill.config.schemas import SandboxConfig
from distill.execution.sandbox import Job, Sandbox, isolation_mode

HOSTILE = Path(__file__).parent / "hostile"
SECRET = "sk-ant-hostile-secret-0123456789"
SLEEP_TOKEN = "987654"  # the orphaned grandchild runs `sleep 987654`
TINY = dict(max_processes=8, memory_mb=512, tmp_size_mb=32, max_file_mb=8)


@pytest.fixture
def bwrap():
    """The isolation tests need bubblewrap: skipped with the reason where it cannot run, failed instead
    under ``DISTILL_REQUIRE_BWRAP=1`` (``.ci/run`` sets it where root and apt-get can install it)."""
    require_bubblewrap()


needs_bwrap = pytest.mark.usefixtures("bwrap")


def expectation(source: str) -> list[str]:
    """The reasons a corpus program may fail with (``# expect: a | b``)."""
    line = next(line for line in source.splitlines() if line.startswith("# expect:"))
    return [alternative.strip() for alternative in line.split(":", 1)[1].split("|")]


def as_expected(reason: str, expected: list[str]) -> bool:
    return any(alternative in reason for alternative in expected)


def host_processes(marker: str) -> list[str]:
    """Command lines of host processes containing ``marker``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in text and "pytest" not in text:
            found.append(text)
    return found


def processes_of_uids(uids: range) -> list[str]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = next(
                int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("Uid:")
            )
        except (OSError, StopIteration):
            continue
        if uid in uids:
            found.append(status.parent.name)
    return found


@pytest.fixture
def host_dir():
    """A host folder outside /tmp (which is private inside the sandbox), so only the sandbox's own rules
    (read-only root, hidden folders) keep programs away from it."""
    path = Path(
        tempfile.mkdtemp(
            prefix="distill-sandbox-test-", dir="/var/tmp" if os.path.isdir("/var/tmp") else HOSTILE
        )
    )
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def sandbox():
    return Sandbox(SandboxConfig(**TINY), timeout_s=3)


# ------------------------------------------------------------------------------------- verdicts
def test_pass_fail_and_timeout_with_reasons(sandbox):
    assert sandbox.run_python("print('ok')").stdout == "ok\n"
    failed = sandbox.run_python("assert 1 == 2, 'wrong answer'")
    assert failed.status == "failed" and failed.reason == "AssertionError: wrong answer"
    assert "main.py" in failed.stderr and "supervisor" not in failed.stderr  # the program's traceback only
    syntax = sandbox.run_python("def broken(:\n")
    assert syntax.status == "failed" and syntax.reason.startswith("SyntaxError")
    slow = sandbox.run_python("while True: pass", timeout_s=1)
    assert slow.status == "timeout" and slow.reason == "timed out after 1.0 s" and slow.duration_s < 5


def test_a_program_passes_only_when_it_runs_to_its_end(sandbox):
    for early in ("import sys; sys.exit(0)", "exit()", "import os; os._exit(0)", "raise SystemExit"):
        result = sandbox.run_python(early + "\nraise AssertionError('the tests')")
        assert result.status == "failed" and result.reason.startswith("exited before the end"), early
    assert sandbox.run_python("import sys; sys.exit(1)").reason.startswith("SystemExit: 1")
    assert (
        sandbox.run_python("if __name__ == '__main__':\n    print(__file__)")
        .stdout.strip()
        .endswith("main.py")
    )


def test_stdin_commands_and_files(sandbox):
    assert sandbox.run_python("print(int(input()) * 2)", stdin="21\n").stdout == "42\n"
    cat = sandbox.run({"data.txt": "hello"}, ["cat", "data.txt"])
    assert cat.passed and cat.stdout == "hello"
    failing = sandbox.run({}, ["sh", "-c", "echo broken >&2; exit 3"])
    assert failing.status == "failed" and failing.returncode == 3 and failing.reason == "broken"
    missing = sandbox.run({}, ["no-such-tool-here"])
    assert missing.returncode == 127 and "cannot execute" in missing.reason


def test_output_is_capped_not_fatal():
    sandbox = Sandbox(SandboxConfig(max_output_bytes=1000), timeout_s=5)
    chatty = sandbox.run_python("for _ in range(2000):\n    print('x' * 100)")
    assert chatty.passed and chatty.output_truncated and len(chatty.stdout) == 1000


def test_the_environment_is_scrubbed(sandbox, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    result = sandbox.run_python(
        "import os; print(sorted(os.environ)); print(os.environ.get('ANTHROPIC_API_KEY'))"
    )
    assert SECRET not in result.stdout and result.stdout.strip().endswith("None")


def test_results_come_back_in_order_with_several_workers(sandbox):
    programs = [f"import time; time.sleep({(i % 3) * 0.05}); assert {i} % 4 != 0" for i in range(24)]
    results = sandbox.run_many(programs, max_workers=3)
    assert [r.passed for r in results] == [i % 4 != 0 for i in range(24)]


def test_a_timeout_skips_the_rest_of_its_group(sandbox):
    jobs = [Job(python="while True: pass", timeout_s=1, group=7)] + [Job(python="pass", group=7)] * 3
    jobs += [Job(python="pass", group=8)]
    results = sandbox.execute(jobs, max_workers=1)
    assert results[0].status == "timeout"
    assert all(r.reason.startswith("not run") for r in results[1:4]) and results[4].passed


# ------------------------------------------------------------------------------------- isolation
@needs_bwrap
def test_programs_cannot_affect_each_other():
    """A program leaves files wherever it may write and a daemon that kills every process it can; the
    next programs of the same supervisor see none of it and pass."""
    sandbox = Sandbox(SandboxConfig(**TINY), timeout_s=5)
    planter = (
        "import os, time\n"
        "for path in ('planted.txt', '/tmp/planted.txt', '/dev/shm/planted.txt'):\n"
        "    open(path, 'w').write('state')\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(0.2)\n"
        "    while True:\n"
        "        for pid in filter(str.isdigit, os.listdir('/proc')):\n"
        "            try:\n"
        "                os.kill(int(pid), 9) if int(pid) != os.getpid() else None\n"
        "            except OSError:\n"
        "                pass\n"
        "        time.sleep(0.01)\n"
    )
    probe = (
        "import os, time\n"
        "assert not any(map(os.path.exists, ('planted.txt', '/tmp/planted.txt', '/dev/shm/planted.txt')))\n"
        "time.sleep(0.5)\n"
    )
    results = sandbox.execute([Job(python=planter), Job(python=probe), Job(python=probe)], max_workers=1)
    assert results[0].passed, results[0].reason
    assert results[1].passed and results[2].passed, (results[1].reason, results[2].reason)


@needs_bwrap
def test_programs_run_under_their_own_uid_without_capabilities_and_hidden_folders(host_dir):
    home = host_dir / "home"
    (home / ".config").mkdir(parents=True)
    (home / ".config" / "token").write_text(SECRET)
    sandbox = Sandbox(SandboxConfig(**TINY, hidden_paths=[str(home)]), timeout_s=5)
    result = sandbox.run_python(
        "import os\nprint(os.getuid(), open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
        f"print(os.listdir({str(home)!r}), os.path.isfile('/etc/passwd'))"
    )
    assert result.passed, result.reason
    ids, listing = result.stdout.splitlines()
    if sandbox.mode == "bwrap-root":
        uid, caps = ids.split()
        assert int(uid) in sandbox.uids and int(caps, 16) == 0
    assert listing == "[] True"  # the hidden folder is empty; the rest of the root is readable


@needs_bwrap
def test_fork_bombs_hit_the_process_limit():
    """RLIMIT_NPROC per program (Linux ignores it for root: programs get their own uid as root)."""
    sandbox = Sandbox(SandboxConfig(**(TINY | {"max_processes": 5})), timeout_s=5)
    counter = (
        "import os, time\n"
        "children = 0\n"
        "for _ in range(50):\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        break\n"
        "    if pid == 0:\n"
        "        time.sleep(3)\n"
        "        os._exit(0)\n"
        "    children += 1\n"
        "print(children)\n"
    )
    result = sandbox.run_python(counter)
    assert result.passed and int(result.stdout) < 5


# ------------------------------------------------------------------------------------- hostile corpus
def _hostile_programs(names: list[str], values: dict[str, str]) -> list[tuple[str, str, list[str]]]:
    programs = []
    for name in names:
        source = (HOSTILE / name).read_text()
        for placeholder, value in values.items():
            source = source.replace(placeholder, value)
        programs.append((name, source, expectation(source)))
    return programs


@pytest.mark.slow
@needs_bwrap
def test_hostile_programs_fail_with_a_reason_and_never_touch_the_host(host_dir, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    secret_dir = host_dir / "secrets"
    secret_dir.mkdir()
    (secret_dir / "token").write_text(SECRET)
    target = host_dir / "target"
    target.mkdir()
    target.chmod(0o777)  # only the read-only root may stop the write
    victim = target / "victim"
    victim.write_text("keep me")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    config = SandboxConfig(**TINY, hidden_paths=["~", "/root", "/home", str(secret_dir)])
    sandbox = Sandbox(config, timeout_s=3)
    names = sorted(p.name for p in HOSTILE.glob("*.py"))
    programs = _hostile_programs(
        names,
        {"__TARGET_DIR__": str(target), "__VICTIM__": str(victim), "__PORT__": str(listener.getsockname()[1]),
         "__SECRET__": SECRET, "__SECRET_FILE__": str(secret_dir / "token"), "__SLEEP_TOKEN__": SLEEP_TOKEN},
    )  # fmt: skip
    try:
        jobs = [Job(python=source) for _, source, _ in programs] + [Job(python="print('still fine')")]
        results = sandbox.execute(jobs, max_workers=2)
        time.sleep(0.3)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing reached the host's loopback
        assert sorted(p.name for p in target.iterdir()) == ["victim"] and victim.read_text() == "keep me"
        assert host_processes(f"sleep {SLEEP_TOKEN}") == []
        if sandbox.mode == "bwrap-root":
            assert processes_of_uids(sandbox.uids) == []
    finally:
        listener.close()
    wrong = {
        name: (result.status, result.reason)
        for (name, _, expected), result in zip(programs, results, strict=False)
        if result.passed or not as_expected(result.reason, expected)
    }
    assert wrong == {}
    assert results[-1].passed and results[-1].stdout == "still fine\n"  # the evaluation went on
    assert all(SECRET not in r.stdout + r.stderr for r in results)
    flood = results[names.index("output_flood.py")]
    assert len(flood.stdout) <= config.max_output_bytes and flood.output_truncated


@pytest.mark.slow
def test_without_bubblewrap_the_limits_and_the_clean_up_still_hold():
    """The fallback (``isolation=none``): only the programs that stay in their own folder, memory and
    CPU (marked in the corpus); limits, timeouts, orphan clean-up and the verdicts must hold."""
    sandbox = Sandbox(SandboxConfig(**TINY, isolation="none"), timeout_s=3)
    assert sandbox.isolation == "none" and "NONE" in sandbox.description
    names = sorted(p.name for p in HOSTILE.glob("*.py") if "# safe without bubblewrap" in p.read_text())
    assert len(names) >= 5
    programs = _hostile_programs(names, {"__SLEEP_TOKEN__": SLEEP_TOKEN})
    results = sandbox.execute([Job(python=source) for _, source, _ in programs], max_workers=2)
    time.sleep(0.3)
    wrong = {
        n: r.reason
        for (n, _, expected), r in zip(programs, results, strict=True)
        if r.passed or not as_expected(r.reason, expected)
    }
    assert wrong == {}
    assert host_processes(f"sleep {SLEEP_TOKEN}") == []


def test_a_program_that_kills_its_supervisor_fails_and_the_next_one_runs():
    """Without a uid of its own (fallback) a program can kill the supervisor: that program fails, a fresh
    supervisor takes the next one."""
    sandbox = Sandbox(SandboxConfig(**TINY, isolation="none"), timeout_s=3)
    killer = f"import os\nos.kill(os.getppid(), {int(signal.SIGKILL)})\nimport time\ntime.sleep(5)"
    results = sandbox.execute([Job(python=killer), Job(python="print('next')")], max_workers=1)
    assert results[0].status == "failed" and "supervisor died" in results[0].reason
    assert results[1].passed and results[1].stdout == "next\n"


def test_isolation_is_reported():
    mode = isolation_mode()
    assert mode in ("bwrap-root", "bwrap", "none")
    assert Sandbox(SandboxConfig(isolation="none")).isolation == "none"
    if mode == "none":
        with pytest.raises(RuntimeError, match=r"sandbox.isolation=bwrap"):
            Sandbox(SandboxConfig(isolation="bwrap"))


def test_hidden_folders_are_mounted_outside_in_and_exposed_paths_bound_back(host_dir):
    from distill.execution.sandbox import _rebinds

    outer, inner = host_dir / "home", host_dir / "home" / "user"
    tool = inner / ".toolchains" / "bin"
    tool.mkdir(parents=True)
    args = _rebinds([str(inner), str(outer)], [str(tool), str(host_dir / "absent")])
    assert args.index(str(outer)) < args.index(str(inner))  # the inner one is mounted on top
    assert args[-3:] == ["--ro-bind", str(tool), str(tool)] and str(host_dir / "absent") not in args
    assert ["--dir", str(inner / ".toolchains")] == args[-5:-3]


def test_the_supervisor_refuses_to_kill_everything_outside_a_pid_namespace(tmp_path):
    """Its clean-up (``kill(-1)``) is only safe in a PID namespace of its own: on the host it must not start."""
    import json
    import subprocess

    from distill.execution.sandbox import INTERPRETER, SAFE_ENV, SUPERVISOR_SOURCE

    settings = {"work_dir": str(tmp_path / "w"), "scratch": [str(tmp_path)], "uid": None, "own_pid_namespace": True,
                "memory_mb": 0, "max_file_bytes": 1 << 20, "nproc": None, "env": SAFE_ENV,
                "host_pid_namespace": os.readlink("/proc/self/ns/pid")}  # fmt: skip
    done = subprocess.run(
        [INTERPRETER, "-I", "-c", SUPERVISOR_SOURCE, json.dumps(settings)],
        input=json.dumps({"id": 0, "python": "pass", "timeout": 1, "max_output_bytes": 10}).encode() + b"\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and b"refusing to run" in done.stderr and done.stdout == b""
