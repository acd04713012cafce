"""Attention transfer and feature matching against plain float64 references written here."""

from __future__ import annotations

import math

import pytest
import torch

from distill.config.errors import ConfigError
from distill.config.schemas import LossConfig
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.features import FeatureMatcher
from distill.losses.layer_maps import uniform_layer_map
from distill.losses.logit_terms import KeptTokens

B, L, V = 2, 6, 9


def _labels_and_mask():
    labels = torch.randint(0, V, (B, L), generator=torch.Generator().manual_seed(0))
    labels[0, :2] = -100  # prompt
    mask = torch.ones(B, L, dtype=torch.long)
    mask[1, -2:] = 0  # padding
    labels[1, -2:] = -100
    return labels, mask


def _maps(heads: int, mask: torch.Tensor, seed: int, requires_grad=False) -> torch.Tensor:
    """Causal, padding-masked attention maps [B, H, L, L] as an eager model produces them."""
    scores = torch.randn(B, heads, L, L, generator=torch.Generator().manual_seed(seed)) * 2
    allowed = torch.tril(torch.ones(L, L, dtype=torch.bool))[None, None] & mask.bool()[:, None, None, :]
    maps = torch.softmax(scores.masked_fill(~allowed, -math.inf), dim=-1)
    return maps.requires_grad_(requires_grad)


