"""Feature matching: the student's hidden states, projected to the teacher's width, pulled towards
the teacher's at the kept positions of mapped layer pairs.

One bias-free ``nn.Linear(student_width, teacher_width)`` per pair, identity-initialised when the
widths are equal and Xavier-initialised otherwise (4096 -> 5120 or 8192); the projections train with
the student (they are parameters of the loss module: in the optimizer, in checkpoints, and saved next
to the adapter). ``loss="mse"`` compares layer-normalised vectors (mean squared difference over the
width; the normalisation makes the term independent of the two models' activation scales),
``loss="cosine"`` is 1 - cosine similarity. Per position values are summed over the kept positions,
divided by the kept-token count, and averaged over the pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from distill.config.loss import FEATURE_LOSSES
from distill.losses.logit_terms import KeptTokens


class FeatureMatcher(nn.Module):
    def __init__(
        self, layer_map: dict[int, int], student_width: int, teacher_width: int, loss: str = "mse"
    ) -> None:
        super().__init__()
        if loss not in FEATURE_LOSSES:
            raise ValueError(
                f"loss.feature_loss: unknown loss {loss!r}, expected one of {list(FEATURE_LOSSES)}"
            )
        self.layer_map = dict(layer_map)
        self.loss = loss
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
        student_hidden_states: Sequence[torch.Tensor | None],
        teacher_hidden_states: Sequence[torch.Tensor | None],
        kept: KeptTokens,
        count: torch.Tensor,
    ) -> torch.Tensor:
        """Hidden-state tuples as Hugging Face returns them: index 0 is the embeddings, i + 1 layer i
        (entries of layers that are not mapped may be None)."""
        losses = []
        for s, t in self.layer_map.items():
            student = student_hidden_states[s + 1].flatten(0, 1)[kept.index].float()
            teacher = teacher_hidden_states[t + 1].flatten(0, 1)[kept.index].float().detach()
            student = self.projections[str(s)](student)
            if self.loss == "mse":
                student = F.layer_norm(student, student.shape[-1:])
                teacher = F.layer_norm(teacher, teacher.shape[-1:])
                per_position = ((student - teacher) ** 2).mean(-1)
            else:
                per_position = 1.0 - F.cosine_similarity(student, teacher, dim=-1)
            losses.append(per_position.sum() / count)
        return torch.stack(losses).mean()
