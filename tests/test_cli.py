"""The console scripts as users run them: the offline pipeline end to end, and a -m sweep with W&B."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
SECRET = "sk-ant-test-secret-0123456789"

# A CPU-sized run of every stage: small data, tiny models, few steps, a few problems.
SMALL = [
    "data.target_size=40",
    "distillation.student_build.hidden_size=32",
    "distillation.student_build.intermediate_size=64",
    "distillation.student_build.num_hidden_layers=2",
    "distillation.student_build.num_attention_heads=2",
    "distillation.student_build.num_key_value_heads=2",
    "distillation.tokenizer_build.vocab_size=500",
    "distillation.num_epochs=1",
    "teacher.build.hidden_size=48",
    "teacher.build.intermediate_size=96",
    "teacher.build.num_hidden_layers=2",
    "teacher.build.num_attention_heads=2",
    "teacher.build.num_key_value_heads=2",
    "teacher.pretrain.max_steps=6",
    "trainer.enable_progress_bar=false",
]


def _run(script: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANTHROPIC_API_KEY": SECRET, "HYDRA_FULL_ERROR": "1"}
    result = subprocess.run(
        [str(BIN / script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return result


@pytest.mark.slow
def test_offline_pipeline_end_to_end(tmp_path):
    run_dir = tmp_path / "run"
    args = [*SMALL, "eval.max_problems=6", "eval.max_new_tokens=32", f"hydra.run.dir={run_dir}",
            f"paths.cache_dir={tmp_path / 'cache'}", f"api.api_key={SECRET}"]  # fmt: skip
    result = _run("distill-pipeline", args, tmp_path)
    assert "distill pipeline" in result.stdout and "pass@1" in result.stdout
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["generate"]["sizes"] == {"train": 32, "validation": 4, "test": 4}
    assert {"train/task_ce", "train/kd", "train/total"} <= set(metrics["train"]["train"])
    models = metrics["evaluate"]["pass_at_k"]
    assert set(models) == {"student", "base:student_base", "teacher:tiny"}
    assert set(models["student"]) == {"custom", "humaneval"}
    report = Path(metrics["evaluate"]["report_path"])
    assert report.parent == run_dir / "evaluation" and "## humaneval" in report.read_text()
    assert (run_dir / "student" / "adapter_config.json").exists()
    assert (run_dir / "data" / "test.jsonl").exists()
    # the key passed on the command line and in the environment is nowhere in the run folder
    for path in run_dir.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.slow
def test_sweep_makes_one_wandb_run_per_job_in_one_group(tmp_path, generated_dataset):
    sweep_dir = tmp_path / "sweep"
    args = ["-m", "loss=task_only,kd", *SMALL, f"data.output_dir={generated_dataset}", "logger=wandb",
            "logger.mode=offline", f"hydra.sweep.dir={sweep_dir}", f"paths.cache_dir={tmp_path / 'cache'}"]  # fmt: skip
    _run("distill-train", args, tmp_path)
    jobs = [json.loads((sweep_dir / str(n) / "tracking.json").read_text()) for n in (0, 1)]
    assert jobs[0]["wandb_run_id"] != jobs[1]["wandb_run_id"]
    assert jobs[0]["group"] == jobs[1]["group"] == sweep_dir.name
    for number, job in enumerate(jobs):
        runs = list((sweep_dir / str(number) / "wandb").glob(f"offline-run-*-{job['wandb_run_id']}"))
        assert len(runs) == 1, f"job {number}: its own W&B run in its own folder"
        assert sweep_dir.name.encode() in next(runs[0].glob("*.wandb")).read_bytes()
        metrics = json.loads((sweep_dir / str(number) / "metrics.json").read_text())
        assert "val/total" in metrics["eval"]
    task_only = json.loads((sweep_dir / "0" / "metrics.json").read_text())
    assert "train/kd" not in task_only["train"]  # task_only trains on cross-entropy alone


def test_a_config_error_stops_before_any_work(tmp_path):
    env = {**os.environ, "HYDRA_FULL_ERROR": "1"}
    result = subprocess.run(
        [str(BIN / "distill-generate"), "data.train_split=0.95", f"hydra.run.dir={tmp_path / 'run'}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "data.train_split/val_split/test_split" in result.stderr
    assert not (tmp_path / "run" / "data").exists()
