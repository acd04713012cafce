"""On-policy batches (GKD's lmbda / seq_kd): prompts kept, responses sampled by the model, labels only
on generated tokens, reproducible from (seed, step, micro-batch, rank) alone."""

from __future__ import annotations

import lightning as L
import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from distill.config.errors import ConfigError
from distill.config.on_policy import OnPolicyConfig
from distill.config.schemas import DistillationConfig, LossConfig
from distill.losses.distillation import AdvancedDistillationLoss
from distill.training.module import DistillationModule
from distill.training.on_policy import OnPolicySampler, prompt_lengths

V, PAD, EOS = 40, 0, 1


def _model(seed=0):
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=V, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64,
                         pad_token_id=PAD, eos_token_id=EOS, bos_token_id=2)  # fmt: skip
    return LlamaForCausalLM(config)


def _batch():
    """Two right-padded rows: prompts of 4 and 6 tokens, responses of 3 and 2 (labels -100 on prompts)."""
    rows = [([5, 6, 7, 8], [9, 10, EOS]), ([11, 12, 13, 14, 15, 16], [17, EOS])]
    width = max(len(p) + len(r) for p, r in rows)
    ids = torch.full((2, width), PAD)
    labels = torch.full((2, width), -100)
    mask = torch.zeros((2, width), dtype=torch.long)
    for row, (prompt, response) in enumerate(rows):
        n = len(prompt) + len(response)
        ids[row, :n] = torch.tensor(prompt + response)
        labels[row, len(prompt) : n] = torch.tensor(response)
        mask[row, :n] = 1
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}


def _sampler(**overrides):
    return OnPolicySampler(OnPolicyConfig(lmbda=1.0, **overrides), PAD, EOS, max_length=32, seed=3)


def test_prompt_lengths_are_the_tokens_before_the_first_kept_label():
    assert prompt_lengths(_batch()) == [4, 6]


def test_sampled_rows_keep_their_prompt_and_label_only_the_generated_tokens():
    batch = _batch()
    sampled = _sampler(max_new_tokens=5).sample(_model(), batch, step=0, micro_batch=0)
    out = sampled.batch
    kept_total = 0
    for row, length in enumerate([4, 6]):
        n = int(out["attention_mask"][row].sum())
        assert torch.equal(out["input_ids"][row, :length], batch["input_ids"][row, :length])
        assert (out["labels"][row, :length] == -100).all() and (out["labels"][row, n:] == -100).all()
        response = out["labels"][row, length:n]
        assert torch.equal(response, out["input_ids"][row, length:n])  # labels = the generated tokens
        assert 1 <= len(response) <= 5
        if EOS in response.tolist():  # nothing after the first EOS
            assert response.tolist().index(EOS) == len(response) - 1
        kept_total += len(response)
    assert sampled.generated_tokens == kept_total


def test_sampling_depends_on_the_step_seed_only():
    model = _model()
    first = _sampler(max_new_tokens=8).sample(model, _batch(), step=4, micro_batch=1).batch
    torch.manual_seed(123)  # the global RNG does not matter, and is left as it was
    state = torch.get_rng_state()
    again = _sampler(max_new_tokens=8).sample(model, _batch(), step=4, micro_batch=1).batch
    assert torch.equal(torch.get_rng_state(), state)
    other = _sampler(max_new_tokens=8).sample(model, _batch(), step=5, micro_batch=1).batch
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not torch.equal(first["input_ids"], other["input_ids"])


def test_sampling_leaves_the_model_in_train_mode():
    model = _model().train()
    _sampler().sample(model, _batch(), step=0, micro_batch=0)
    assert model.training


def test_the_lmbda_coin_is_deterministic_and_has_the_configured_rate():
    sampler = OnPolicySampler(OnPolicyConfig(lmbda=0.3), PAD, EOS, 32, seed=0)
    draws = [sampler.use_on_policy(step, 0) for step in range(2000)]
    assert draws == [sampler.use_on_policy(step, 0) for step in range(2000)]
    assert 0.25 < sum(draws) / len(draws) < 0.35
    never = OnPolicySampler(OnPolicyConfig(lmbda=0.0), PAD, EOS, 32, seed=0)
    assert not any(never.use_on_policy(step, 0) for step in range(100))


@pytest.mark.parametrize(
    ("field", "value"), [("lmbda", 1.5), ("max_new_tokens", 0), ("temperature", 0.0), ("top_p", 0.0)]
)
def test_bad_values_name_the_key(field, value):
    with pytest.raises(ConfigError, match=rf"^distillation\.on_policy\.{field}:"):
        OnPolicyConfig(**{field: value})


