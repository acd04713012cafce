"""Checkpoints and the saved adapter: an interrupted fit resumed with ckpt_path=last ends where an
uninterrupted one does; the adapter round-trips through save_pretrained/from_pretrained; the merged
export loads without peft."""

from __future__ import annotations

import pytest
import torch
from conftest import tiny_student_config

from distill.config.schemas import LossConfig, TrainerConfig
from distill.training.module import DistillationModule
from distill.training.system import KnowledgeDistillationSystem

TRAINER = TrainerConfig(enable_progress_bar=False, log_every_n_steps=1, checkpoint_every_n_steps=1,
                        limit_train_batches=6, limit_val_batches=1)  # fmt: skip
STOP_AT = 4  # mid-way through the second epoch: 6 batches an epoch, 2 per step -> 3 steps an epoch


class Interrupted(RuntimeError):
    pass


@pytest.fixture(scope="module")
def student_base(generated_dataset, tmp_path_factory):
    """One student base (tokenizer and random Llama) shared by the runs compared here."""
    root = tmp_path_factory.mktemp("base")
    system = KnowledgeDistillationSystem(tiny_student_config(generated_dataset, root))
    system.setup_tokenizer()
    return system.config.student_model_name


def _system(dataset, root, base, ckpt_path=None, **overrides):
    settings = dict(student_model_name=base, num_epochs=2, gradient_accumulation_steps=2, lora_dropout=0.1)
    config = tiny_student_config(dataset, root, **(settings | overrides))
    return KnowledgeDistillationSystem(config, LossConfig(), trainer_config=TRAINER, ckpt_path=ckpt_path)


def _trainable(system):
    return {name: p.detach().clone() for name, p in system.model.named_parameters() if p.requires_grad}


@pytest.mark.slow
def test_a_fit_resumed_from_its_last_checkpoint_ends_as_an_uninterrupted_one(
    generated_dataset, student_base, tmp_path, monkeypatch
):
    reference = _system(generated_dataset, tmp_path / "reference", student_base)
    assert reference.run_full_training()["steps"] == 6
    expected = _trainable(reference)

    def crash(self, outputs, batch, batch_idx):  # after the checkpoint callback has saved this step
        if self.global_step == STOP_AT:
            raise Interrupted(f"killed at step {self.global_step}")

    with monkeypatch.context() as patch:
        patch.setattr(DistillationModule, "on_train_batch_end", crash, raising=False)
        with pytest.raises(Interrupted):
            _system(generated_dataset, tmp_path / "run", student_base).run_full_training()
    last = torch.load(tmp_path / "run" / "checkpoints" / "last.ckpt", weights_only=False)
    assert last["global_step"] == STOP_AT
    assert all(".base_layer." not in key for key in last["state_dict"])  # trainable weights only

    first_steps = []
    original = DistillationModule.on_train_batch_start

    def record(self, batch, batch_idx):
        first_steps.append((self.global_step, self.current_epoch, batch_idx))
        original(self, batch, batch_idx)

    monkeypatch.setattr(DistillationModule, "on_train_batch_start", record)
    resumed = _system(generated_dataset, tmp_path / "run", student_base, ckpt_path="last")
    results = resumed.run_full_training()
    assert first_steps[0] == (STOP_AT, 1, 2)  # step 4 starts with the 3rd batch of epoch 1 (2 per step)
    assert results["steps"] == 6
    weights = _trainable(resumed)
    assert weights.keys() == expected.keys()
    for name, value in expected.items():
        assert torch.equal(weights[name], value), name


def test_the_adapter_round_trips_and_the_merged_export_loads_without_peft(
    generated_dataset, student_base, tmp_path
):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    system = _system(generated_dataset, tmp_path, student_base, num_epochs=1, export_merged=True)
    results = system.run_full_training()
    trained = system.model.eval()
    ids = torch.tensor([[1, 17, 42, 99, 5, 230, 7]])
    with torch.no_grad():
        expected = trained(ids).logits
        base = AutoModelForCausalLM.from_pretrained(student_base)
        adapted = PeftModel.from_pretrained(base, system.config.output_dir).eval()
        assert torch.equal(adapted(ids).logits, expected)
        merged = AutoModelForCausalLM.from_pretrained(results["merged_model"]).eval()
        assert not hasattr(merged, "peft_config")
        torch.testing.assert_close(merged(ids).logits, expected, rtol=1e-4, atol=1e-4)
        untrained = AutoModelForCausalLM.from_pretrained(student_base).eval()
        assert not torch.allclose(untrained(ids).logits, expected, atol=1e-3)  # training changed it
