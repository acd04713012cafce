"""The memory-lean path (hidden states + lm_head, chunked) equals the full path, value and gradient."""

from __future__ import annotations

import pytest
import torch

from distill.config.schemas import LossConfig
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.sources import ProjectedLogits, TopKLogProbs

B, L, H, V = 3, 10, 8, 17
DIVERGENCES = ["forward_kl", "reverse_kl", "jsd", "skew_forward", "skew_reverse", "tvd"]


def _inputs(seed=0, teacher_vocab=V, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    hidden = torch.randn(B, L, H, generator=g).to(dtype).requires_grad_()
    weight = (torch.randn(V, H, generator=g) / 2).to(dtype)
    teacher_hidden = torch.randn(B, L, H + 4, generator=g).to(dtype)
    teacher_weight = (torch.randn(teacher_vocab, H + 4, generator=g) / 2).to(dtype)
    labels = torch.randint(0, V, (B, L), generator=g)
    labels[0, :5] = -100
    labels[2, -3:] = -100
    return hidden, weight, teacher_hidden, teacher_weight, labels


def _full_and_lean(config, hidden, weight, teacher, labels, bias=None, teacher_as="projected"):
    """(total, components, gradients) of the full path (model logits) and of the lean path."""
    loss = AdvancedDistillationLoss(config, V)
    teacher_hidden, teacher_weight = teacher
    teacher_logits = teacher_hidden @ teacher_weight.T
    full_teacher = teacher_logits
    lean_teacher = (
        ProjectedLogits(teacher_hidden, teacher_weight) if teacher_as == "projected" else teacher_logits
    )
    if teacher_as == "topk":
        full_teacher = lean_teacher = TopKLogProbs.from_logits(teacher_logits, 6, config.temperature)
    params = [p for p in (hidden, weight, bias) if p is not None and p.requires_grad]
    logits = hidden @ weight.T + (bias if bias is not None else 0)
    full_total, full_parts = loss(logits, full_teacher, labels)
    full_grads = torch.autograd.grad(full_total, params)
    lean_total, lean_parts = loss(ProjectedLogits(hidden, weight, bias), lean_teacher, labels)
    lean_grads = torch.autograd.grad(lean_total, params)
    return (full_total, full_parts, full_grads), (lean_total, lean_parts, lean_grads)


def _assert_equal(full, lean, rtol=1e-5, atol=1e-6):
    (full_total, full_parts, full_grads), (lean_total, lean_parts, lean_grads) = full, lean
    assert lean_total.item() == pytest.approx(full_total.item(), rel=rtol)
    assert set(lean_parts) == set(full_parts)
    for name in full_parts:
        assert lean_parts[name].item() == pytest.approx(full_parts[name].item(), rel=rtol, abs=atol), name
    for full_grad, lean_grad in zip(full_grads, lean_grads, strict=True):
        torch.testing.assert_close(lean_grad, full_grad, rtol=rtol * 10, atol=atol)


@pytest.mark.parametrize("temperature", [1.0, 2.0])
@pytest.mark.parametrize("chunk_size", [1, 4, 7, 1024])
@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_chunked_equals_full_for_every_divergence_and_chunk_size(divergence, chunk_size, temperature):
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs()
    config = LossConfig(divergence=divergence, chunk_size=chunk_size, temperature=temperature)
    _assert_equal(*_full_and_lean(config, hidden, weight, (teacher_hidden, teacher_weight), labels))


@pytest.mark.parametrize("teacher_as", ["projected", "logits", "topk"])
def test_chunked_equals_full_for_every_teacher_form(teacher_as):
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs(seed=1)
    config = LossConfig(chunk_size=5, topk_missing_mass="tail")
    _assert_equal(
        *_full_and_lean(
            config, hidden, weight, (teacher_hidden, teacher_weight), labels, teacher_as=teacher_as
        )
    )


@pytest.mark.parametrize("divergence", ["forward_kl", "jsd", "skew_forward", "skew_reverse", "tvd"])
@pytest.mark.parametrize("teacher_as", ["logits", "topk"])
def test_chunked_equals_full_with_minus_infinity_teacher_logits(divergence, teacher_as):
    """A masked teacher vocabulary (-inf logits): equal and finite on both paths."""
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs(seed=4)
    config = LossConfig(divergence=divergence, chunk_size=4, temperature=2.0)
    loss = AdvancedDistillationLoss(config, V)
    teacher = teacher_hidden @ teacher_weight.T
    teacher[..., 3] = -torch.inf
    teacher[0, :, :8] = -torch.inf
    if teacher_as == "topk":
        teacher = TopKLogProbs.from_logits(teacher, 6, config.temperature)
    full_total, _ = loss(hidden @ weight.T, teacher, labels)
    (full_grad,) = torch.autograd.grad(full_total, hidden)
    lean_total, _ = loss(ProjectedLogits(hidden, weight), teacher, labels)
    (lean_grad,) = torch.autograd.grad(lean_total, hidden)
    assert torch.isfinite(lean_total) and torch.isfinite(lean_grad).all()
    assert lean_total.item() == pytest.approx(full_total.item(), rel=1e-5)
    torch.testing.assert_close(lean_grad, full_grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("teacher_vocab", [V + 3, V - 2])
def test_chunked_equals_full_with_another_teacher_vocabulary(teacher_vocab):
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs(seed=2, teacher_vocab=teacher_vocab)
    _assert_equal(
        *_full_and_lean(LossConfig(chunk_size=3), hidden, weight, (teacher_hidden, teacher_weight), labels)
    )


def test_a_trainable_head_and_bias_get_the_full_path_gradient():
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs(seed=3)
    weight.requires_grad_()
    bias = torch.randn(V, requires_grad=True)
    _assert_equal(
        *_full_and_lean(
            LossConfig(chunk_size=4), hidden, weight, (teacher_hidden, teacher_weight), labels, bias
        )
    )


def test_a_frozen_head_gets_no_gradient_and_only_total_is_differentiable():
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs()
    loss = AdvancedDistillationLoss(LossConfig(chunk_size=4), V)
    total, _ = loss(ProjectedLogits(hidden, weight), ProjectedLogits(teacher_hidden, teacher_weight), labels)
    total.backward()
    assert weight.grad is None and hidden.grad is not None
    assert hidden.grad[0, :4].abs().sum() == 0  # positions whose next label is masked
    assert hidden.grad[0, 4].abs().sum() > 0


def test_without_a_teacher_the_lean_path_is_the_task_loss():
    hidden, weight, _, _, labels = _inputs()
    loss = AdvancedDistillationLoss(LossConfig(chunk_size=4), V)
    lean, lean_parts = loss(ProjectedLogits(hidden, weight), labels=labels)
    full, _ = loss(hidden @ weight.T, labels=labels)
    assert lean.item() == pytest.approx(full.item(), rel=1e-6)
    assert "kd" not in lean_parts and lean_parts["task_weight"].item() == 1.0


def test_lean_path_with_no_kept_token_gives_zero_and_zero_gradient():
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs()
    labels[:] = -100
    weight.requires_grad_()
    loss = AdvancedDistillationLoss(LossConfig(), V)
    total, _ = loss(ProjectedLogits(hidden, weight), ProjectedLogits(teacher_hidden, teacher_weight), labels)
    total.backward()
    assert total.item() == 0.0 and torch.all(hidden.grad == 0) and torch.all(weight.grad == 0)


def test_lean_path_with_bfloat16_models_projects_in_float32():
    """bfloat16 hidden states and heads: the lean path equals the full path run on float32 logits
    of the same (rounded) values, i.e. projected in float32, never rounded to bfloat16 logits."""
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs(dtype=torch.bfloat16)
    loss = AdvancedDistillationLoss(LossConfig(chunk_size=4), V)
    lean, _ = loss(ProjectedLogits(hidden, weight), ProjectedLogits(teacher_hidden, teacher_weight), labels)
    (lean_grad,) = torch.autograd.grad(lean, hidden)
    hidden32 = hidden.detach().float().requires_grad_()
    full, _ = loss(hidden32 @ weight.float().T, teacher_hidden.float() @ teacher_weight.float().T, labels)
    (full_grad,) = torch.autograd.grad(full, hidden32)
    assert lean.dtype == torch.float32 and lean.item() == pytest.approx(full.item(), rel=1e-5)
    assert lean_grad.dtype == torch.bfloat16
    torch.testing.assert_close(lean_grad.float(), full_grad, rtol=1e-2, atol=1e-3)  # rounded to bf16


def test_lean_path_under_no_grad_computes_values_only():
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs()
    loss = AdvancedDistillationLoss(LossConfig(chunk_size=4), V)
    with torch.no_grad():
        total, _ = loss(
            ProjectedLogits(hidden, weight), ProjectedLogits(teacher_hidden, teacher_weight), labels
        )
        full, _ = loss(hidden @ weight.T, teacher_hidden @ teacher_weight.T, labels)
    assert not total.requires_grad and total.item() == pytest.approx(full.item(), rel=1e-6)


def test_vocab_size_is_checked_against_the_head():
    hidden, weight, _, _, labels = _inputs()
    with pytest.raises(ValueError, match=f"{V} entries per token.*vocab_size=32016"):
        AdvancedDistillationLoss(LossConfig(), 32016)(ProjectedLogits(hidden, weight), labels=labels)


def test_the_upstream_gradient_scales_the_lean_gradient_and_backward_runs_once():
    """Training backpropagates ``total * kept tokens``: the hidden states get that multiple. The
    gradient is handed over (scaled in place) in the first backward pass, so a second one is refused."""
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs()
    weight.requires_grad_()
    loss = AdvancedDistillationLoss(LossConfig(chunk_size=4), V)
    total, _ = loss(ProjectedLogits(hidden, weight), ProjectedLogits(teacher_hidden, teacher_weight), labels)
    once = torch.autograd.grad(total, (hidden, weight), retain_graph=True)
    total, _ = loss(ProjectedLogits(hidden, weight), ProjectedLogits(teacher_hidden, teacher_weight), labels)
    scaled = total * 7.0
    sevenfold = torch.autograd.grad(scaled, (hidden, weight), retain_graph=True)
    for grad, grad7 in zip(once, sevenfold, strict=True):
        torch.testing.assert_close(grad7, 7.0 * grad)
    with pytest.raises(RuntimeError, match="backpropagate it once"):
        torch.autograd.grad(scaled, hidden)


def test_frozen_bfloat16_heads_are_copied_to_float32_once_across_steps():
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs(dtype=torch.bfloat16)
    loss = AdvancedDistillationLoss(LossConfig(chunk_size=4), V)
    values = []
    for _ in range(2):
        total, _ = loss(
            ProjectedLogits(hidden, weight), ProjectedLogits(teacher_hidden, teacher_weight), labels
        )
        total.backward()
        values.append(total.item())
        if len(values) == 1:
            copies = [loss.float32_heads.float32(w) for w in (weight, teacher_weight)]
    assert len(loss.float32_heads) == 2 and values[0] == values[1]
    assert loss.float32_heads.nbytes() == (weight.numel() + teacher_weight.numel()) * 4
    for w, copy in zip((weight, teacher_weight), copies, strict=True):
        assert loss.float32_heads.float32(w) is copy  # the second step reused the first step's copies


def test_a_bfloat16_gradient_is_scaled_by_the_upstream_gradient_without_rounding_it_first():
    """Training backpropagates ``total * kept tokens`` (e.g. 4915, which bf16 rounds to 4928): the
    product is formed in float32 and rounded once, so no systematic bias enters the gradient."""
    hidden, weight, teacher_hidden, teacher_weight, labels = _inputs(dtype=torch.bfloat16)
    loss = AdvancedDistillationLoss(LossConfig(chunk_size=4), V)

    def gradient(scale):
        total, _ = loss(
            ProjectedLogits(hidden, weight), ProjectedLogits(teacher_hidden, teacher_weight), labels
        )
        (grad,) = torch.autograd.grad(total * scale, hidden)
        return grad.float()

    once, scaled = gradient(1.0), gradient(4915.0)
    nonzero = once != 0
    ratio = (scaled[nonzero] / (once[nonzero] * 4915.0)).mean().item()
    assert ratio == pytest.approx(1.0, abs=5e-4)  # rounding the scale to bf16 first gives 1.0026
