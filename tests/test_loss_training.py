"""The loss inside the LightningModule: the memory-lean path, only the mapped layers captured, and
gradient accumulation that equals one large batch."""

from __future__ import annotations

import copy

import lightning as L
import pytest
import torch
from torch import nn
from transformers import LlamaConfig, LlamaForCausalLM

from distill.config.schemas import LossConfig
from distill.losses.capture import captured_attentions, linear_head
from distill.losses.distillation import AdvancedDistillationLoss
from distill.training.module import DistillationModule

V, SEQ = 40, 12
FULL = LossConfig(
    use_attention_transfer=True, use_feature_matching=True, attention_weight=0.5, feature_weight=0.5
)


def _llama(hidden, layers, heads, seed, attn="eager"):
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=V, hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=layers,
                         num_attention_heads=heads, num_key_value_heads=heads, max_position_embeddings=64)  # fmt: skip
    config._attn_implementation = attn
    return LlamaForCausalLM(config)


def _models(attn="eager"):
    student = _llama(16, 2, 2, seed=0, attn=attn)
    teacher = _llama(24, 3, 4, seed=1, attn=attn).eval().requires_grad_(False)
    return student, teacher


def _loss(config, student, teacher):
    return AdvancedDistillationLoss(config, V, 2, 3, student.config.hidden_size, teacher.config.hidden_size)


def _batches(count=8, seed=0):
    """Examples with different numbers of kept labels (prompts and padding of varying length)."""
    g = torch.Generator().manual_seed(seed)
    rows = []
    for n in range(count):
        ids = torch.randint(0, V, (SEQ,), generator=g)
        mask = torch.ones(SEQ, dtype=torch.long)
        labels = ids.clone()
        labels[: 1 + n % 4] = -100  # prompt
        padding = (3 * n) % 5
        if padding:
            mask[-padding:] = 0
            labels[-padding:] = -100
        rows.append({"input_ids": ids, "attention_mask": mask, "labels": labels})
    return rows


def _stack(rows):
    return {key: torch.stack([row[key] for row in rows]) for key in rows[0]}


def test_the_module_takes_the_lean_path_and_never_computes_full_logits():
    student, teacher = _models()
    batch = _stack(_batches(4))
    calls = []
    for model in (student, teacher):
        model.lm_head.register_forward_hook(lambda _m, _i, out: calls.append(out.shape))
    lean = DistillationModule(student, _loss(FULL, student, teacher), teacher)
    total, parts = lean.compute_loss(batch)
    assert calls == []  # neither model's lm_head ran
    lean_grads = torch.autograd.grad(
        total, [student.lm_head.weight, student.model.layers[0].mlp.up_proj.weight]
    )
    full_config = copy.deepcopy(FULL)
    full_config.memory_lean = False
    full = DistillationModule(student, _loss(full_config, student, teacher), teacher)
    full.loss_fn.load_state_dict(lean.loss_fn.state_dict())  # the same feature projections
    full_total, full_parts = full.compute_loss(batch)
    assert len(calls) == 2  # the full path does run both heads
    full_grads = torch.autograd.grad(
        full_total, [student.lm_head.weight, student.model.layers[0].mlp.up_proj.weight]
    )
    assert set(parts) == set(full_parts) >= {"task_ce", "kd", "attention", "feature", "total"}
    for name in parts:
        assert parts[name].item() == pytest.approx(full_parts[name].item(), rel=1e-5), name
    for grad, full_grad in zip(lean_grads, full_grads, strict=True):
        torch.testing.assert_close(grad, full_grad, rtol=1e-4, atol=1e-7)


def test_only_the_mapped_layers_attention_maps_are_captured():
    student, _ = _models()
    with captured_attentions(student, [1]) as maps:
        student.get_decoder()(input_ids=torch.randint(0, V, (2, SEQ)))
    assert list(maps) == [1] and maps[1].shape == (2, 2, SEQ, SEQ)
    assert torch.allclose(maps[1].sum(-1), torch.ones(2, 2, SEQ))
    student.get_decoder()(input_ids=torch.randint(0, V, (2, SEQ)))  # the hooks are gone after the block
    assert list(maps) == [1]


def test_attention_transfer_requires_eager_attention():
    student, teacher = _models(attn="sdpa")
    with pytest.raises(
        ValueError, match=r"^loss\.use_attention_transfer: the student runs with attn_implementation='sdpa'"
    ):
        DistillationModule(student, _loss(FULL, student, teacher), teacher)
    with (
        pytest.raises(
            ValueError, match=r"^loss\.use_attention_transfer: layer 0 .* returned no attention weights"
        ),
        captured_attentions(student, [0]),
    ):
        student.get_decoder()(input_ids=torch.randint(0, V, (1, SEQ)))


