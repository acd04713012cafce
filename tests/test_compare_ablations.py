"""scripts/compare_ablations.py on a multirun folder written the way Hydra writes it, and on W&B runs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "compare_ablations.py"
spec = importlib.util.spec_from_file_location("compare_ablations", SCRIPT)
compare_ablations = importlib.util.module_from_spec(spec)
sys.modules["compare_ablations"] = compare_ablations  # dataclasses look their module up there
spec.loader.exec_module(compare_ablations)

RESULTS = {  # (loss, seed) -> (val/total, pass@1)
    ("task_only", 0): (1.0, 0.10), ("task_only", 1): (1.2, 0.12), ("task_only", 2): (1.1, 0.14),
    ("kd", 0): (0.8, 0.20), ("kd", 1): (0.9, 0.22), ("kd", 2): (0.7, 0.18),
}  # fmt: skip


@pytest.fixture
def multirun(tmp_path) -> Path:
    for number, ((loss, seed), (total, pass1)) in enumerate(RESULTS.items()):
        job = tmp_path / str(number)
        (job / ".hydra").mkdir(parents=True)
        (job / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump([f"loss={loss}", f"seed={seed}"]))
        metrics = {
            "train": {"eval": {"val/total": total}},
            "evaluate": {"pass_at_k": {"student": {"custom": {"pass@1": pass1}}}},
        }
        (job / "metrics.json").write_text(json.dumps(metrics))
    return tmp_path


def test_mean_std_and_bootstrap_interval_per_configuration(multirun):
    jobs = compare_ablations.jobs_from_multirun(multirun)
    rows = {r.config: r for r in compare_ablations.summarize(jobs, "train/eval/val/total")}
    assert set(rows) == {"loss=kd", "loss=task_only"}
    kd = rows["loss=kd"]
    assert (
        kd.n == 3
        and kd.mean == pytest.approx(0.8)
        and kd.std == pytest.approx(np.std([0.8, 0.9, 0.7], ddof=1))
    )
    assert 0.7 - 1e-9 <= kd.ci_low < kd.mean < kd.ci_high <= 0.9 + 1e-9


def test_report_marks_the_best_in_the_right_direction(multirun, tmp_path):
    report = compare_ablations.main(["--multirun", str(multirun), "--out", str(tmp_path / "out")])
    assert report == 0
    text = (tmp_path / "out" / "ablation.md").read_text()
    loss_section = text.split("### train/eval/val/total")[1].split("###")[0]
    assert "`loss=kd` **best**" in loss_section  # lower loss wins
    pass_section = text.split("### evaluate/pass_at_k/student/custom/pass@1")[1]
    assert "`loss=kd` **best**" in pass_section  # higher pass@1 wins
    assert len(list((tmp_path / "out").glob("*.png"))) == 2


def test_a_folder_without_finished_jobs_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"metrics\.json"):
        compare_ablations.jobs_from_multirun(tmp_path)


def test_wandb_group_through_the_public_api():
    class Run:
        def __init__(self, loss, seed, total):
            self.config = {"hydra_overrides": [f"loss={loss}", f"seed={seed}"]}
            self.summary = {"final/val/val/total": total, "_step": 3}

    class Api:
        def runs(self, path, filters):
            assert path == "me/distill" and filters == {"group": "sweep-1", "state": "finished"}
            return [Run(loss, seed, total) for (loss, seed), (total, _) in RESULTS.items()]

    jobs = compare_ablations.jobs_from_wandb("sweep-1", "distill", "me", api=Api())
    rows = {r.config: r.mean for r in compare_ablations.summarize(jobs, "final/val/val/total")}
    assert rows == pytest.approx({"loss=kd": 0.8, "loss=task_only": 1.1})
