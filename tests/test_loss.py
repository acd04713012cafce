"""The distillation loss (full path) against plain float64 references written here, term by term."""

from __future__ import annotations

import math

import pytest
import torch
from helpers import DIVERGENCES
from helpers import divergence as reference_divergence

from distill.config.errors import ConfigError
from distill.config.schemas import LossConfig
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.schedules import schedule_value

B, L, V = 2, 7, 11


def _batch(seed: int = 0, vocab: int = V):
    g = torch.Generator().manual_seed(seed)
    student = torch.randn(B, L, vocab, generator=g, requires_grad=True)
    teacher = torch.randn(B, L, vocab, generator=g) * 2
    labels = torch.randint(0, vocab, (B, L), generator=g)
    labels[0, :4] = -100  # a prompt
    labels[1, -2:] = -100  # padding
    return student, teacher, labels


def reference_loss(student, teacher, labels, config: LossConfig, count=None):
    """(total, CE, KD) token by token in float64 over the kept (shifted) positions; differentiable
    in ``student`` (a float64 leaf)."""
    ce, kd, kept = 0.0, 0.0, 0
    temperature = config.temperature
    for b in range(labels.size(0)):
        for i in range(labels.size(1) - 1):
            target = labels[b, i + 1].item()
            if target == -100:
                continue
            kept += 1
            ce = ce - torch.log_softmax(student[b, i], -1)[target]
            if teacher is not None:
                shared = min(student.size(-1), teacher.size(-1))
                ps = torch.softmax(student[b, i, :shared] / temperature, -1)
                pt = torch.softmax(teacher[b, i, :shared].double() / temperature, -1)
                kd = kd + reference_divergence(ps, pt, config.divergence, config.beta, config.alpha)
    count = count if count is not None else max(kept, 1)
    ce, kd = ce / count, kd / count * (temperature**2 if config.t2_scaling else 1.0)
    if teacher is None:
        return ce, ce, None
    return config.task_weight * ce + config.distillation_weight * kd, ce, kd


