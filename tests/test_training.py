"""Models and training: the tiny Llama path through from_pretrained, data masking, real Lightning fits."""

from __future__ import annotations

import json

import pytest
import torch
from conftest import tiny_student_config

from distill.config.schemas import (
    LossConfig,
    TeacherConfig,
    TeacherPretrainConfig,
    TinyLlamaSpec,
    TokenizerSpec,
    TrainerConfig,
)
from distill.data.datamodule import IGNORE_INDEX, CodeDataset, format_prompt, load_split
from distill.models.loading import check_same_tokenizer, load_for_inference, load_tokenizer
from distill.models.tiny import build_tiny_llama, save_model_dir, train_tokenizer
from distill.training.system import KnowledgeDistillationSystem

CODE = ["def add(a, b):\n    return a + b\n", "for i in range(10):\n    print(i * i)\n"] * 20
QUIET = TrainerConfig(enable_progress_bar=False, log_every_n_steps=1)


def test_tokenizer_roundtrips_code_and_saves(tmp_path):
    tokenizer = train_tokenizer(CODE, TokenizerSpec(vocab_size=300, min_frequency=1))
    text = "def tab(x):\n\treturn 'é' + x  # unseen characters\n"
    ids = tokenizer(text)["input_ids"]
    assert ids[0] == tokenizer.bos_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == text
    model = build_tiny_llama(TinyLlamaSpec(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                           num_attention_heads=2, num_key_value_heads=2), tokenizer)  # fmt: skip
    save_model_dir(model, tokenizer, tmp_path / "tiny")
    reloaded, reloaded_tokenizer = load_for_inference(str(tmp_path / "tiny"))
    assert reloaded_tokenizer(text)["input_ids"] == ids
    batch = torch.tensor([ids])
    assert torch.equal(model.eval()(batch).logits, reloaded(batch).logits)


def test_tokenizers_of_different_vocabularies_are_refused():
    a = train_tokenizer(CODE, TokenizerSpec(vocab_size=300, min_frequency=1))
    b = train_tokenizer([c.upper() for c in CODE], TokenizerSpec(vocab_size=300, min_frequency=1))
    check_same_tokenizer(a, a, ("a", "a"))
    with pytest.raises(ValueError, match="tokenizers differ"):
        check_same_tokenizer(a, b, ("student-x", "teacher-y"))


def test_prompt_tokens_are_masked_and_bad_rows_are_named(generated_dataset, tmp_path):
    rows = load_split(generated_dataset, "train")[:4]
    tokenizer = train_tokenizer((r["problem"] + r["solution"] for r in rows), TokenizerSpec(vocab_size=400))
    dataset = CodeDataset(rows, tokenizer, max_length=512)
    example = dataset[0]
    prompt_length = len(tokenizer(format_prompt(rows[0]["problem"], "python"))["input_ids"])
    assert example["labels"][:prompt_length] == [IGNORE_INDEX] * prompt_length
    assert example["labels"][prompt_length:] == example["input_ids"][prompt_length:]
    assert example["input_ids"][-1] == tokenizer.eos_token_id
    with pytest.raises(ValueError, match="row 1 \\(id broken\\)"):
        CodeDataset([rows[0], {"id": "broken", "problem": "x", "language": "python"}], tokenizer, 512)


def test_student_is_built_loaded_with_lora_and_in_train_mode(generated_dataset, tmp_path):
    system = KnowledgeDistillationSystem(tiny_student_config(generated_dataset, tmp_path))
    model, _tokenizer = system.setup_model_and_tokenizer()
    assert model.training and any(m.training for m in model.modules())
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert any("lora_A" in n for n in trainable) and any("embed_tokens" in n for n in trainable)
    assert not any("base_layer" in n for n in trainable)
    assert (tmp_path / "student_base" / "tokenizer.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["kd", "full"])
def test_distillation_fit_logs_every_component_and_saves_a_loadable_adapter(
    generated_dataset, tmp_path, loss
):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    loss_config = LossConfig() if loss == "kd" else LossConfig(
        use_attention_transfer=True, use_feature_matching=True, use_progressive_distillation=True,
        progressive_schedule="cosine",
    )  # fmt: skip
    teacher = TeacherConfig(
        kind="tiny",
        build=TinyLlamaSpec(hidden_size=48, intermediate_size=96, num_hidden_layers=3, num_attention_heads=3,
                            num_key_value_heads=3, init_seed=1),
        pretrain=TeacherPretrainConfig(max_steps=12, batch_size=8),
    )  # fmt: skip
    config = tiny_student_config(generated_dataset, tmp_path)
    system = KnowledgeDistillationSystem(
        config, loss_config, teacher, QUIET, cache_dir=str(tmp_path / "cache")
    )
    results = system.run_full_training()
    expected = {"task_ce", "kd", "total"} | ({"attention", "feature"} if loss == "full" else set())
    assert {f"train/{k}" for k in expected} <= set(results["train"])
    assert {f"val/{k}" for k in expected} <= set(results["eval"])
    assert results["teacher"]["kind"] == "tiny" and results["teacher"]["steps"] == 12
    assert results["steps"] == 9  # 72 training rows, batches of 8, one epoch
    assert json.loads((tmp_path / "student" / "training_results.json").read_text())["steps"] == 9

    base = AutoModelForCausalLM.from_pretrained(config.student_model_name)
    adapted = PeftModel.from_pretrained(base, config.output_dir).eval()
    ids = torch.tensor([[1, 5, 9, 11]])
    system.model.eval()
    assert torch.allclose(adapted(ids).logits, system.model(ids).logits, atol=1e-5)
    checkpoint = torch.load(tmp_path / "checkpoints" / "last.ckpt", weights_only=False)
    assert checkpoint["state_dict"] and all(
        ".base_layer." not in k and "teacher" not in k for k in checkpoint["state_dict"]
    )
    if loss == "full":
        assert (tmp_path / "student" / "loss_modules.pt").exists()


@pytest.mark.slow
def test_the_tiny_teacher_is_cached_and_learns(generated_dataset, tmp_path):
    teacher = TeacherConfig(kind="tiny", build=TinyLlamaSpec(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                            num_attention_heads=2, num_key_value_heads=2, init_seed=1),
                            pretrain=TeacherPretrainConfig(max_steps=30, batch_size=8, learning_rate=5e-3))  # fmt: skip
    config = tiny_student_config(generated_dataset, tmp_path)
    first = KnowledgeDistillationSystem(
        config, LossConfig(), teacher, QUIET, cache_dir=str(tmp_path / "cache")
    )
    first.setup_model_and_tokenizer()
    first.prepare_teacher()
    assert first.teacher_info["val/task_ce"] < 5.0  # random init starts near ln(600) = 6.4
    assert not first.teacher.training and not any(p.requires_grad for p in first.teacher.parameters())
    second = KnowledgeDistillationSystem(
        config, LossConfig(), teacher, QUIET, cache_dir=str(tmp_path / "cache")
    )
    second.setup_model_and_tokenizer()
    second.prepare_teacher()
    assert second.teacher_info["path"] == first.teacher_info["path"]
    assert len(list((tmp_path / "cache" / "teachers").iterdir())) == 1


def test_load_tokenizer_sets_a_pad_token(tmp_path):
    tokenizer = train_tokenizer(CODE, TokenizerSpec(vocab_size=300, min_frequency=1))
    tokenizer.pad_token = None
    tokenizer.save_pretrained(tmp_path)
    assert load_tokenizer(str(tmp_path)).pad_token == tokenizer.eos_token
