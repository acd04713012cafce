"""A student initialised from a subset of a teacher's layers: exactly the chosen layers are copied, the
rest of the weights whole, and the student loads back through ``from_pretrained``."""

from __future__ import annotations

import json

import pytest
import torch
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

from distill.config.errors import ConfigError
from distill.config.schemas import DistillationConfig, TeacherConfig, TinyLlamaSpec, TokenizerSpec
from distill.models.layer_init import (
    LAYER_INIT_FILE,
    ensure_student_from_teacher_layers,
    init_from_layers,
    normalise_layers,
    same_layers,
)
from distill.models.tiny import save_model_dir, train_tokenizer

CODE = ["def add(a, b):\n    return a + b\n", "for i in range(10):\n    print(i * i)\n"] * 20


def _teacher(layers=5, tie=False, seed=0) -> LlamaForCausalLM:
    config = LlamaConfig(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=layers,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                         tie_word_embeddings=tie)  # fmt: skip
    torch.manual_seed(seed)
    return LlamaForCausalLM(config).eval()


@pytest.fixture(scope="module")
def saved_teacher(tmp_path_factory):
    tokenizer = train_tokenizer(CODE, TokenizerSpec(vocab_size=300, min_frequency=1))
    teacher = _teacher()
    teacher.resize_token_embeddings(len(tokenizer))
    return str(save_model_dir(teacher, tokenizer, tmp_path_factory.mktemp("layers") / "teacher")), teacher


@pytest.mark.parametrize("tie", [False, True])
def test_exactly_the_chosen_layers_are_copied_in_order(tie):
    teacher = _teacher(tie=tie)
    student = init_from_layers(teacher, [0, 2, -1])
    assert student.config.num_hidden_layers == 3 and teacher.config.num_hidden_layers == 5
    for j, i in enumerate([0, 2, 4]):
        ours, theirs = student.model.layers[j].state_dict(), teacher.model.layers[i].state_dict()
        assert ours.keys() == theirs.keys() and all(torch.equal(ours[k], theirs[k]) for k in ours)
        assert student.model.layers[j].self_attn.layer_idx == j
    for name in ("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"):
        assert torch.equal(student.state_dict()[name], teacher.state_dict()[name])
    assert same_layers(student, teacher, [0, 2, 4])
    assert not same_layers(student, teacher, [0, 1, 4])  # layer 1 differs from layer 2
    assert (student.lm_head.weight is student.model.embed_tokens.weight) == tie
    assert not any(p is q for p in student.parameters() for q in teacher.parameters())  # copies, not views


def test_the_student_generates_with_its_kv_cache():
    student = init_from_layers(_teacher(), [1, 3])
    ids = torch.tensor([[1, 5, 9, 11]])
    out = student.generate(ids, max_new_tokens=4, do_sample=False, pad_token_id=0)
    with torch.no_grad():  # greedy decoding with the cache agrees with full forward passes
        full = ids
        for _ in range(4):
            full = torch.cat([full, student(full).logits[:, -1:].argmax(-1)], dim=1)
    assert torch.equal(out, full)


def test_layer_indices_are_checked():
    assert normalise_layers([0, -1], 4) == [0, 3]
    with pytest.raises(ConfigError, match="layer 7 is out of range for a model of 4 layers"):
        normalise_layers([0, 7], 4)
    with pytest.raises(ConfigError, match="distinct"):
        normalise_layers([1, -3], 4)
    with pytest.raises(ConfigError, match="listed twice"):
        DistillationConfig(init_from_teacher_layers=[1, 1])
    with pytest.raises(ConfigError, match="not both"):
        DistillationConfig(init_from_teacher_layers=[1], student_build=TinyLlamaSpec())
    with pytest.raises(ConfigError, match="not a GGUF file"):
        DistillationConfig(init_from_teacher_layers=[1], student_model_name="x/model.gguf")


def test_the_student_is_saved_and_loads_back_through_from_pretrained(saved_teacher, tmp_path):
    teacher_dir, teacher = saved_teacher
    config = DistillationConfig(student_model_name=str(tmp_path / "student"), init_from_teacher_layers=[4, 1])
    path = ensure_student_from_teacher_layers(
        config, TeacherConfig(kind="hf", model_name_or_path=teacher_dir)
    )
    loaded = AutoModelForCausalLM.from_pretrained(path)
    assert loaded.config.num_hidden_layers == 2 and same_layers(loaded, teacher, [4, 1])
    assert (path / "tokenizer.json").is_file()
    record = json.loads((path / LAYER_INIT_FILE).read_text())
    assert record["source"] == teacher_dir and record["copied_layers"] == [4, 1]
    # built once: a second call reuses it, another choice of layers is refused rather than overwritten
    mtime = (path / "model.safetensors").stat().st_mtime_ns
    assert ensure_student_from_teacher_layers(
        config, TeacherConfig(kind="hf", model_name_or_path=teacher_dir)
    )
    assert (path / "model.safetensors").stat().st_mtime_ns == mtime
    other = DistillationConfig(
        student_model_name=str(path), init_from_teacher_layers=[0], init_from_model=teacher_dir
    )
    with pytest.raises(ConfigError, match="already holds another model"):
        ensure_student_from_teacher_layers(other)


def test_without_a_source_the_error_names_the_key(tmp_path):
    config = DistillationConfig(student_model_name=str(tmp_path / "s"), init_from_teacher_layers=[0])
    with pytest.raises(ConfigError, match=r"distillation\.init_from_model"):
        ensure_student_from_teacher_layers(config, TeacherConfig())
    assert ensure_student_from_teacher_layers(DistillationConfig()) is None


def test_the_system_builds_the_student_before_loading_it(generated_dataset, saved_teacher, tmp_path):
    from conftest import tiny_student_config

    from distill.training.system import KnowledgeDistillationSystem

    teacher_dir, teacher = saved_teacher
    config = tiny_student_config(generated_dataset, tmp_path, student_build=None, tokenizer_build=None,
                                 init_from_teacher_layers=[0, 3], lora_modules_to_save=[])  # fmt: skip
    system = KnowledgeDistillationSystem(
        config, teacher_config=TeacherConfig(kind="hf", model_name_or_path=teacher_dir)
    )
    model, tokenizer = system.setup_model_and_tokenizer()
    assert len(tokenizer) == teacher.config.vocab_size
    assert model.base_model.model.config.num_hidden_layers == 2
    assert same_layers(AutoModelForCausalLM.from_pretrained(config.student_model_name), teacher, [0, 3])
