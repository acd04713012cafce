"""Divergences between the teacher's and the student's token distributions.

Argument order is always (student, teacher), as log-probabilities over the same vocabulary, and
the result is one value per token:

- ``forward_kl``: KL(teacher || student) = sum_v p_T(v) (log p_T(v) - log p_S(v)); mean-seeking,
  Hinton's KD and the default;
- ``reverse_kl``: KL(student || teacher) = sum_v p_S(v) (log p_S(v) - log p_T(v)); mode-seeking.

Zero-probability entries (``-inf`` log-probabilities, e.g. a masked vocabulary) contribute 0, not NaN.
"""

from __future__ import annotations

import torch


def _kl(p_logp: torch.Tensor, q_logp: torch.Tensor) -> torch.Tensor:
    """KL(p || q) per row, with 0 * log 0 = 0."""
    p = p_logp.exp()
    terms = torch.where(p > 0, p * (p_logp - q_logp), torch.zeros_like(p))
    return terms.sum(-1)


def token_divergence(student_logp: torch.Tensor, teacher_logp: torch.Tensor, divergence: str) -> torch.Tensor:
    if divergence == "forward_kl":
        return _kl(teacher_logp, student_logp)
    if divergence == "reverse_kl":
        return _kl(student_logp, teacher_logp)
    raise ValueError(f"loss.divergence: unknown divergence {divergence!r}")