def test_linear_head_resolves_a_peft_trainable_copy_and_refuses_other_heads():
    from peft import LoraConfig, get_peft_model

    student, _ = _models()
    peft_model = get_peft_model(
        student,
        LoraConfig(r=2, target_modules=["q_proj"], modules_to_save=["lm_head"], task_type="CAUSAL_LM"),
    )
    weight, bias = linear_head(peft_model)
    assert weight.requires_grad and bias is None
    assert weight is peft_model.base_model.model.lm_head.modules_to_save["default"].weight
    adapted_head = get_peft_model(
        _models()[0], LoraConfig(r=2, target_modules=["lm_head"], task_type="CAUSAL_LM")
    )
    with pytest.raises(ValueError, match=r"^loss\.memory_lean: the output layer .* is a Linear"):
        linear_head(adapted_head)


class _RecordingModule(DistillationModule):
    """Keeps the gradients the optimizer is about to use."""

    def on_before_optimizer_step(self, optimizer):
        super().on_before_optimizer_step(optimizer)
        self.recorded = {name: p.grad.clone() for name, p in self.named_parameters() if p.grad is not None}


def _fit_one_step(student, teacher, rows, batch_size, accumulate):
    module = _RecordingModule(
        copy.deepcopy(student), _loss(FULL, student, teacher), teacher, learning_rate=1e-3
    )
    loader = torch.utils.data.DataLoader(rows, batch_size=batch_size, shuffle=False)
    trainer = L.Trainer(accelerator="cpu", max_steps=1, accumulate_grad_batches=accumulate, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)  # fmt: skip
    trainer.fit(module, loader)
    return module.recorded


def test_accumulating_four_micro_batches_gives_the_gradient_of_one_batch_four_times_larger():
    student, teacher = _models()
    torch.manual_seed(3)
    rows = _batches(8)
    one_batch = _fit_one_step(student, teacher, rows, batch_size=8, accumulate=1)
    torch.manual_seed(3)  # the same feature projections
    accumulated = _fit_one_step(student, teacher, rows, batch_size=2, accumulate=4)
    assert any(name.startswith("loss_fn.feature_matcher") for name in one_batch)
    assert not any(name.startswith("teacher") for name in one_batch)
    assert set(accumulated) == set(one_batch)
    for name, grad in one_batch.items():
        torch.testing.assert_close(accumulated[name], grad, rtol=1e-4, atol=1e-6, msg=name)
    # averaging per-micro-batch means instead would not: the micro-batches keep different counts
    torch.manual_seed(3)
    naive = DistillationModule(copy.deepcopy(student), _loss(FULL, student, teacher), teacher)
    for start in range(0, 8, 2):
        (naive.compute_loss(_stack(rows[start : start + 2]))[0] / 4).backward()
    head = "student.lm_head.weight"
    assert not torch.allclose(naive.student.lm_head.weight.grad, one_batch[head], rtol=1e-3)


def test_trainable_loss_parameters_are_in_the_optimizer():
    student, teacher = _models()
    module = DistillationModule(student, _loss(FULL, student, teacher), teacher)
    ids = {id(p) for p in module.trainable_parameters()}
    assert all(id(p) in ids for p in module.loss_fn.feature_matcher.parameters())
    assert not any(id(p) in ids for p in teacher.parameters())
    assert isinstance(module.loss_fn.feature_matcher.projections["0"], nn.Linear)


def test_the_module_distils_from_a_live_teacher_top_k_and_from_a_cache_in_the_batch():
    from distill.losses.sources import TopKLogProbs

    student, teacher = _models()
    batch = _stack(_batches(4))
    config = LossConfig(teacher_top_k=5)
    live_total, live = DistillationModule(student, _loss(config, student, teacher), teacher).compute_loss(
        batch
    )
    with torch.no_grad():
        teacher_logits = teacher(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    cached = TopKLogProbs.from_logits(teacher_logits, 5, config.temperature)
    batch |= {"teacher_topk_ids": cached.ids, "teacher_topk_logprobs": cached.logprobs,
              "teacher_topk_temperature": torch.full((4,), config.temperature)}  # fmt: skip
    no_teacher = DistillationModule(
        student, AdvancedDistillationLoss(LossConfig(), V)
    )  # the cache is the teacher
    cache_total, from_cache = no_teacher.compute_loss(batch)
    assert from_cache["kd"].item() == pytest.approx(live["kd"].item(), rel=1e-5)
    assert cache_total.item() == pytest.approx(live_total.item(), rel=1e-5)