def _check_against_reference(config, student, teacher, labels, rel=1e-5):
    loss = AdvancedDistillationLoss(config, student.size(-1))
    total, parts = loss(student, teacher, labels)
    (grad,) = torch.autograd.grad(total, student)
    student64 = student.detach().double().requires_grad_()
    ref_total, ref_ce, ref_kd = reference_loss(student64, teacher, labels, config)
    (ref_grad,) = torch.autograd.grad(ref_total, student64)
    assert parts["task_ce"].item() == pytest.approx(ref_ce.item(), rel=rel)
    if ref_kd is not None:
        assert parts["kd"].item() == pytest.approx(ref_kd.item(), rel=rel, abs=1e-7)
    assert total.item() == pytest.approx(ref_total.item(), rel=rel)
    torch.testing.assert_close(grad.double(), ref_grad, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("divergence", DIVERGENCES)
@pytest.mark.parametrize("temperature", [1.0, 4.0])
def test_task_and_kd_terms_match_the_reference_in_value_and_gradient(divergence, temperature):
    student, teacher, labels = _batch()
    config = LossConfig(temperature=temperature, divergence=divergence, beta=0.3, alpha=0.2)
    _check_against_reference(config, student, teacher, labels)


@pytest.mark.parametrize(("beta", "alpha"), [(0.0, 0.0), (1.0, 0.5), (0.9, 0.05)])
def test_mixture_coefficients_match_the_reference(beta, alpha):
    student, teacher, labels = _batch(seed=1)
    for divergence in ("jsd", "skew_forward", "skew_reverse"):
        config = LossConfig(divergence=divergence, beta=beta, alpha=alpha, temperature=2.0)
        _check_against_reference(config, student, teacher, labels)


def test_jsd_end_points_are_exactly_the_two_kls():
    student, teacher, labels = _batch()

    def kd(**fields):
        return AdvancedDistillationLoss(LossConfig(**fields), V)(student, teacher, labels)[1]["kd"].item()

    assert kd(divergence="jsd", beta=0.0) == kd(divergence="forward_kl")
    assert kd(divergence="jsd", beta=1.0) == kd(divergence="reverse_kl")
    assert kd(divergence="skew_forward", alpha=0.0) == kd(divergence="forward_kl")
    assert kd(divergence="skew_reverse", alpha=0.0) == kd(divergence="reverse_kl")
    # the mixture formula itself collapses near the end points: a weak signal, not a KL
    assert kd(divergence="jsd", beta=1e-4) < 1e-2 * kd(divergence="forward_kl")


def test_direction_forward_kl_is_teacher_first():
    """KL(teacher || student) weighs the log-ratio by the teacher: a student that misses a teacher
    mode is punished far more than a student with an extra mode (the reverse for reverse_kl)."""
    teacher = torch.tensor([[[5.0, 5.0, -5.0]] * 2])
    narrow = torch.tensor([[[5.0, -5.0, -5.0]] * 2])  # misses the teacher's second mode
    labels = torch.tensor([[0, 0]])
    forward = AdvancedDistillationLoss(LossConfig(temperature=1.0), 3)(narrow, teacher, labels)[1]["kd"]
    reverse = AdvancedDistillationLoss(LossConfig(temperature=1.0, divergence="reverse_kl"), 3)(
        narrow, teacher, labels
    )[1]["kd"]
    assert forward.item() > 3.0 > math.log(2) + 0.01 > reverse.item()


def test_t2_scaling_flag():
    student, teacher, labels = _batch()
    with_t2 = AdvancedDistillationLoss(LossConfig(temperature=4.0), V)(student, teacher, labels)[1]["kd"]
    without = AdvancedDistillationLoss(LossConfig(temperature=4.0, t2_scaling=False), V)(
        student, teacher, labels
    )[1]["kd"]
    assert with_t2.item() == pytest.approx(16 * without.item(), rel=1e-6)


def test_without_a_teacher_the_total_is_the_task_loss_with_weight_one():
    student, _, labels = _batch()
    total, parts = AdvancedDistillationLoss(LossConfig(task_weight=0.3), V)(student, labels=labels)
    assert total.item() == pytest.approx(
        reference_loss(student.double(), None, labels, LossConfig())[1].item()
    )
    assert parts["task_weight"].item() == 1.0 and parts["kd_weight"].item() == 0.0
    assert "kd" not in parts


def test_components_hold_every_term_detached_and_the_effective_weights():
    student, teacher, labels = _batch()
    total, parts = AdvancedDistillationLoss(LossConfig(temperature=2.0), V)(student, teacher, labels)
    assert set(parts) == {"task_ce", "kd", "total", "task_weight", "kd_weight", "temperature"}
    assert not any(value.requires_grad for value in parts.values())
    assert parts["temperature"].item() == 2.0 and parts["kd_weight"].item() == pytest.approx(0.7)
    assert parts["total"].item() == total.item()


def test_masked_positions_get_exactly_zero_gradient():
    student, teacher, labels = _batch()
    total, _ = AdvancedDistillationLoss(LossConfig(), V)(student, teacher, labels)
    total.backward()
    grad = student.grad
    assert torch.all(grad[0, :3] == 0)  # positions predicting labels 1 to 3 (all -100)
    assert torch.all(grad[:, -1] == 0)  # the last position predicts nothing
    assert torch.all(grad[1, -3:] == 0)  # positions predicting padding
    assert grad[0, 3].abs().sum() > 0


@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_no_kept_token_gives_zero_and_zero_gradient(divergence):
    student, teacher, labels = _batch()
    labels[:] = -100
    total, parts = AdvancedDistillationLoss(LossConfig(divergence=divergence), V)(student, teacher, labels)
    total.backward()
    assert total.item() == 0.0 and parts["kd"].item() == 0.0 and torch.all(student.grad == 0)


@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_masked_vocabulary_in_the_teacher_gives_no_nan(divergence):
    student, teacher, labels = _batch()
    teacher[..., 5:] = -math.inf
    total, parts = AdvancedDistillationLoss(LossConfig(divergence=divergence), V)(student, teacher, labels)
    if divergence == "reverse_kl":  # infinite where the student puts mass the teacher forbids
        assert parts["kd"].item() == math.inf
        return
    assert torch.isfinite(total)
    total.backward()
    assert torch.isfinite(student.grad).all()
    student64 = student.detach().double()
    assert parts["kd"].item() == pytest.approx(
        reference_loss(student64, teacher, labels, LossConfig(divergence=divergence))[2].item(), rel=1e-5
    )


@pytest.mark.parametrize("teacher_vocab", [V + 5, V - 3])
def test_other_vocabulary_sizes_are_compared_on_the_shared_ids(teacher_vocab):
    """Same tokenizer, different sizes (CodeLlama 32,016 vs 32,000): the shared ids, renormalised."""
    student, _, labels = _batch()
    teacher = torch.randn(B, L, teacher_vocab, generator=torch.Generator().manual_seed(5))
    _check_against_reference(LossConfig(), student, teacher, labels)


def test_vocab_size_is_checked_against_the_logits():
    student, teacher, labels = _batch()
    with pytest.raises(ValueError, match="vocab_size=32000"):
        AdvancedDistillationLoss(LossConfig(), 32000)(student, teacher, labels)


def test_bfloat16_inputs_are_computed_in_float32():
    """bfloat16 logits give exactly the float64 reference of those (rounded) values: the softmax
    arithmetic itself runs in float32."""
    student, teacher, labels = _batch()
    student16, teacher16 = student.detach().bfloat16().requires_grad_(), teacher.bfloat16()
    total, parts = AdvancedDistillationLoss(LossConfig(), V)(student16, teacher16, labels)
    assert total.dtype == torch.float32
    _, ref_ce, ref_kd = reference_loss(student16.double(), teacher16, labels, LossConfig())
    assert parts["kd"].item() == pytest.approx(ref_kd.item(), rel=1e-5)
    assert parts["task_ce"].item() == pytest.approx(ref_ce.item(), rel=1e-5)
    total.backward()
    assert student16.grad.dtype == torch.bfloat16 and torch.isfinite(student16.grad.float()).all()


# ---------------------------------------------------------------------------------- schedules
@pytest.mark.parametrize(
    ("kind", "progress", "steps", "expected"),
    [("linear", 0.25, 1, 0.25), ("cosine", 0.5, 1, 0.5), ("cosine", 0.25, 1, (1 - math.cos(math.pi / 4)) / 2),
     ("step", 0.49, 1, 0.0), ("step", 0.5, 1, 1.0), ("step", 0.3, 3, 1 / 3), ("step", 0.8, 3, 1.0),
     ("constant", 0.0, 1, 1.0)],
)  # fmt: skip
def test_schedules(kind, progress, steps, expected):
    assert schedule_value(kind, progress, 0.0, 1.0, steps) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [("linear", [0.1, 0.25, 0.4, 0.55, 0.7]), ("cosine", [0.1, 0.1879, 0.4, 0.6121, 0.7]),
     ("step", [0.1, 0.1, 0.7, 0.7, 0.7])],
)  # fmt: skip
def test_progressive_kd_weight_and_temperature_at_chosen_epochs(schedule, expected):
    config = LossConfig(
        use_progressive_distillation=True, progressive_schedule=schedule, progressive_start_weight=0.1,
        distillation_weight=0.7, progressive_start_temperature=1.0, temperature=4.0,
    )  # fmt: skip
    loss = AdvancedDistillationLoss(config, V)
    student, teacher, labels = _batch()
    for epoch, weight in enumerate(expected):
        loss.set_epoch(epoch, len(expected))
        assert loss.kd_weight == pytest.approx(weight, abs=1e-4)
        temperature = 1.0 + 3.0 * (weight - 0.1) / 0.6  # the same shape, from 1 to 4
        assert loss.temperature == pytest.approx(temperature, abs=1e-3)
        parts = loss(student, teacher, labels)[1]
        assert parts["kd_weight"].item() == pytest.approx(weight, abs=1e-4)
        assert parts["kd"].item() == pytest.approx(
            reference_loss(student.double(), teacher, labels, LossConfig(temperature=loss.temperature))[
                2
            ].item(),
            rel=1e-5,
        )


