"""The sweep presets: each experiment's sweep lives in its config, and every job it would launch
composes into the schemas before anything runs; the Optuna preset drives a real search."""

from __future__ import annotations

import itertools
import json

import pytest
import yaml
from hydra import compose, initialize_config_dir

import distill.config.store  # noqa: F401  (registers the schemas)
from distill.config.locations import CONFIG_DIR
from distill.config.validation import to_app_config

PATHS = ["paths.output_dir=/tmp/distill-test-output"]
ABLATIONS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("ablation_*.yaml"))


def _compose(overrides: list[str], hydra_config: bool = False):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        return compose("train", overrides=PATHS + overrides, return_hydra_config=hydra_config)


def _sweep_params(experiment: str) -> dict[str, list[str]]:
    cfg = _compose([f"experiment={experiment}"], hydra_config=True)
    return {key: str(value).split(",") for key, value in cfg.hydra.sweeper.params.items()}


def test_the_issue_s_sweeps_are_there():
    assert {"ablation_loss_terms", "ablation_temperature", "ablation_lora_rank"} <= set(ABLATIONS)
    params = _sweep_params("ablation_loss_terms")
    assert params["loss"] == ["task_only", "kd", "kd_attention", "kd_feature", "full"]
    assert params["seed"] == ["0", "1", "2"]


@pytest.mark.slow
@pytest.mark.parametrize("experiment", ABLATIONS)
def test_every_job_of_every_sweep_composes(experiment):
    params = _sweep_params(experiment)
    assert params, f"experiment={experiment} has no hydra.sweeper.params"
    for values in itertools.product(*params.values()):
        overrides = [f"{key}={value}" for key, value in zip(params, values, strict=True)]
        app = to_app_config(_compose([f"experiment={experiment}", *overrides]))
        assert app.evaluate_after_training, f"{experiment} {overrides}: the objective needs an evaluation"
        for key, value in zip(params, values, strict=True):
            if key == "seed":
                assert app.seed == int(value)


@pytest.mark.slow
def test_loss_terms_sweep_turns_on_the_term_it_names():
    def loss_of(option: str):
        return to_app_config(_compose(["experiment=ablation_loss_terms", f"loss={option}"])).loss

    assert loss_of("task_only").distillation_weight == 0
    assert loss_of("kd_attention").use_attention_transfer and not loss_of("kd_attention").use_feature_matching
    assert loss_of("kd_feature").use_feature_matching and not loss_of("kd_feature").use_attention_transfer
    full = loss_of("full")
    assert full.use_attention_transfer and full.use_feature_matching and full.use_progressive_distillation


def test_optuna_preset_composes_into_a_search():
    cfg = _compose(["hparams_search=optuna_kd"], hydra_config=True)
    assert "optuna" in cfg.hydra.sweeper._target_.lower()
    assert cfg.hydra.sweeper.direction == "maximize"
    assert cfg.objective == "evaluation/pass_at_k/student/custom/pass@1"
    assert set(cfg.hydra.sweeper.params) == {
        "loss.distillation_weight",
        "loss.task_weight",
        "loss.temperature",
    }


@pytest.mark.slow
def test_optuna_search_runs_trials_and_reports_the_best(tmp_path, generated_dataset):
    from test_cli import SMALL, _run  # pytest puts tests/ on sys.path

    sweep_dir = tmp_path / "search"
    args = ["-m", "hparams_search=optuna_kd", "hydra.sweeper.n_trials=2", "hydra.sweeper.storage=null",
            *SMALL, f"data.output_dir={generated_dataset}", "logger=csv", "eval.max_new_tokens=24",
            f"hydra.sweep.dir={sweep_dir}", f"paths.cache_dir={tmp_path / 'cache'}"]  # fmt: skip
    _run("distill-train", args, tmp_path)
    best = yaml.safe_load((sweep_dir / "optimization_results.yaml").read_text())
    trials = [json.loads((sweep_dir / str(n) / "metrics.json").read_text()) for n in (0, 1)]
    values = [t["evaluation"]["pass_at_k"]["student"]["custom"]["pass@1"] for t in trials]
    assert best["best_value"] == max(values)
    assert set(best["best_params"]) == {"loss.distillation_weight", "loss.task_weight", "loss.temperature"}
