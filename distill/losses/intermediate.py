"""Intermediate-layer terms: attention transfer and feature matching over a student->teacher layer map."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn


def uniform_layer_map(student_layers: int, teacher_layers: int) -> dict[int, int]:
    """Student layer i -> teacher layer round(i (Lt - 1) / (Ls - 1)): first to first, last to last."""
    if student_layers == 1:
        return {0: teacher_layers - 1}
    return {i: round(i * (teacher_layers - 1) / (student_layers - 1)) for i in range(student_layers)}


def check_layer_map(layer_map: dict[int, int], student_layers: int, teacher_layers: int, key: str) -> None:
    for s, t in layer_map.items():
        if not (0 <= s < student_layers and 0 <= t < teacher_layers):
            raise ValueError(
                f"{key}: pair {s}->{t} is outside the models (student has {student_layers} layers, "
                f"teacher {teacher_layers})"
            )


def attention_transfer_loss(
    student_attentions: Sequence[torch.Tensor],
    teacher_attentions: Sequence[torch.Tensor],
    layer_map: dict[int, int],
    attention_mask: torch.Tensor,
) -> torch.Tensor:
    """Squared error between head-averaged attention maps ([B, H, L, L] each, head counts may differ),
    summed over valid keys, averaged over valid query positions and over the mapped layer pairs."""
    valid = attention_mask.bool()
    pair_mask = (valid[:, :, None] & valid[:, None, :]).float()
    rows = valid.sum().clamp(min=1)
    losses = []
    for s, t in layer_map.items():
        student = student_attentions[s].float().mean(dim=1)
        teacher = teacher_attentions[t].float().mean(dim=1).detach()
        losses.append((((student - teacher) ** 2) * pair_mask).sum() / rows)
    return torch.stack(losses).mean()


class FeatureMatcher(nn.Module):
    """MSE between layer-normalised hidden states of mapped layers, through a learned bias-free
    projection per pair (identity-initialised when the widths are equal). The projections train
    with the student and are saved next to the adapter."""

    def __init__(self, layer_map: dict[int, int], student_width: int, teacher_width: int) -> None:
        super().__init__()
        self.layer_map = dict(layer_map)
        self.projections = nn.ModuleDict()
        for s in self.layer_map:
            projection = nn.Linear(student_width, teacher_width, bias=False)
            if student_width == teacher_width:
                nn.init.eye_(projection.weight)
            else:
                nn.init.xavier_uniform_(projection.weight)
            self.projections[str(s)] = projection

    def forward(
        self,
        student_hidden_states: Sequence[torch.Tensor],
        teacher_hidden_states: Sequence[torch.Tensor],
        attention_mask: torch.Tensor,
    ) -> torch.Tensor:
        """Hidden-state tuples as Hugging Face returns them: index 0 is the embeddings, i + 1 layer i."""
        valid = attention_mask.bool()
        losses = []
        for s, t in self.layer_map.items():
            student = self.projections[str(s)](student_hidden_states[s + 1][valid].float())
            teacher = teacher_hidden_states[t + 1][valid].float().detach()
            student = F.layer_norm(student, student.shape[-1:])
            teacher = F.layer_norm(teacher, teacher.shape[-1:])
            losses.append(F.mse_loss(student, teacher))
        return torch.stack(losses).mean()
