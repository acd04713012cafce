"""The closed-form chunk terms of the memory-lean path against plain float64 references (autograd
through the papers' formulas) and against autograd over ``LogitTerms.sums``, value and gradient."""

from __future__ import annotations

import pytest
import torch

from distill.losses.closed_form import dense_terms_with_grad
from distill.losses.heads import Float32Heads
from distill.losses.logit_terms import LogitTerms

DIVERGENCES = ["forward_kl", "reverse_kl", "jsd", "skew_forward", "skew_reverse", "tvd"]
N, V = 9, 23
TASK, KD = 0.3, 0.7


def _kl(p, q):
    """KL(p || q) per row, float64, 0 log 0 = 0."""
    return torch.where(p > 0, p * (p.log() - q.log()), 0.0).sum(-1)


def reference(student, teacher, targets, divergence, temperature, beta, alpha, t2):
    """(CE sum, KD sum) in float64, written as the papers do; differentiable in ``student``."""
    ce = -torch.log_softmax(student, -1).gather(1, targets[:, None]).sum()
    shared = min(student.size(-1), teacher.size(-1))
    ps = torch.softmax(student[:, :shared] / temperature, -1)
    pt = torch.softmax(teacher[:, :shared].double() / temperature, -1)
    if divergence == "forward_kl" or (divergence == "jsd" and beta == 0):
        kd = _kl(pt, ps)
    elif divergence == "reverse_kl" or (divergence == "jsd" and beta == 1):
        kd = _kl(ps, pt)
    elif divergence == "jsd":
        m = beta * pt + (1 - beta) * ps
        kd = beta * _kl(pt, m) + (1 - beta) * _kl(ps, m)
    elif divergence == "skew_forward":
        kd = _kl(pt, alpha * pt + (1 - alpha) * ps)
    elif divergence == "skew_reverse":
        kd = _kl(ps, alpha * ps + (1 - alpha) * pt)
    else:
        kd = 0.5 * (ps - pt).abs().sum(-1)
    return ce, kd.sum() * (temperature**2 if t2 else 1.0)


def _rows(seed, teacher_vocab=V):
    g = torch.Generator().manual_seed(seed)
    student = torch.randn(N, V, generator=g) * 3
    teacher = torch.randn(N, teacher_vocab, generator=g) * 3
    targets = torch.randint(0, V, (N,), generator=g)
    return student, teacher, targets


def _closed_form(student, teacher, targets, divergence, temperature, beta=0.5, alpha=0.1, t2=True):
    return dense_terms_with_grad(
        student.clone(), targets, teacher.clone(), temperature, divergence, beta, alpha, t2, TASK, KD
    )


