"""The distillation loss against plain float64 references written here, term by term."""

from __future__ import annotations

import math

import pytest
import torch

from distill.config.schemas import LossConfig
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.intermediate import FeatureMatcher, uniform_layer_map
from distill.losses.schedules import schedule_value

B, L, V = 2, 7, 11


def _batch(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    student = torch.randn(B, L, V, generator=g, requires_grad=True)
    teacher = torch.randn(B, L, V, generator=g) * 2
    labels = torch.randint(0, V, (B, L), generator=g)
    labels[0, :3] = -100  # a prompt
    labels[1, -2:] = -100  # padding
    return student, teacher, labels


def _reference(student, teacher, labels, temperature, divergence="forward_kl", t2=True):
    """Token by token in float64: (mean CE, mean divergence) over the kept (shifted) positions."""
    ce, kd, kept = 0.0, 0.0, 0
    s64, t64 = student.detach().double(), teacher.double()
    for b in range(B):
        for i in range(L - 1):
            target = labels[b, i + 1].item()
            if target == -100:
                continue
            kept += 1
            ce -= torch.log_softmax(s64[b, i], -1)[target].item()
            ps = torch.softmax(s64[b, i] / temperature, -1)
            pt = torch.softmax(t64[b, i] / temperature, -1)
            p, q = (pt, ps) if divergence == "forward_kl" else (ps, pt)
            kd += (p * (p.log() - q.log())).sum().item()
    scale = temperature**2 if t2 else 1.0
    return ce / kept, kd / kept * scale


@pytest.mark.parametrize("divergence", ["forward_kl", "reverse_kl"])
@pytest.mark.parametrize("temperature", [1.0, 4.0])
def test_task_and_kd_terms_match_the_reference(divergence, temperature):
    student, teacher, labels = _batch()
    config = LossConfig(
        temperature=temperature, divergence=divergence, distillation_weight=0.7, task_weight=0.3
    )
    total, parts = AdvancedDistillationLoss(config, V)(student, teacher, labels)
    ce, kd = _reference(student, teacher, labels, temperature, divergence)
    assert parts["task_ce"].item() == pytest.approx(ce, rel=1e-5)
    assert parts["kd"].item() == pytest.approx(kd, rel=1e-5)
    assert total.item() == pytest.approx(0.3 * ce + 0.7 * kd, rel=1e-5)


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
    assert total.item() == pytest.approx(parts["task_ce"].item())
    assert parts["task_weight"].item() == 1.0 and parts["kd_weight"].item() == 0.0
    assert "kd" not in parts


def test_masked_positions_get_exactly_zero_gradient():
    student, teacher, labels = _batch()
    total, _ = AdvancedDistillationLoss(LossConfig(), V)(student, teacher, labels)
    total.backward()
    grad = student.grad
    assert torch.all(grad[0, :2] == 0)  # positions predicting labels 1 and 2 (both -100)
    assert torch.all(grad[:, -1] == 0)  # the last position predicts nothing
    assert grad[0, 3].abs().sum() > 0


def test_no_kept_token_gives_zero_and_zero_gradient():
    student, teacher, labels = _batch()
    labels[:] = -100
    total, _ = AdvancedDistillationLoss(LossConfig(), V)(student, teacher, labels)
    total.backward()
    assert total.item() == 0.0 and torch.all(student.grad == 0)


def test_masked_vocabulary_in_the_teacher_gives_no_nan():
    student, teacher, labels = _batch()
    teacher[..., 5:] = float("-inf")
    for divergence in ("forward_kl", "reverse_kl"):
        total, parts = AdvancedDistillationLoss(LossConfig(divergence=divergence), V)(
            student, teacher, labels
        )
        if divergence == "forward_kl":
            assert torch.isfinite(total)
            total.backward()
            assert torch.isfinite(student.grad).all()
        else:  # reverse KL is infinite where the student puts mass the teacher forbids
            assert parts["kd"].item() == math.inf


def test_teacher_with_a_larger_vocabulary_is_compared_on_the_shared_ids():
    student, teacher, labels = _batch()
    wide = torch.cat([teacher, torch.randn(B, L, 5)], dim=-1)
    loss = AdvancedDistillationLoss(LossConfig(), V)
    assert loss(student, wide, labels)[1]["kd"].item() == pytest.approx(
        loss(student, teacher, labels)[1]["kd"].item()
    )


def test_vocab_size_is_checked_against_the_logits():
    student, teacher, labels = _batch()
    with pytest.raises(ValueError, match="vocab_size=32000"):
        AdvancedDistillationLoss(LossConfig(), 32000)(student, teacher, labels)


def test_bfloat16_inputs_are_computed_in_float32():
    student, teacher, labels = _batch()
    loss = AdvancedDistillationLoss(LossConfig(), V)
    full = loss(student, teacher, labels)[0]
    half = loss(student.bfloat16(), teacher.bfloat16(), labels)[0]
    assert half.dtype == torch.float32
    assert half.item() == pytest.approx(full.item(), rel=2e-2)


def test_num_items_normalises_across_micro_batches():
    """Two micro-batches normalised by the step's kept-token count sum to the one-batch loss."""
    student, teacher, labels = _batch()
    loss = AdvancedDistillationLoss(LossConfig(), V)
    whole = loss(student, teacher, labels)[0]
    count = (labels[:, 1:] != -100).sum()
    halves = sum(
        loss(student[i : i + 1], teacher[i : i + 1], labels[i : i + 1], num_items=count)[0] for i in range(B)
    )
    assert halves.item() == pytest.approx(whole.item(), rel=1e-6)


@pytest.mark.parametrize(
    ("kind", "progress", "expected"),
    [("linear", 0.25, 0.25), ("cosine", 0.5, 0.5), ("cosine", 0.25, (1 - math.cos(math.pi / 4)) / 2),
     ("step", 0.49, 0.0), ("step", 0.5, 1.0), ("constant", 0.0, 1.0)],
)  # fmt: skip
def test_schedules(kind, progress, expected):
    assert schedule_value(kind, progress, 0.0, 1.0) == pytest.approx(expected)


def test_progressive_kd_weight_follows_set_epoch():
    config = LossConfig(
        use_progressive_distillation=True, progressive_schedule="linear", progressive_start_weight=0.1,
        distillation_weight=0.7,
    )  # fmt: skip
    loss = AdvancedDistillationLoss(config, V)
    loss.set_epoch(0, 3)
    assert loss.kd_weight == pytest.approx(0.1)
    loss.set_epoch(1, 3)
    assert loss.kd_weight == pytest.approx(0.4)
    loss.set_epoch(2, 3)
    assert loss.kd_weight == pytest.approx(0.7)


def test_attention_transfer_is_zero_for_identical_maps_and_respects_padding():
    config = LossConfig(use_attention_transfer=True, attention_weight=1.0)
    loss = AdvancedDistillationLoss(config, V, student_layers=2, teacher_layers=4)
    assert loss.attention_layer_map == {0: 0, 1: 3}
    student, teacher, labels = _batch()
    maps = [torch.softmax(torch.randn(B, 2, L, L), -1) for _ in range(4)]
    mask = torch.ones(B, L, dtype=torch.long)
    same = loss(student, teacher, labels, student_attentions=[maps[0], maps[3]], teacher_attentions=maps,
                attention_mask=mask)[1]  # fmt: skip
    assert same["attention"].item() == pytest.approx(0.0, abs=1e-7)
    other = [torch.softmax(torch.randn(B, 4, L, L), -1) for _ in range(4)]  # four heads vs two: averaged
    different = loss(student, teacher, labels, student_attentions=[maps[0], maps[3]], teacher_attentions=other,
                     attention_mask=mask)[1]["attention"]  # fmt: skip
    assert different.item() > 0
    mask[1, -2:] = 0
    changed = [m.clone() for m in other]
    changed[0][1, :, -1, :] = 0.5  # only a padded query row differs
    masked = loss(student, teacher, labels, student_attentions=[maps[0], maps[3]], teacher_attentions=other,
                  attention_mask=mask)[1]["attention"]  # fmt: skip
    masked_changed = loss(student, teacher, labels, student_attentions=[maps[0], maps[3]], teacher_attentions=changed,
                          attention_mask=mask)[1]["attention"]  # fmt: skip
    assert masked.item() == pytest.approx(masked_changed.item())


def test_feature_matching_projects_and_trains():
    matcher = FeatureMatcher(uniform_layer_map(2, 3), student_width=4, teacher_width=6)
    student_states = [torch.randn(B, L, 4) for _ in range(3)]
    teacher_states = [torch.randn(B, L, 6) for _ in range(4)]
    mask = torch.ones(B, L, dtype=torch.long)
    before = matcher(student_states, teacher_states, mask)
    optimizer = torch.optim.Adam(matcher.parameters(), lr=0.05)
    for _ in range(200):
        optimizer.zero_grad()
        value = matcher(student_states, teacher_states, mask)
        value.backward()
        optimizer.step()
    assert value.item() < before.item()
    same = FeatureMatcher({0: 0}, 4, 4)
    states = [torch.randn(B, L, 4) for _ in range(2)]
    assert same(states, states, mask).item() == pytest.approx(0.0, abs=1e-6)  # identity projection


def test_layer_maps_outside_the_models_fail():
    with pytest.raises(ValueError, match=r"loss\.attention_layer_map"):
        AdvancedDistillationLoss(
            LossConfig(use_attention_transfer=True, attention_layer_map={0: 9}),
            V,
            student_layers=2,
            teacher_layers=4,
        )
