"""KD against a cached teacher's top-k log-probabilities, against float64 references."""

from __future__ import annotations

import pytest
import torch

from distill.config.schemas import LossConfig
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.sources import TopKLogProbs

B, L, V = 2, 6, 13


def _batch(seed=0, teacher_vocab=V):
    g = torch.Generator().manual_seed(seed)
    student = torch.randn(B, L, V, generator=g, requires_grad=True)
    teacher = torch.randn(B, L, teacher_vocab, generator=g) * 2
    labels = torch.randint(0, V, (B, L), generator=g)
    labels[0, :2] = -100
    return student, teacher, labels


def _kd(config, student, teacher, labels):
    return AdvancedDistillationLoss(config, V)(student, teacher, labels)[1]["kd"]


def _kl(p, q):
    support = p > 0
    return (p[support] * (p[support].log() - q[support].log())).sum()


def reference_topk_kd(student, teacher, labels, k, temperature, capture_temperature, missing_mass):
    """Forward KL per kept token in float64, with the teacher known only through its top-k at the
    capture temperature, times T^2, averaged."""
    total, kept = 0.0, 0
    for b in range(B):
        for i in range(L - 1):
            if labels[b, i + 1] == -100:
                continue
            kept += 1
            ps = torch.softmax(student[b, i].double() / temperature, -1)
            captured = torch.softmax(teacher[b, i].double() / capture_temperature, -1)
            top_p, ids = captured.topk(k)
            if missing_mass == "renormalize":
                q = torch.zeros(V, dtype=torch.float64)
                q[ids] = top_p ** (capture_temperature / temperature)
                total += _kl(q / q.sum(), ps)
            else:
                pt = torch.cat([top_p, (1 - top_p.sum()).reshape(1)])
                qs = torch.cat([ps[ids], (1 - ps[ids].sum()).reshape(1)])
                total += _kl(pt, qs)
    return total / kept * temperature**2


@pytest.mark.parametrize("missing_mass", ["renormalize", "tail"])
@pytest.mark.parametrize("k", [1, 3, 8])
def test_topk_kd_matches_the_reference(missing_mass, k):
    student, teacher, labels = _batch()
    config = LossConfig(temperature=2.0, topk_missing_mass=missing_mass)
    cached = TopKLogProbs.from_logits(teacher, k, 2.0)
    expected = reference_topk_kd(student, teacher, labels, k, 2.0, 2.0, missing_mass)
    assert _kd(config, student, cached, labels).item() == pytest.approx(expected.item(), rel=1e-5)


def test_renormalize_re_tempers_exactly_from_the_capture_temperature():
    student, teacher, labels = _batch(seed=1)
    cached = TopKLogProbs.from_logits(teacher, 5, temperature=1.0)
    config = LossConfig(temperature=3.0, topk_missing_mass="renormalize")
    expected = reference_topk_kd(student, teacher, labels, 5, 3.0, 1.0, "renormalize")
    assert _kd(config, student, cached, labels).item() == pytest.approx(expected.item(), rel=1e-5)


@pytest.mark.parametrize("missing_mass", ["renormalize", "tail"])
@pytest.mark.parametrize("divergence", ["forward_kl", "jsd", "skew_reverse", "tvd"])
def test_topk_reaches_full_kd_as_k_reaches_the_vocabulary(missing_mass, divergence):
    student, teacher, labels = _batch(seed=2)
    config = LossConfig(temperature=2.0, divergence=divergence, topk_missing_mass=missing_mass)
    dense_total, dense = AdvancedDistillationLoss(config, V)(student, teacher, labels)
    (dense_grad,) = torch.autograd.grad(dense_total, student)
    errors = []
    for k in (1, 4, 9, V):
        total, parts = AdvancedDistillationLoss(config, V)(
            student, TopKLogProbs.from_logits(teacher, k, 2.0), labels
        )
        errors.append(abs(parts["kd"].item() - dense["kd"].item()))
    (grad,) = torch.autograd.grad(total, student)  # k = V
    assert errors[-1] < 1e-5 * dense["kd"].item()
    torch.testing.assert_close(grad, dense_grad, rtol=1e-4, atol=1e-7)
    assert errors[0] > 1e-3  # a truncated teacher is a different target


def test_reverse_kl_needs_the_tail_bucket():
    student, teacher, labels = _batch()
    cached = TopKLogProbs.from_logits(teacher, V, 4.0)
    tail = _kd(LossConfig(divergence="reverse_kl"), student, cached, labels)
    assert tail.item() == pytest.approx(
        _kd(LossConfig(divergence="reverse_kl"), student, teacher, labels).item(), rel=1e-5
    )
    with pytest.raises(ValueError, match=r"^loss\.topk_missing_mass: 'renormalize'"):
        _kd(LossConfig(divergence="reverse_kl", topk_missing_mass="renormalize"), student, cached, labels)