def _check_against_float64(student, teacher, targets, divergence, temperature, beta=0.5, alpha=0.1, t2=True):
    ce, kd, grad = _closed_form(student, teacher, targets, divergence, temperature, beta, alpha, t2)
    student64 = student.double().requires_grad_()
    ce64, kd64 = reference(student64, teacher, targets, divergence, temperature, beta, alpha, t2)
    (grad64,) = torch.autograd.grad(TASK * ce64 + KD * kd64, student64)
    assert ce.item() == pytest.approx(ce64.item(), rel=1e-5)
    assert kd.item() == pytest.approx(kd64.item(), rel=1e-5, abs=1e-6)
    torch.testing.assert_close(grad.double(), grad64, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("temperature", [1.0, 2.5])
@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_every_divergence_matches_the_float64_reference(divergence, temperature):
    _check_against_float64(*_rows(0), divergence, temperature)


@pytest.mark.parametrize(
    ("divergence", "beta", "alpha"),
    [("jsd", 0.0, 0.1), ("jsd", 1.0, 0.1), ("jsd", 0.9, 0.1), ("skew_forward", 0.5, 0.0),
     ("skew_reverse", 0.5, 0.0), ("skew_forward", 0.5, 0.9), ("skew_reverse", 0.5, 0.9)],
)  # fmt: skip
def test_mixture_coefficients_and_their_end_points(divergence, beta, alpha):
    _check_against_float64(*_rows(1), divergence, 2.0, beta, alpha)


@pytest.mark.parametrize("teacher_vocab", [V + 4, V - 5])
@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_another_teacher_vocabulary_is_compared_over_the_shared_ids(divergence, teacher_vocab):
    _check_against_float64(*_rows(2, teacher_vocab), divergence, 1.5)


@pytest.mark.parametrize("divergence", ["forward_kl", "jsd", "skew_forward", "skew_reverse", "tvd"])
def test_minus_infinity_teacher_logits_give_no_nan(divergence):
    """A masked teacher vocabulary: zero teacher probability contributes 0, never a NaN (reverse KL,
    infinite there, is left out)."""
    student, teacher, targets = _rows(3)
    teacher[:, 4] = -torch.inf
    teacher[0, :10] = -torch.inf
    _, kd, grad = _closed_form(student, teacher, targets, divergence, 2.0)
    assert torch.isfinite(kd) and torch.isfinite(grad).all()
    _check_against_float64(student, teacher, targets, divergence, 2.0)


@pytest.mark.parametrize("t2", [True, False])
@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_equals_autograd_over_logit_terms_sums(divergence, t2):
    """The same sums the full path computes (LogitTerms.sums), and autograd's gradient of them."""
    student, teacher, targets = _rows(4)
    terms = LogitTerms(2.0, divergence, 0.5, 0.1, t2)
    leaf = student.clone().requires_grad_()
    ce, kd = terms.sums(leaf, targets, teacher)
    (grad,) = torch.autograd.grad(TASK * ce + KD * kd, leaf)
    ce_cf, kd_cf, grad_cf = _closed_form(student, teacher, targets, divergence, 2.0, t2=t2)
    assert ce_cf.item() == pytest.approx(ce.item(), rel=1e-6)
    assert kd_cf.item() == pytest.approx(kd.item(), rel=1e-5)
    torch.testing.assert_close(grad_cf, grad, rtol=1e-4, atol=1e-7)


def test_without_a_teacher_only_the_task_term_and_values_only_without_grad():
    student, _, targets = _rows(5)
    ce, kd, grad = dense_terms_with_grad(student.clone(), targets, None, 2.0, task_scale=1.0)
    student64 = student.double().requires_grad_()
    ce64 = -torch.log_softmax(student64, -1).gather(1, targets[:, None]).sum()
    (grad64,) = torch.autograd.grad(ce64, student64)
    assert kd is None and ce.item() == pytest.approx(ce64.item(), rel=1e-6)
    torch.testing.assert_close(grad.double(), grad64, rtol=1e-5, atol=1e-7)
    kept = student.clone()
    _, _, none = dense_terms_with_grad(kept, targets, None, 2.0, need_grad=False)
    assert none is None and torch.equal(kept, student)  # values only: the logits are left as they are


def test_the_gradient_is_written_into_the_logits_buffer():
    student, teacher, targets = _rows(6)
    buffer = student.clone()
    _, _, grad = dense_terms_with_grad(buffer, targets, teacher.clone(), 1.0, "jsd")
    assert grad.data_ptr() == buffer.data_ptr()


# ------------------------------------------------------------------------------------------ heads
def test_a_frozen_half_precision_head_is_copied_to_float32_once():
    heads = Float32Heads()
    weight = torch.randn(V, 8).bfloat16()
    first = heads.float32(weight)
    assert first.dtype == torch.float32 and torch.equal(first, weight.float())
    assert heads.float32(weight) is first and len(heads) == 1  # reused, not cast again
    weight.mul_(2)  # modified in place: a new copy
    second = heads.float32(weight)
    assert second is not first and torch.equal(second, weight.float()) and len(heads) == 1
    float32 = torch.randn(V, 8)
    assert heads.float32(float32) is float32 and len(heads) == 1  # float32 needs no copy
    del weight, first, second
    assert len(heads) == 0  # the copy goes with its weight


def test_a_trainable_head_is_cast_on_every_call():
    heads = Float32Heads()
    weight = torch.randn(V, 8).bfloat16().requires_grad_()
    copy = heads.float32(weight)
    assert copy.requires_grad and heads.float32(weight) is not copy and len(heads) == 0
