"""Attention transfer: the student's attention distributions pulled towards the teacher's.

Each row of an attention map (one query position) is a distribution over the keys. For every mapped
layer pair the heads are reduced to comparable groups, the rows of the kept positions are compared,
summed and divided by the kept-token count; the pairs are averaged.

- ``heads="mean"``: all heads averaged on each side (any head counts, e.g. 32 vs 40);
- ``heads="groups"``: g = gcd(H_student, H_teacher) groups of consecutive heads, averaged within a
  group, compared group by group (32 vs 64: each student head against a pair of teacher heads);
- ``loss="mse"``: sum over keys of the squared difference, averaged over groups;
  ``loss="kl"``: KL(teacher row || student row), averaged over groups.

Only keys that are not padding and not in the future (j <= i) are compared. A student probability
that underflows to 0 where the teacher's is not is clamped to the smallest float32 for the KL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch

from distill.config.loss import ATTENTION_LOSSES
from distill.losses.divergences import kl_divergence
from distill.losses.logit_terms import KeptTokens


def _kept_rows(maps: torch.Tensor, groups: int, rows_b: torch.Tensor, rows_i: torch.Tensor) -> torch.Tensor:
    """``[B, H, L, L]`` -> head groups averaged in float32 -> the kept query rows ``[N, G, L]``."""
    grouped = maps.unflatten(1, (groups, maps.size(1) // groups)).mean(2, dtype=torch.float32)
    return grouped[rows_b, :, rows_i, :]


def attention_transfer_loss(
    student_maps: Mapping[int, torch.Tensor],
    teacher_maps: Mapping[int, torch.Tensor],
    layer_map: dict[int, int],
    kept: KeptTokens,
    attention_mask: torch.Tensor,
    count: torch.Tensor,
    loss: str = "mse",
    heads: str = "mean",
) -> torch.Tensor:
    """Maps are indexed by layer number (student layers for ``student_maps``, teacher layers for
    ``teacher_maps``), each ``[B, H, L, L]``."""
    length = attention_mask.size(1)
    rows_b, rows_i = kept.index // length, kept.index % length
    keys = attention_mask.bool()[rows_b] & (
        torch.arange(length, device=rows_i.device)[None, :] <= rows_i[:, None]
    )
    keys = keys[:, None, :]  # [N, 1, L], broadcast over groups
    losses = []
    for s, t in layer_map.items():
        student, teacher = student_maps[s], teacher_maps[t].detach()
        groups = math.gcd(student.size(1), teacher.size(1)) if heads == "groups" else 1
        student_rows = _kept_rows(student, groups, rows_b, rows_i)
        teacher_rows = _kept_rows(teacher, groups, rows_b, rows_i)
        if loss == "mse":
            per_row = ((student_rows - teacher_rows) ** 2 * keys).sum(-1)
        elif loss == "kl":
            tiny = torch.finfo(torch.float32).tiny
            teacher_logp = teacher_rows.log().masked_fill(~keys, -torch.inf)
            student_logp = student_rows.clamp_min(tiny).log().masked_fill(~keys, -torch.inf)
            per_row = kl_divergence(teacher_logp, student_logp)
        else:
            raise ValueError(
                f"loss.attention_loss: unknown loss {loss!r}, expected one of {list(ATTENTION_LOSSES)}"
            )
        losses.append(per_row.mean(-1).sum() / count)
    return torch.stack(losses).mean()
