"""Shared fixtures: hermetic environment, composed configs, a small generated dataset."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

for name, value in {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "WANDB_MODE": "offline",
    "WANDB_SILENT": "true",
    # One intra-op thread per process: the tests' models are tiny, and on a shared 2-core machine two
    # threads per process (the default) oversubscribe the cores and run ~10x slower. Inherited by the
    # commands the tests start.
    "OMP_NUM_THREADS": "1",
}.items():
    os.environ.setdefault(name, value)
for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "WANDB_API_KEY"):
    os.environ.pop(name, None)

import torch  # noqa: E402

torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))  # in case a plugin imported torch first

from distill.config.schemas import (  # noqa: E402
    ClaudeConfig,
    DatasetConfig,
    DistillationConfig,
    TinyLlamaSpec,
    TokenizerSpec,
)

REPO = Path(__file__).resolve().parents[1]


def offline_api(cache_dir: Path | None = None, **overrides) -> ClaudeConfig:
    """An offline client config with limits high enough not to slow tests down."""
    settings = dict(
        backend="offline",
        rate_limit_rpm=100_000,
        rate_limit_tpm=100_000_000,
        max_concurrent=16,
        retry_delay=0.01,
        cache_dir=str(cache_dir) if cache_dir else None,
    )
    return ClaudeConfig(**(settings | overrides))


def python_dataset_config(output_dir: Path, target_size: int, **overrides) -> DatasetConfig:
    settings = dict(
        target_size=target_size,
        languages=["python"],
        language_distribution={"python": 1},
        output_dir=str(output_dir),
    )
    return DatasetConfig(**(settings | overrides))


@pytest.fixture(scope="session")
def generated_dataset(tmp_path_factory) -> Path:
    """A small dataset written by the offline server through the real client and generator."""
    from distill.generation.generator import DatasetGenerator

    root = tmp_path_factory.mktemp("generated")
    generator = DatasetGenerator(python_dataset_config(root / "data", 90), offline_api(root / "api_cache"))
    dataset = asyncio.run(generator.generate_dataset(max_concurrent=16))
    generator.save_dataset(generator.split_dataset(dataset))
    return root / "data"


def tiny_student_config(dataset_path: Path, root: Path, **overrides) -> DistillationConfig:
    """A CPU-sized student built from the dataset (tokenizer trained on it)."""
    settings = dict(
        student_model_name=str(root / "student_base"),
        dataset_path=str(dataset_path),
        output_dir=str(root / "student"),
        max_length=256,
        use_4bit=False,
        torch_dtype="float32",
        lora_r=8,
        lora_alpha=16,
        lora_dropout=0.0,
        lora_modules_to_save=["embed_tokens", "lm_head"],
        num_epochs=1,
        batch_size=8,
        gradient_accumulation_steps=1,
        learning_rate=3e-3,
        student_build=TinyLlamaSpec(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                                    num_key_value_heads=2),
        tokenizer_build=TokenizerSpec(vocab_size=600),
    )  # fmt: skip
    return DistillationConfig(**(settings | overrides))


@pytest.fixture
def without_go(monkeypatch):
    """``go`` is not on PATH (the toolchain lookups are cached per process: cleared before and after)."""
    from distill.execution import languages

    real_which = languages.shutil.which
    monkeypatch.setattr(languages.shutil, "which", lambda tool: None if tool == "go" else real_which(tool))
    languages._executables.cache_clear()
    yield
    languages._executables.cache_clear()