# ---------------------------------------------------------------------------------------- in training


def _module(divergence, lmbda=1.0, memory_lean=True, beta=0.5):
    loss = AdvancedDistillationLoss(
        LossConfig(
            temperature=1.0,
            distillation_weight=1.0,
            task_weight=0.0,
            divergence=divergence,
            beta=beta,
            memory_lean=memory_lean,
        ),
        V,
    )
    sampler = OnPolicySampler(OnPolicyConfig(lmbda=lmbda, max_new_tokens=6), PAD, EOS, max_length=32, seed=1)
    return DistillationModule(_model(0), loss, _model(7).eval(), on_policy=sampler)


def _reference(student, teacher, batch, divergence):
    """From scratch, in float64: the divergence at every kept (shifted) position of the sampled batch,
    from the two models' full logits, averaged over those positions."""
    s = student(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.double()
    with torch.no_grad():
        t = teacher(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.double()
    kept = batch["labels"][:, 1:] != -100
    log_s, log_t = s[:, :-1][kept].log_softmax(-1), t[:, :-1][kept].log_softmax(-1)
    if divergence == "reverse_kl":
        per_token = (log_s.exp() * (log_s - log_t)).sum(-1)
    else:  # jsd, beta = 0.5
        log_m = torch.logaddexp(log_s, log_t) - torch.log(torch.tensor(2.0, dtype=torch.float64))
        per_token = 0.5 * (log_t.exp() * (log_t - log_m)).sum(-1) + 0.5 * (log_s.exp() * (log_s - log_m)).sum(
            -1
        )
    return per_token.mean()


@pytest.mark.parametrize("memory_lean", [True, False])
@pytest.mark.parametrize("divergence", ["reverse_kl", "jsd"])
def test_the_on_policy_loss_is_the_divergence_on_the_sampled_sequences(divergence, memory_lean):
    module = _module(divergence, memory_lean=memory_lean)
    sampled, chosen = module._maybe_on_policy(_batch(), batch_idx=0)
    assert chosen and not torch.equal(sampled["labels"], _batch()["labels"][:, : sampled["labels"].size(1)])
    total, _ = module.compute_loss(sampled)
    (grad,) = torch.autograd.grad(total, [module.student.lm_head.weight])
    reference = _reference(module.student, module.teacher, sampled, divergence)
    (expected,) = torch.autograd.grad(reference, [module.student.lm_head.weight])
    assert torch.allclose(total.double(), reference, atol=1e-5, rtol=1e-4)
    assert torch.allclose(grad.double(), expected.double(), atol=1e-6, rtol=1e-3)


def _fit(module, batches, steps):
    trainer = L.Trainer(accelerator="cpu", max_steps=steps, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)  # fmt: skip
    trainer.fit(module, torch.utils.data.DataLoader(batches, batch_size=None))
    return trainer


def test_lmbda_zero_trains_exactly_as_without_on_policy():
    batches = [_batch() for _ in range(3)]
    plain = _module("reverse_kl")
    plain.on_policy = None
    off = _module("reverse_kl", lmbda=0.0)
    _fit(plain, batches, 3)
    _fit(off, batches, 3)
    assert all(
        torch.equal(a, b) for a, b in zip(plain.student.parameters(), off.student.parameters(), strict=True)
    )


def test_a_short_on_policy_fit_trains_on_generated_tokens():
    module = _module("reverse_kl")
    before = module.student.lm_head.weight.detach().clone()
    trainer = _fit(module, [_batch() for _ in range(3)], 3)
    assert trainer.global_step == 3
    assert not torch.equal(before, module.student.lm_head.weight)
    assert trainer.callback_metrics["train/on_policy_fraction"] == 1.0
    assert 1.0 <= float(trainer.callback_metrics["train/generated_tokens"]) <= 6.0


def test_on_policy_needs_a_live_teacher_and_unpacked_batches():
    loss = AdvancedDistillationLoss(LossConfig(), V)
    sampler = OnPolicySampler(OnPolicyConfig(lmbda=0.5), PAD, EOS, 32, seed=0)
    with pytest.raises(
        ValueError, match=r"^distillation\.on_policy\.lmbda: on-policy batches need a live teacher"
    ):
        DistillationModule(_model(), loss, None, on_policy=sampler)
    with pytest.raises(ConfigError, match=r"^distillation\.on_policy\.lmbda: .*packing=false"):
        DistillationConfig(packing=True, on_policy=OnPolicyConfig(lmbda=0.5))