def test_without_progressive_distillation_nothing_moves():
    loss = AdvancedDistillationLoss(LossConfig(progressive_start_temperature=1.0), V)
    loss.set_progress(0.0)
    assert loss.kd_weight == 0.7 and loss.temperature == 4.0


# ---------------------------------------------------------------------------------- config
@pytest.mark.parametrize(
    ("fields", "key"),
    [({"divergence": "jensen"}, "loss.divergence"), ({"beta": 1.5}, "loss.beta"), ({"alpha": 1.0}, "loss.alpha"),
     ({"temperature": 0.0}, "loss.temperature"), ({"task_weight": -1.0}, "loss.task_weight"),
     ({"progressive_schedule": "exp"}, "loss.progressive_schedule"), ({"chunk_size": 0}, "loss.chunk_size"),
     ({"topk_missing_mass": "drop"}, "loss.topk_missing_mass"), ({"teacher_top_k": -1}, "loss.teacher_top_k"),
     ({"teacher_top_k": 5, "topk_missing_mass": "renormalize", "divergence": "reverse_kl"}, "loss.topk_missing_mass"),
     ({"attention_loss": "l1"}, "loss.attention_loss"), ({"attention_heads": "max"}, "loss.attention_heads"),
     ({"feature_loss": "l1"}, "loss.feature_loss"), ({"feature_layer_map": {0: -1}}, "loss.feature_layer_map"),
     ({"progressive_start_temperature": -1.0}, "loss.progressive_start_temperature"),
     ({"progressive_step_count": 0}, "loss.progressive_step_count")],
)  # fmt: skip
def test_every_field_is_validated_with_its_key(fields, key):
    with pytest.raises(ConfigError) as error:
        LossConfig(**fields)
    assert str(error.value).startswith(key)