def test_tail_bucket_refuses_another_capture_temperature():
    student, teacher, labels = _batch()
    cached = TopKLogProbs.from_logits(teacher, 4, temperature=1.0)
    with pytest.raises(ValueError, match=r"^loss\.topk_missing_mass: 'tail' .* captured at 1\.0"):
        _kd(LossConfig(temperature=4.0), student, cached, labels)


@pytest.mark.parametrize("missing_mass", ["renormalize", "tail"])
def test_a_larger_teacher_vocabulary_is_compared_on_the_shared_ids(missing_mass):
    """The teacher's ids beyond the student's vocabulary leave the comparison, as in the dense path."""
    student, teacher, labels = _batch(seed=3, teacher_vocab=V + 4)
    config = LossConfig(topk_missing_mass=missing_mass)
    cached = TopKLogProbs.from_logits(teacher, V + 4, 4.0)
    assert cached.vocab_size == V + 4
    assert _kd(config, student, cached, labels).item() == pytest.approx(
        _kd(config, student, teacher, labels).item(), rel=1e-5
    )


def test_a_row_whose_top_k_lies_outside_the_student_vocabulary_gives_no_nan():
    student, teacher, labels = _batch(seed=4, teacher_vocab=V + 2)
    teacher[..., V + 1] = 50.0  # every position's top-1 is an id the student does not have
    for missing_mass in ("renormalize", "tail"):
        total, parts = AdvancedDistillationLoss(LossConfig(topk_missing_mass=missing_mass), V)(
            student, TopKLogProbs.from_logits(teacher, 1, 4.0), labels
        )
        (grad,) = torch.autograd.grad(total, student)
        assert parts["kd"].item() == 0.0 and torch.isfinite(grad).all()


def test_live_teacher_top_k_equals_the_cached_top_k():
    student, teacher, labels = _batch()
    live = _kd(LossConfig(teacher_top_k=3), student, teacher, labels)
    cached = _kd(LossConfig(), student, TopKLogProbs.from_logits(teacher, 3, 4.0), labels)
    assert live.item() == pytest.approx(cached.item(), rel=1e-6)
    assert live.item() != pytest.approx(_kd(LossConfig(), student, teacher, labels).item(), rel=1e-3)


def test_capture_stores_uint16_ids_when_the_vocabulary_fits():
    codellama = TopKLogProbs.from_logits(torch.randn(1, 2, 32016), k=20, temperature=1.0)
    assert codellama.ids.dtype == torch.uint16 and codellama.ids.shape == (1, 2, 20)
    assert codellama.logprobs.dtype == torch.float32 and codellama.temperature == 1.0
    assert int(codellama.ids.long().max()) < 32016
    wide = TopKLogProbs.from_logits(torch.randn(1, 1, 70000), k=2, temperature=1.0)
    assert wide.ids.dtype == torch.int32


def test_half_precision_storage_is_accepted():
    student, teacher, labels = _batch()
    cached = TopKLogProbs.from_logits(teacher, V, 4.0)
    stored = TopKLogProbs(cached.ids, cached.logprobs.half(), cached.temperature)
    assert _kd(LossConfig(), student, stored, labels).item() == pytest.approx(
        _kd(LossConfig(), student, teacher, labels).item(), rel=1e-2
    )


def test_from_batch_reads_the_cache_keys_and_checks_them():
    cached = TopKLogProbs.from_logits(torch.randn(2, 3, 10), 4, 2.0)
    batch = {
        "teacher_topk_ids": cached.ids,
        "teacher_topk_logprobs": cached.logprobs,
        "teacher_topk_temperature": torch.tensor([2.0, 2.0]),
        "teacher_topk_vocab_size": torch.tensor([10, 10]),
    }
    read = TopKLogProbs.from_batch(batch)
    assert read.temperature == 2.0 and read.vocab_size == 10 and read.ids is cached.ids
    assert TopKLogProbs.from_batch({"input_ids": torch.zeros(1)}) is None
    with pytest.raises(ValueError, match="teacher_topk_temperature"):
        TopKLogProbs.from_batch(batch | {"teacher_topk_temperature": torch.tensor([2.0, 1.0])})
    with pytest.raises(ValueError, match=r"TopKLogProbs: ids and logprobs"):
        TopKLogProbs(cached.ids, cached.logprobs[..., :2], 2.0)
    with pytest.raises(ValueError, match=r"TopKLogProbs\.temperature"):
        TopKLogProbs(cached.ids, cached.logprobs, 0.0)
