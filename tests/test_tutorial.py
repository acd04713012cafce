"""docs/adding-config-groups.md, followed literally: its YAML blocks are written to a config folder of
the user's own, and the commands it shows pick them up and run."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir

import distill.config.store  # noqa: F401 - registers the schemas
from distill.config.errors import ConfigError
from distill.config.locations import CONFIG_DIR
from distill.config.validation import to_app_config

DOC = Path(__file__).resolve().parents[1] / "docs" / "adding-config-groups.md"


def write_user_config(root: Path) -> dict[str, Path]:
    """Every ```yaml block of the tutorial that names its file (``# my_conf/<group>/<name>.yaml``)."""
    written = {}
    for block in re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.DOTALL):
        name = re.search(r"^# (my_conf/\S+\.yaml)", block, flags=re.MULTILINE)
        if name:
            path = root / name.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block)
            written[name.group(1)] = path
    return written


def test_the_tutorial_names_a_file_for_every_example(tmp_path):
    written = write_user_config(tmp_path)
    assert {
        "my_conf/loss/soft_reverse.yaml",
        "my_conf/model/tiny_wide.yaml",
        "my_conf/model/deepseek_1_3b.yaml",
        "my_conf/teacher/tiny_deep.yaml",
        "my_conf/experiment/my_ablation.yaml",
    } <= set(written)


def test_user_options_compose_onto_our_schemas(tmp_path):
    write_user_config(tmp_path)
    overrides = [f"hydra.searchpath=[file://{tmp_path / 'my_conf'}]", "paths.output_dir=/tmp/tutorial"]
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        app = to_app_config(
            compose("train", [*overrides, "loss=soft_reverse", "model=tiny_wide", "teacher=tiny_deep"])
        )
        assert app.loss.divergence == "reverse_kl" and app.loss.temperature == 2.0
        assert app.distillation.student_build.hidden_size == 192  # changed by the user's option
        assert app.distillation.learning_rate == 3e-3  # inherited from our tiny_llama
        assert app.teacher.build.num_hidden_layers == 6 and app.teacher.pretrain.max_steps == 400
        hub = to_app_config(compose("train", [*overrides, "model=deepseek_1_3b"]))
        assert hub.distillation.student_model_name == "deepseek-ai/deepseek-coder-1.3b-base"
        (tmp_path / "my_conf" / "loss" / "typo.yaml").write_text("divergence: jensen\n")
        with pytest.raises(ConfigError, match=r"^loss\.divergence"):
            to_app_config(compose("train", [*overrides, "loss=typo"]))


@pytest.mark.slow
def test_the_tutorial_sweep_runs_from_the_users_folder(tmp_path, generated_dataset):
    from test_cli import BIN, SMALL

    write_user_config(tmp_path)
    sweep = tmp_path / "sweep"
    args = [
        "--config-dir", str(tmp_path / "my_conf"), "-m", "experiment=my_ablation", "hydra.sweeper.params.seed=0",
        *SMALL, f"data.output_dir={generated_dataset}", "eval.max_new_tokens=24", "logger=csv",
        f"hydra.sweep.dir={sweep}", f"paths.cache_dir={tmp_path / 'cache'}",
    ]  # fmt: skip
    result = subprocess.run(
        [str(BIN / "distill-train"), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    temperatures = []
    for job in ("0", "1"):
        config = yaml.safe_load((sweep / job / ".hydra" / "config.yaml").read_text())
        temperatures.append(config["loss"]["temperature"])
        metrics = json.loads((sweep / job / "metrics.json").read_text())
        assert "pass@1" in metrics["evaluation"]["pass_at_k"]["student"]["custom"]
    assert temperatures == [1.0, 4.0]
