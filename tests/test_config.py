"""The Hydra configuration: every primary and option composes into the typed schemas, and bad input
fails before any work with the key path in the message."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.errors import ConfigCompositionException

import distill
import distill.config.store
from distill.config.errors import ConfigError
from distill.config.locations import CONFIG_DIR
from distill.config.schemas import (
    ClaudeConfig,
    DatasetConfig,
    DistillationConfig,
    EvaluationConfig,
    LossConfig,
)
from distill.config.validation import to_app_config

PRIMARIES = ("generate", "train", "evaluate", "pipeline")
GROUPS = ("model", "teacher", "api", "loss", "data", "eval", "trainer", "logger", "experiment")
PATHS = ["paths.output_dir=/tmp/distill-test-output"]


def _compose(name: str, overrides: list[str] | None = None, config_dir: Path = CONFIG_DIR):
    with initialize_config_dir(version_base="1.3", config_dir=str(config_dir)):
        return compose(name, overrides=PATHS + list(overrides or []))


def _options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


@pytest.mark.parametrize("name", PRIMARIES)
def test_every_primary_composes_into_its_schema(name):
    app = to_app_config(_compose(name))
    assert type(app).__name__.lower().startswith(name)


@pytest.mark.parametrize("group", GROUPS)
def test_every_option_of_every_group_composes(group):
    options = _options(group)
    assert options, f"conf/{group}/ has no options"
    for option in options:
        primary = "pipeline"
        app = to_app_config(_compose(primary, [f"{group}={option}"]))
        assert app is not None


def test_required_groups_and_options_exist():
    expected = {
        "model": {"codellama_7b", "tiny_llama"},
        "teacher": {"none", "tiny", "hf"},
        "api": {"claude", "offline"},
        "loss": {"task_only", "kd", "full"},
        "trainer": {"cpu", "gpu"},
        "logger": {"wandb", "csv"},
        "experiment": {"demo"},
    }
    for group, options in expected.items():
        assert options <= set(_options(group)), group


def test_misspelt_key_in_a_yaml_option_names_the_key_path(tmp_path):
    (tmp_path / "loss").mkdir()
    (tmp_path / "loss" / "typo.yaml").write_text("temprature: 2.0\n")
    with pytest.raises(ConfigCompositionException) as error:
        _compose("train", [f"hydra.searchpath=[file://{tmp_path}]", "loss=typo"])
    assert "full_key: loss.temprature" in str(error.value)


def test_wrong_type_on_the_command_line_fails():
    with pytest.raises(ConfigCompositionException) as error:
        _compose("train", ["distillation.batch_size=four"])
    assert "distillation.batch_size" in str(error.value.__cause__)


def test_appended_unknown_key_fails_with_its_path():
    with pytest.raises(ConfigError, match=r"^loss\.foo: unknown key"):
        to_app_config(_compose("train", ["+loss.foo=1"]))


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("loss.divergence=jensen", "loss.divergence"),
        ("api.backend=openai", "api.backend"),
        ("data.languages=[python,cobol]", "data.languages"),
        ("data.train_split=0.9", "data.train_split"),
        ("eval.test_datasets=[humaneval,leetcode]", "eval.test_datasets"),
        ("teacher=hf", None),  # valid: hf with its default path
    ],
)
def test_cross_field_checks_name_the_key(override, key):
    cfg = _compose("pipeline", [override])
    if key is None:
        to_app_config(cfg)
        return
    with pytest.raises(ConfigError) as error:
        to_app_config(cfg)
    assert str(error.value).startswith(key)


def test_loss_group_is_the_source_of_the_spec_flat_fields():
    app = to_app_config(_compose("train", ["loss=task_only", "loss.temperature=2.5"]))
    assert app.distillation.task_weight == app.loss.task_weight == 1.0
    assert app.distillation.distillation_weight == app.loss.distillation_weight == 0.0
    assert app.distillation.temperature == app.loss.temperature == 2.5


def test_pipeline_wires_the_stages_together():
    app = to_app_config(_compose("pipeline"))
    assert app.distillation.dataset_path == app.data.output_dir
    assert app.eval.student_model_path == app.distillation.output_dir
    assert app.eval.baseline_models == [app.distillation.student_model_name]
    assert app.eval.custom_test_path == f"{app.data.output_dir}/test.jsonl"


# ------------------------------------------------------------------------------------- the spec
SPEC_FIELDS = {
    ClaudeConfig: dict(
        model=None, max_tokens=4096, temperature=0.1, top_p=0.95, timeout=60.0, max_retries=3, retry_delay=1.0,
        rate_limit_rpm=50, rate_limit_tpm=40000,
    ),
    DatasetConfig: dict(
        target_size=25000, languages=["python", "javascript", "java", "cpp", "go", "rust"],
        difficulty_distribution={"easy": 30, "medium": 50, "hard": 20},
        style_distribution={"clean": 50, "documented": 30, "optimized": 20}, output_dir="./data/generated",
        train_split=0.8, val_split=0.1, test_split=0.1,
    ),
    DistillationConfig: dict(
        student_model_name="codellama/CodeLlama-7b-hf", max_length=2048, lora_r=16, lora_alpha=32, lora_dropout=0.1,
        use_4bit=True, bnb_4bit_compute_dtype="float16", bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
        num_epochs=3, batch_size=4, gradient_accumulation_steps=4, learning_rate=2e-4, warmup_ratio=0.1,
        weight_decay=0.01, max_grad_norm=1.0, distillation_weight=0.7, task_weight=0.3, temperature=4.0,
        dataset_path="./data/generated",
    ),
    EvaluationConfig: dict(
        student_model_path="./models/distilled_codellama", baseline_models=["codellama/CodeLlama-7b-hf"],
        test_datasets=["humaneval", "mbpp", "apps"], custom_test_path="./data/generated/test.jsonl",
        max_new_tokens=512, temperature=0.1, top_p=0.95, do_sample=True, num_return_sequences=1, timeout_seconds=10,
        max_workers=4, batch_size=8, output_dir="./evaluation_results", save_predictions=True, generate_report=True,
    ),
    LossConfig: dict(temperature=4.0, distillation_weight=0.7, task_weight=0.3, use_attention_transfer=False,
                     use_feature_matching=False),
}  # fmt: skip


@pytest.mark.parametrize("schema", list(SPEC_FIELDS), ids=lambda s: s.__name__)
def test_spec_fields_and_defaults(schema):
    instance = schema()
    for name, default in SPEC_FIELDS[schema].items():
        assert hasattr(instance, name), f"{schema.__name__}.{name}"
        if default is not None:
            assert getattr(instance, name) == default, f"{schema.__name__}.{name}"


def test_mutable_defaults_are_not_shared():
    a, b = DistillationConfig(), DistillationConfig()
    a.lora_target_modules.append("lm_head")
    assert "lm_head" not in b.lora_target_modules
    assert DatasetConfig().language_distribution["python"] == 40


def test_retired_default_model_is_replaced_and_priced():
    config = ClaudeConfig()
    assert config.model != "claude-3-opus-20240229"
    assert EvaluationConfig().teacher_model_name == config.model
    assert config.model in config.prices and config.prices[config.model].output > 0
    assert config.prices_as_of


def test_spec_names_are_importable_from_distill():
    names = [
        "ClaudeAPIClient", "ClaudeConfig", "CodeGenerationRequest", "CodeGenerationResponse", "RateLimiter",
        "DatasetGenerator", "DatasetConfig", "DatasetQualityController", "KnowledgeDistillationSystem",
        "DistillationConfig", "CodeDataset", "ModelComparator", "EvaluationConfig", "AdvancedDistillationLoss",
        "LossConfig",
    ]  # fmt: skip
    for name in names:
        assert getattr(distill, name).__name__ == name
    from distill.advanced_loss import AdvancedDistillationLoss  # the spec's module paths, src. -> distill.
    from distill.claude_client import ClaudeAPIClient
    from distill.dataset_generator import DatasetGenerator
    from distill.distillation_trainer import KnowledgeDistillationSystem
    from distill.evaluation_system import ModelComparator

    assert all(
        (
            AdvancedDistillationLoss,
            ClaudeAPIClient,
            DatasetGenerator,
            KnowledgeDistillationSystem,
            ModelComparator,
        )
    )


def test_spec_method_signatures():
    import inspect

    from distill import ClaudeAPIClient, DatasetGenerator, KnowledgeDistillationSystem, ModelComparator

    assert inspect.iscoroutinefunction(ClaudeAPIClient.generate_code)
    assert inspect.iscoroutinefunction(ClaudeAPIClient.generate_batch)
    batch = inspect.signature(ClaudeAPIClient.generate_batch).parameters
    assert batch["max_concurrent"].default == 5 and batch["progress_callback"].default is None
    generate = inspect.signature(DatasetGenerator.generate_dataset).parameters
    assert generate["max_concurrent"].default == 5 and generate["save_intermediate"].default is True
    assert inspect.iscoroutinefunction(DatasetGenerator.generate_dataset)
    for method in ("split_dataset", "save_dataset"):
        assert callable(getattr(DatasetGenerator, method))
    for method in ("run_full_training", "setup_model_and_tokenizer", "load_dataset"):
        assert callable(getattr(KnowledgeDistillationSystem, method))
    assert list(inspect.signature(ModelComparator.evaluate_model).parameters) == [
        "self",
        "model_name",
        "model_path",
    ]
    assert callable(ModelComparator.compare_models)


def test_schema_dataclasses_use_default_factories():
    for schema in SPEC_FIELDS:
        for field in dataclasses.fields(schema):
            if field.type in ("list[str]", "dict[str, int]"):
                assert field.default_factory is not dataclasses.MISSING, f"{schema.__name__}.{field.name}"