def reference_attention(student_maps, teacher_maps, layer_map, labels, mask, loss, heads):
    """Row by row in float64: kept query rows, keys that are neither padding nor in the future."""
    values = []
    for s, t in layer_map.items():
        student, teacher = student_maps[s].double(), teacher_maps[t].double()
        hs, ht = student.size(1), teacher.size(1)
        groups = math.gcd(hs, ht) if heads == "groups" else 1
        total, kept = 0.0, 0
        for b in range(B):
            for i in range(L - 1):
                if labels[b, i + 1] == -100:
                    continue
                kept += 1
                keys = [j for j in range(L) if mask[b, j] and j <= i]
                row = 0.0
                for g in range(groups):
                    srow = student[b, g * hs // groups : (g + 1) * hs // groups, i].mean(0)[keys]
                    trow = teacher[b, g * ht // groups : (g + 1) * ht // groups, i].mean(0)[keys]
                    if loss == "mse":
                        row = row + ((srow - trow) ** 2).sum()
                    else:
                        support = trow > 0
                        row = row + (trow[support] * (trow[support].log() - srow[support].log())).sum()
                total = total + row / groups
        values.append(total / kept)
    return sum(values) / len(values)


@pytest.mark.parametrize("loss", ["mse", "kl"])
@pytest.mark.parametrize(
    ("heads", "student_heads", "teacher_heads"), [("mean", 2, 3), ("groups", 2, 4), ("groups", 4, 6)]
)
def test_attention_transfer_matches_the_reference(loss, heads, student_heads, teacher_heads):
    labels, mask = _labels_and_mask()
    config = LossConfig(
        use_attention_transfer=True, attention_loss=loss, attention_heads=heads, attention_weight=1.0
    )
    module = AdvancedDistillationLoss(config, V, student_layers=2, teacher_layers=3)
    assert module.attention_layer_map == {0: 0, 1: 2}
    student_maps = [_maps(student_heads, mask, seed, requires_grad=True) for seed in (1, 2)]
    teacher_maps = [_maps(teacher_heads, mask, seed) for seed in (3, 4, 5)]
    logits, teacher_logits = torch.randn(B, L, V), torch.randn(B, L, V)
    _, parts = module(logits, teacher_logits, labels, student_attentions=student_maps,
                      teacher_attentions=teacher_maps, attention_mask=mask)  # fmt: skip
    value = parts["attention"]
    expected = reference_attention(
        student_maps, teacher_maps, module.attention_layer_map, labels, mask, loss, heads
    )
    assert value.item() == pytest.approx(expected.item(), rel=1e-5)
    # the gradient too (task and KD terms do not depend on the maps; attention_weight is 1)
    total, _ = module(logits, teacher_logits, labels, student_attentions=student_maps,
                      teacher_attentions=teacher_maps, attention_mask=mask)  # fmt: skip
    grads = torch.autograd.grad(total, student_maps)
    student64 = [m.detach().double().requires_grad_() for m in student_maps]
    ref = reference_attention(student64, teacher_maps, module.attention_layer_map, labels, mask, loss, heads)
    ref_grads = torch.autograd.grad(ref, student64)
    for grad, ref_grad in zip(grads, ref_grads, strict=True):
        torch.testing.assert_close(grad.double(), ref_grad, rtol=1e-4, atol=1e-7)


def test_attention_transfer_ignores_padding_future_keys_and_masked_rows():
    labels, mask = _labels_and_mask()
    config = LossConfig(use_attention_transfer=True, attention_layer_map={0: 1})
    module = AdvancedDistillationLoss(config, V, student_layers=1, teacher_layers=2)
    student = {0: _maps(2, mask, 1)}
    teacher = _maps(2, mask, 2)

    def attention(teacher_map):
        return module(torch.randn(B, L, V), torch.randn(B, L, V), labels, student_attentions=student,
                      teacher_attentions={1: teacher_map}, attention_mask=mask)[1]["attention"]  # fmt: skip

    reference = attention(teacher).item()
    assert reference > 0
    changed = teacher.clone()
    changed[1, :, :, -1] = 0.3  # a padded key column
    changed[0, :, 2, 4:] = 0.3  # future keys of a kept row
    changed[0, :, 0, :] = 0.3  # a row whose next label is masked (the prompt)
    changed[:, :, -1, :] = 0.3  # the last position predicts nothing
    assert attention(changed).item() == pytest.approx(reference, rel=1e-6)
    changed[0, :, 3, 1] += 0.1  # a kept row, a valid key
    assert attention(changed).item() != pytest.approx(reference, rel=1e-4)


def test_identical_attention_gives_zero():
    labels, mask = _labels_and_mask()
    for loss in ("mse", "kl"):
        module = AdvancedDistillationLoss(
            LossConfig(use_attention_transfer=True, attention_loss=loss),
            V,
            student_layers=1,
            teacher_layers=1,
        )
        maps = [_maps(4, mask, 7)]
        value = module(torch.randn(B, L, V), torch.randn(B, L, V), labels, student_attentions=maps,
                       teacher_attentions=maps, attention_mask=mask)[1]["attention"]  # fmt: skip
        assert value.item() == pytest.approx(0.0, abs=1e-7)


def reference_features(matcher, student_states, teacher_states, labels, loss):
    values = []
    for s, t in matcher.layer_map.items():
        weight = matcher.projections[str(s)].weight.double()
        total, kept = 0.0, 0
        for b in range(B):
            for i in range(L - 1):
                if labels[b, i + 1] == -100:
                    continue
                kept += 1
                x = weight @ student_states[s + 1][b, i].double()
                y = teacher_states[t + 1][b, i].double()
                if loss == "mse":
                    x = (x - x.mean()) / torch.sqrt(x.var(unbiased=False) + 1e-5)
                    y = (y - y.mean()) / torch.sqrt(y.var(unbiased=False) + 1e-5)
                    total = total + ((x - y) ** 2).mean()
                else:
                    total = total + 1 - (x @ y) / (x.norm() * y.norm())
        values.append(total / kept)
    return sum(values) / len(values)


@pytest.mark.parametrize("loss", ["mse", "cosine"])
def test_feature_matching_matches_the_reference(loss):
    labels, _ = _labels_and_mask()
    g = torch.Generator().manual_seed(0)
    matcher = FeatureMatcher(uniform_layer_map(2, 3), student_width=4, teacher_width=6, loss=loss)
    student_states = [torch.randn(B, L, 4, generator=g, requires_grad=True) for _ in range(3)]
    teacher_states = [torch.randn(B, L, 6, generator=g) * 5 for _ in range(4)]
    kept = KeptTokens.from_labels(labels)
    count = torch.tensor(float(len(kept)))
    value = matcher(student_states, teacher_states, kept, count)
    expected = reference_features(matcher, student_states, teacher_states, labels, loss)
    assert value.item() == pytest.approx(expected.item(), rel=1e-5)
    params = [student_states[1], student_states[2], *matcher.parameters()]
    grads = torch.autograd.grad(value, params)
    ref_grads = torch.autograd.grad(expected, params)
    for grad, ref_grad in zip(grads, ref_grads, strict=True):
        torch.testing.assert_close(grad, ref_grad.float(), rtol=1e-4, atol=1e-6)


def test_feature_projections_train_and_start_as_identity_for_equal_widths():
    labels, _ = _labels_and_mask()
    kept = KeptTokens.from_labels(labels)
    count = torch.tensor(float(len(kept)))
    matcher = FeatureMatcher({0: 0, 1: 2}, student_width=4, teacher_width=6)
    assert [tuple(p.shape) for p in matcher.parameters()] == [(6, 4), (6, 4)]
    student_states = [torch.randn(B, L, 4) for _ in range(3)]
    teacher_states = [torch.randn(B, L, 6) for _ in range(4)]
    before = matcher(student_states, teacher_states, kept, count)
    optimizer = torch.optim.Adam(matcher.parameters(), lr=0.05)
    for _ in range(100):
        optimizer.zero_grad()
        value = matcher(student_states, teacher_states, kept, count)
        value.backward()
        optimizer.step()
    assert value.item() < 0.5 * before.item()
    same = FeatureMatcher({0: 0}, 4, 4)
    states = [torch.randn(B, L, 4) for _ in range(2)]
    assert same(states, states, kept, count).item() == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("fields", "key"),
    [({"use_attention_transfer": True, "attention_layer_map": {0: 9}}, "loss.attention_layer_map"),
     ({"use_attention_transfer": True, "attention_layer_map": {5: 0}}, "loss.attention_layer_map"),
     ({"use_feature_matching": True, "feature_layer_map": {0: 4}}, "loss.feature_layer_map")],
)  # fmt: skip
def test_layer_maps_outside_the_models_fail_at_construction(fields, key):
    with pytest.raises(ConfigError) as error:
        AdvancedDistillationLoss(
            LossConfig(**fields),
            V,
            student_layers=2,
            teacher_layers=4,
            student_hidden_size=4,
            teacher_hidden_size=8,
        )
    assert str(error.value).startswith(key)


def test_uniform_layer_map_pairs_first_with_first_and_last_with_last():
    assert uniform_layer_map(4, 8) == {0: 0, 1: 2, 2: 5, 3: 7}
    assert uniform_layer_map(1, 5) == {0: 4}
    assert uniform_layer_map(32, 40)[31] == 39
