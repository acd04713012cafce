"""The teacher check before distillation: the teacher and the student's starting point scored on the
validation split; a teacher no better than the student warns (or stops the run with
``distillation.require_better_teacher``) naming both figures, a trained teacher passes."""

from __future__ import annotations

import logging
import re

import pytest
import torch
from conftest import tiny_student_config
from torch.utils.data import DataLoader

from distill.config.schemas import DistillationConfig, LossConfig, TeacherConfig, TinyLlamaSpec, TrainerConfig
from distill.data.datamodule import CodeDataset, PadCollator, load_split
from distill.models.loading import load_frozen
from distill.models.tiny import build_tiny_llama, save_model_dir
from distill.training.system import KnowledgeDistillationSystem
from distill.training.teacher_check import TeacherNotBetterError, compare_on_validation, response_ce

TEACHER_SPEC = TinyLlamaSpec(hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=2,
                             num_key_value_heads=2, init_seed=3)  # fmt: skip
QUIET = TrainerConfig(
    enable_progress_bar=False, limit_train_batches=1, limit_val_batches=1, log_every_n_steps=1
)
FIGURES = r"teacher CE \d+\.\d{4} vs student CE \d+\.\d{4}"


def _train(model, dataset, steps: int, pad_token_id: int, lr: float = 5e-3):
    """All weights, task cross-entropy, ``steps`` batches of 8 (cycling through the split)."""
    torch.manual_seed(0)
    loader = DataLoader(dataset, batch_size=8, shuffle=True, collate_fn=PadCollator(pad_token_id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    done = 0
    while done < steps:
        for batch in loader:
            loss = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                         labels=batch["labels"]).loss  # fmt: skip
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            done += 1
            if done == steps:
                break
    return model.eval()


@pytest.fixture(scope="module")
def models(generated_dataset, tmp_path_factory):
    """A student base trained a little (a pretrained start), an untrained teacher and a trained one, all
    with the student's tokenizer, saved: {name: path}, plus the tokenizer."""
    root = tmp_path_factory.mktemp("teacher_check")
    system = KnowledgeDistillationSystem(tiny_student_config(generated_dataset, root))
    tokenizer = system.setup_tokenizer()
    train = CodeDataset(load_split(generated_dataset, "train"), tokenizer, 256)
    pad = tokenizer.pad_token_id
    student = load_frozen(system.config.student_model_name, "float32")
    for p in student.parameters():
        p.requires_grad_(True)
    paths = {
        "student": save_model_dir(_train(student, train, 15, pad), tokenizer, root / "student_start"),
        "untrained": save_model_dir(build_tiny_llama(TEACHER_SPEC, tokenizer), tokenizer, root / "untrained"),
        "trained": save_model_dir(
            _train(build_tiny_llama(TEACHER_SPEC, tokenizer), train, 60, pad), tokenizer, root / "trained"
        ),
    }
    return {k: str(v) for k, v in paths.items()}, tokenizer


def _val(generated_dataset, tokenizer):
    return CodeDataset(load_split(generated_dataset, "validation"), tokenizer, 256)


def test_response_ce_is_the_models_own_loss(generated_dataset, models):
    paths, tokenizer = models
    model = load_frozen(paths["trained"], "float32")
    batch = PadCollator(tokenizer.pad_token_id)([_val(generated_dataset, tokenizer)[i] for i in range(4)])
    ce, tokens = response_ce(model, [batch])
    with torch.no_grad():
        expected = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                         labels=batch["labels"]).loss  # fmt: skip
    assert tokens == int((batch["labels"][:, 1:] != -100).sum())
    assert ce == pytest.approx(float(expected), rel=1e-5)


def test_an_untrained_teacher_fails_and_a_trained_one_passes(generated_dataset, models):
    paths, tokenizer = models
    val = _val(generated_dataset, tokenizer)
    student = load_frozen(paths["student"], "float32")
    untrained = compare_on_validation(student, load_frozen(paths["untrained"], "float32"), val,
                                      tokenizer.pad_token_id, batch_size=4, max_batches=2)  # fmt: skip
    assert not untrained.passed and untrained.rows == 8
    assert untrained.teacher_ce > untrained.student_ce
    trained = compare_on_validation(student, load_frozen(paths["trained"], "float32"), val,
                                    tokenizer.pad_token_id, batch_size=4)  # fmt: skip
    assert trained.passed and trained.rows == len(val)
    assert trained.student_ce == pytest.approx(untrained.student_ce, abs=0.5)  # other rows, same model


def _system(generated_dataset, root, paths, teacher: str, **overrides):
    config = tiny_student_config(generated_dataset, root, student_model_name=paths["student"], **overrides)
    return KnowledgeDistillationSystem(
        config, LossConfig(), TeacherConfig(kind="hf", model_name_or_path=paths[teacher]), QUIET
    )


def test_an_untrained_teacher_stops_the_run_before_training(generated_dataset, models, tmp_path):
    paths, _ = models
    system = _system(generated_dataset, tmp_path, paths, "untrained", require_better_teacher=True)
    with pytest.raises(TeacherNotBetterError, match=rf"distillation\.require_better_teacher: .*{FIGURES}"):
        system.run_full_training()
    assert not (tmp_path / "checkpoints").exists() and not (tmp_path / "student").exists()
    assert system.teacher_info["check"]["passed"] is False


def test_an_untrained_teacher_warns_naming_both_figures(generated_dataset, models, tmp_path, caplog):
    paths, _ = models
    system = _system(generated_dataset, tmp_path, paths, "untrained")
    with caplog.at_level(logging.WARNING, logger="distill.training.teacher_check"):
        results = system.run_full_training()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("NO better than" in w and re.search(FIGURES, w) for w in warnings), warnings
    check = results["teacher"]["check"]
    assert check["passed"] is False and check["teacher_ce"] > check["student_ce"] and check["rows"] == 9
    assert results["steps"] == 1  # trained anyway


def test_a_trained_teacher_passes(generated_dataset, models, tmp_path, caplog):
    paths, _ = models
    system = _system(generated_dataset, tmp_path, paths, "trained", require_better_teacher=True)
    with caplog.at_level(logging.INFO, logger="distill.training.teacher_check"):
        results = system.run_full_training()
    check = results["teacher"]["check"]
    assert check["passed"] is True and check["teacher_ce"] < check["student_ce"]
    assert any("is better than" in r.getMessage() for r in caplog.records)
    assert (tmp_path / "student" / "adapter_config.json").is_file()


def test_no_check_without_a_teacher_or_when_turned_off(generated_dataset, models, tmp_path):
    paths, _ = models
    off = _system(generated_dataset, tmp_path / "off", paths, "untrained", teacher_check_batches=0,
                  require_better_teacher=True)  # fmt: skip
    assert "check" not in off.run_full_training()["teacher"]
    config = tiny_student_config(generated_dataset, tmp_path / "none", student_model_name=paths["student"],
                                 require_better_teacher=True)  # fmt: skip
    none = KnowledgeDistillationSystem(config, LossConfig(), TeacherConfig(kind="none"), QUIET)
    assert none.run_full_training()["teacher"] == {"kind": "none"}


def test_teacher_check_batches_is_validated():
    with pytest.raises(ValueError, match=r"distillation\.teacher_check_batches: must be >= 0"):
        DistillationConfig(teacher_check_batches=-1)
