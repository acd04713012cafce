"""Scaling out: the trainer presets and Hydra launcher presets compose, the CPU-capable ones build a
Trainer, and data-parallel training on two CPU processes equals one process with the whole batch."""

from __future__ import annotations

from pathlib import Path

import lightning as L
import pytest
import torch
from conftest import tiny_student_config
from hydra import compose, initialize_config_dir
from hydra.utils import get_class

import distill.config.store  # noqa: F401 - registers the schemas
from distill.config.locations import CONFIG_DIR
from distill.config.schemas import LossConfig, TrainerConfig
from distill.config.validation import to_app_config
from distill.training.system import KnowledgeDistillationSystem
from distill.training.trainer import build_strategy, build_trainer

PRESETS = ("cpu", "gpu", "ddp", "ddp_spawn", "fsdp", "deepspeed")
PATHS = ["paths.output_dir=/tmp/distill-test-output"]


def _compose(name, overrides=(), hydra=False):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        return compose(name, overrides=PATHS + list(overrides), return_hydra_config=hydra)


@pytest.mark.parametrize("preset", PRESETS)
def test_every_trainer_preset_composes(preset):
    trainer = to_app_config(_compose("train", [f"trainer={preset}"])).trainer
    expected = {"cpu": "auto", "gpu": "auto", "ddp": "ddp", "ddp_spawn": "ddp_spawn", "fsdp": "fsdp",
                "deepspeed": "deepspeed_stage_2"}  # fmt: skip
    assert trainer.strategy == expected[preset]
    assert trainer.precision == ("32-true" if preset == "cpu" else "bf16-mixed")


@pytest.mark.parametrize("preset", ["cpu", "ddp", "ddp_spawn"])
def test_the_cpu_capable_presets_build_a_trainer(preset):
    on_cpu = (
        []
        if preset == "cpu"
        else ["trainer.accelerator=cpu", "trainer.devices=2", "trainer.precision=32-true"]
    )
    config = to_app_config(_compose("train", [f"trainer={preset}", *on_cpu])).trainer
    trainer = build_trainer(config, max_epochs=1)
    assert trainer.world_size == (1 if preset == "cpu" else 2)
    if preset != "cpu":
        assert trainer.strategy._start_method == ("popen" if preset == "ddp" else "spawn")


def test_the_fsdp_preset_builds_its_strategy_and_needs_a_gpu():
    from lightning.pytorch.strategies import FSDPStrategy
    from transformers.models.llama.modeling_llama import LlamaDecoderLayer

    config = to_app_config(_compose("train", ["trainer=fsdp"])).trainer
    strategy = build_strategy(config.strategy, dict(config.strategy_options))
    assert isinstance(strategy, FSDPStrategy)
    assert strategy.kwargs["use_orig_params"] is True
    assert strategy.kwargs["auto_wrap_policy"]._module_classes == {LlamaDecoderLayer}
    assert strategy._activation_checkpointing_kwargs["auto_wrap_policy"]._module_classes == {
        LlamaDecoderLayer
    }
    cpu = TrainerConfig(
        accelerator="cpu", devices=2, strategy="fsdp", strategy_options=config.strategy_options
    )
    with pytest.raises(ValueError, match="requires a GPU accelerator"):
        build_trainer(cpu, max_epochs=1)


def test_the_deepspeed_preset_asks_for_the_package():
    config = to_app_config(_compose("train", ["trainer=deepspeed"])).trainer
    with pytest.raises(Exception, match="pip install -U deepspeed"):  # not installed here: CUDA build tools
        build_strategy(config.strategy, dict(config.strategy_options))


def test_strategy_options_for_a_strategy_that_takes_none_name_the_key():
    from distill.config.errors import ConfigError

    with pytest.raises(ConfigError, match=r"trainer\.strategy_options: strategy 'auto' takes no options"):
        build_strategy("auto", {"find_unused_parameters": True})


@pytest.mark.parametrize("launcher", ["slurm", "joblib_cpu"])
def test_the_launcher_presets_compose(launcher):
    cfg = _compose("train", [f"hydra/launcher={launcher}", "trainer=ddp", "trainer.devices=4",
                             "trainer.num_nodes=2"], hydra=True)  # fmt: skip
    settings = cfg.hydra.launcher
    assert get_class(settings._target_).__name__ == (
        "SlurmLauncher" if launcher == "slurm" else "JoblibLauncher"
    )
    if launcher == "slurm":
        assert (settings.tasks_per_node, settings.gpus_per_node, settings.nodes) == (4, 4, 2)
        assert settings.max_num_timeout > 0
    else:
        assert settings.n_jobs == 2


def test_the_cache_teacher_command_composes():
    app = to_app_config(_compose("cache_teacher"))
    assert app.task_name == "cache_teacher" and app.teacher.kind == "topk_cache"
    assert app.teacher.cache_dir.endswith("teacher_topk/codellama/CodeLlama-13b-hf/top20")
    assert app.loss.teacher_top_k == 20 and app.loss.topk_missing_mass == "tail"


class _SaveTrainable(L.Callback):
    def __init__(self, path: Path) -> None:
        self.path = path

    def on_train_end(self, trainer, module):
        if trainer.is_global_zero:
            torch.save(
                {n: p.detach() for n, p in module.student.named_parameters() if p.requires_grad}, self.path
            )


def _fit(dataset, root, base, devices, batch_size):
    root.mkdir(parents=True, exist_ok=True)
    config = tiny_student_config(dataset, root, student_model_name=base, batch_size=batch_size)
    trainer_config = TrainerConfig(accelerator="cpu", devices=devices, max_steps=3, enable_progress_bar=False,
                                   strategy="ddp_spawn" if devices > 1 else "auto")  # fmt: skip
    system = KnowledgeDistillationSystem(config, LossConfig(), trainer_config=trainer_config)
    L.seed_everything(0)
    system.setup_model_and_tokenizer()
    system.load_dataset()
    module = system.build_module(system.build_loss())
    trainer = build_trainer(trainer_config, max_epochs=1, callbacks=[_SaveTrainable(root / "trained.pt")])
    trainer.fit(module, datamodule=system.datamodule)
    return torch.load(root / "trained.pt")


@pytest.mark.slow
def test_two_data_parallel_processes_train_as_one_with_the_whole_batch(generated_dataset, tmp_path):
    """DDP on two CPU processes (gloo), 4 examples each, against one process with 8: the sampler shards
    the same examples into each step and the loss is normalised by the kept tokens of all devices, so
    the weights agree to float32 rounding."""
    base = KnowledgeDistillationSystem(tiny_student_config(generated_dataset, tmp_path / "base"))
    base.setup_tokenizer()
    one = _fit(generated_dataset, tmp_path / "one", base.config.student_model_name, 1, 8)
    two = _fit(generated_dataset, tmp_path / "two", base.config.student_model_name, 2, 4)
    assert one.keys() == two.keys()
    for name, value in one.items():
        torch.testing.assert_close(two[name], value, rtol=1e-4, atol=1e-5, msg=name)
