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
    """Keeps the gradients the optimizer is about to use (and, given ``record_to``, writes rank 0's)."""

    record_to = None

    def on_before_optimizer_step(self, optimizer):
        super().on_before_optimizer_step(optimizer)
        self.recorded = {name: p.grad.clone() for name, p in self.named_parameters() if p.grad is not None}
        if self.record_to is not None and self.global_rank == 0:
            torch.save(self.recorded, self.record_to)


def _fit_one_step(student, teacher, rows, batch_size, accumulate, devices=1, record_to=None):
    torch.manual_seed(3)  # the same feature projections as the reference's
    module = _RecordingModule(
        copy.deepcopy(student), _loss(FULL, student, teacher), teacher, learning_rate=1e-3
    )
    module.record_to = record_to
    loader = torch.utils.data.DataLoader(rows, batch_size=batch_size, shuffle=False)
    trainer = L.Trainer(accelerator="cpu", devices=devices, strategy="ddp_spawn" if devices > 1 else "auto",
                        max_steps=1, accumulate_grad_batches=accumulate, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)  # fmt: skip
    trainer.fit(module, loader)  # with 2 devices, Lightning's sampler gives each rank every other row
    return torch.load(record_to) if record_to is not None else module.recorded


def _token_mean_gradient(student, teacher, rows):
    """The reference, without Lightning: the gradient of the token mean over every row of the step as
    one batch (plain autograd on the loss)."""
    torch.manual_seed(3)
    module = DistillationModule(copy.deepcopy(student), _loss(FULL, student, teacher), teacher)
    module.compute_loss(_stack(rows))[0].backward()
    return {name: p.grad for name, p in module.named_parameters() if p.grad is not None}


def test_accumulated_micro_batches_give_the_full_batch_token_mean_gradient():
    """4 micro-batches of 2 (whose examples keep different token counts) accumulated into one step give
    the gradient of the token mean over the 8 examples as one batch; so does one batch of 8."""
    student, teacher = _models()
    rows = _batches(8)
    reference = _token_mean_gradient(student, teacher, rows)
    assert any(name.startswith("loss_fn.feature_matcher") for name in reference)
    assert not any(name.startswith("teacher") for name in reference)
    for batch_size, accumulate in ((2, 4), (8, 1)):
        recorded = _fit_one_step(student, teacher, rows, batch_size, accumulate)
        assert set(recorded) == set(reference)
        for name, grad in reference.items():
            torch.testing.assert_close(recorded[name], grad, rtol=1e-4, atol=1e-6, msg=name)
    # averaging per-micro-batch means instead would not: the micro-batches keep different counts
    torch.manual_seed(3)
    naive = DistillationModule(copy.deepcopy(student), _loss(FULL, student, teacher), teacher)
    for start in range(0, 8, 2):
        (naive.compute_loss(_stack(rows[start : start + 2]))[0] / 4).backward()
    head = "student.lm_head.weight"
    assert not torch.allclose(naive.student.lm_head.weight.grad, reference[head], rtol=1e-3)


@pytest.mark.slow
def test_two_devices_accumulating_give_the_full_batch_token_mean_gradient(tmp_path):
    """DDP on two CPU processes (gloo), each accumulating 2 micro-batches of 2: the step's gradient is
    the token mean's over the 8 examples (the kept tokens are summed over the micro-batches and ranks)."""
    student, teacher = _models()
    rows = _batches(8)
    # first: a model that has run holds transformers' output-capturing hooks, which do not pickle
    recorded = _fit_one_step(student, teacher, rows, 2, 2, devices=2, record_to=tmp_path / "grads.pt")
    reference = _token_mean_gradient(student, teacher, rows)
    assert set(recorded) == set(reference)
    for name, grad in reference.items():
        torch.testing.assert_close(recorded[name], grad, rtol=1e-4, atol=1e-6, msg=name)


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


@pytest.mark.parametrize(("teacher_attn", "masks"), [("eager", 1), ("sdpa", 2)])
def test_a_packed_batch_gets_its_block_diagonal_mask_built_once_for_both_models(
    monkeypatch, teacher_attn, masks
):
    """Student and teacher on one device with one attention implementation share the mask; another
    implementation needs its own (eager: additive floats, SDPA: booleans)."""
    import distill.training.module as module

    student = _llama(16, 2, 2, seed=0)
    teacher = _llama(24, 3, 4, seed=1, attn=teacher_attn).eval().requires_grad_(False)
    batch = _stack(_batches(2))
    batch["position_ids"] = torch.cat([torch.arange(5), torch.arange(SEQ - 5)]).repeat(2, 1)
    batch["segment_ids"] = torch.tensor([0] * 5 + [1] * (SEQ - 5)).repeat(2, 1)
    built = []
    real = module.packed_model_inputs
    monkeypatch.setattr(
        module, "packed_model_inputs", lambda inputs, attn: built.append(attn) or real(inputs, attn)
    )
    lean = DistillationModule(student, _loss(LossConfig(), student, teacher), teacher)
    total, _ = lean.compute_loss(batch)
    assert len(built) == masks and torch.isfinite(total)
    monkeypatch.setattr(module, "packed_model_inputs", real)
    again, _ = lean.compute_loss(batch)
    assert again.item() == pytest.approx(total.item(), rel=1e-6)  # sharing changes nothing
