"""Config groups a user can replace: the prompt templates, topic lists and price table are group
options that ``--config-dir`` overrides, the ``distillation`` block is one group, and a schema nested
elsewhere (``eval.teacher_api``) reports its errors under the key the user wrote."""

from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir

import distill.config.store  # noqa: F401 - registers the schemas
from distill.config.errors import ConfigError
from distill.config.locations import CONFIG_DIR
from distill.config.schemas import ClaudeConfig, DatasetConfig
from distill.config.validation import to_app_config

PATHS = ["paths.output_dir=/tmp/distill-test-output"]


def _app(name: str, overrides: list[str]):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        return to_app_config(compose(name, overrides=PATHS + overrides))


def test_a_user_config_dir_replaces_the_prompts_topics_and_prices(tmp_path):
    (tmp_path / "data" / "prompts").mkdir(parents=True)
    (tmp_path / "data" / "topics").mkdir()
    (tmp_path / "api" / "pricing").mkdir(parents=True)
    (tmp_path / "data" / "prompts" / "terse.yaml").write_text(
        "system: Be terse.\nuser: 'Language: $language Difficulty: $difficulty Style: $style'\n"
    )
    (tmp_path / "data" / "topics" / "graphs.yaml").write_text("python: [graphs, trees]\n")
    (tmp_path / "api" / "pricing" / "negotiated.yaml").write_text(
        "# @package _global_.api\nprices_as_of: '2027-01-01'\nprices:\n  claude-sonnet-5-5: {input: 1.0, output: 5.0}\n"
    )
    app = _app(
        "generate",
        [
            f"hydra.searchpath=[file://{tmp_path}]",
            "data/prompts=terse",
            "data/topics=graphs",
            "api/pricing=negotiated",
        ],
    )
    assert app.data.prompts.system == "Be terse."
    assert app.data.prompts.user.startswith("Language: $language")
    assert app.data.topics["python"] == ["graphs", "trees"]
    assert app.api.prices_as_of == "2027-01-01"
    assert app.api.prices["claude-sonnet-5-5"].input == 1.0


def test_the_default_group_options_are_the_schema_defaults():
    """A config built in Python and one composed by Hydra start from the same files."""
    app = _app("generate", [])
    assert app.data.prompts == DatasetConfig().prompts
    assert app.data.topics == DatasetConfig().topics
    assert app.api.prices == ClaudeConfig().prices and app.api.prices_as_of == ClaudeConfig().prices_as_of


@pytest.mark.parametrize("primary", ["train", "pipeline", "cache_teacher"])
def test_every_training_primary_takes_the_one_distillation_block(primary):
    app = _app(primary, ["loss.temperature=3.5"])
    assert app.distillation.temperature == 3.5
    assert app.distillation.dataset_path == app.data.output_dir
    assert app.distillation.output_dir.endswith("/student")


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("eval.teacher_api.max_tokens=0", "eval.teacher_api.max_tokens"),
        ("eval.teacher_api.offline.latency_s=-1", "eval.teacher_api.offline.latency_s"),
        ("api.max_tokens=0", "api.max_tokens"),
        ("eval.sandbox.tmp_size_mb=0", "eval.sandbox.tmp_size_mb"),
    ],
)
def test_a_nested_schema_names_the_key_the_user_wrote(override, key):
    with pytest.raises(ConfigError) as error:
        _app("pipeline", [override])
    assert str(error.value).startswith(f"{key}:"), str(error.value)


def test_a_schema_built_in_python_reports_under_its_usual_key():
    with pytest.raises(ConfigError, match=r"^api\.max_tokens: must be positive"):
        ClaudeConfig(max_tokens=0)


def test_generation_qc_runs_under_the_configured_sandbox():
    from distill.generation.quality import DatasetQualityController

    app = _app("pipeline", ["data.sandbox.memory_mb=512", "data.sandbox.isolation=none"])
    assert app.eval.sandbox.memory_mb == 1024  # evaluation keeps its own limits
    controller = DatasetQualityController(app.data)
    assert controller.sandbox.config.memory_mb == 512 and controller.sandbox.config.isolation == "none"


def test_the_qc_sandbox_of_a_generate_run_names_data_sandbox():
    with pytest.raises(ConfigError, match=r"^data\.sandbox\.tmp_size_mb:"):
        _app("generate", ["data.sandbox.tmp_size_mb=0"])
