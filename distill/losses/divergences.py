"""Named divergences between the student's and the teacher's token distributions.

Argument order is always ``(student_logp, teacher_logp)``: log-probabilities over the same outcomes
(the last dimension), one value per row. Libraries disagree on the direction of "KL" and on which
end of a mixture coefficient means what; ours, with p_T the teacher and p_S the student:

- ``forward_kl``: KL(p_T || p_S) = sum_v p_T (log p_T - log p_S). Mean-seeking; Hinton's KD, the default.
- ``reverse_kl``: KL(p_S || p_T). Mode-seeking.
- ``jsd`` (``beta``): the generalized Jensen-Shannon divergence of GKD (TRL's ``generalized_jsd_loss``):
  with M = beta p_T + (1 - beta) p_S, JSD_beta = beta KL(p_T || M) + (1 - beta) KL(p_S || M).
  ``beta = 0`` is exactly ``forward_kl`` and ``beta = 1`` exactly ``reverse_kl`` (special-cased, as TRL,
  Liger and Axolotl do): the mixture formula itself tends to 0 at both ends, so a beta near 0 or 1 is a
  weak signal, not an approximation of the KLs.
- ``skew_forward`` (``alpha``): KL(p_T || alpha p_T + (1 - alpha) p_S) (DistiLLM's skew KL); alpha = 0
  is ``forward_kl``.
- ``skew_reverse`` (``alpha``): KL(p_S || alpha p_S + (1 - alpha) p_T) (DistiLLM's skew reverse KL);
  alpha = 0 is ``reverse_kl``.
- ``tvd``: total variation, 1/2 sum_v |p_S - p_T|.

Zero-probability outcomes (``-inf`` log-probabilities, e.g. a masked teacher vocabulary) contribute 0
and never a NaN, in value or gradient; a KL whose second argument is 0 where the first is not is +inf
(e.g. ``reverse_kl`` where the teacher forbids a token the student allows).
"""

from __future__ import annotations

import torch

from distill.config.loss import DIVERGENCES

TINY = torch.finfo(torch.float32).tiny


def _where_positive(logp: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """``logp`` where ``p > 0``, else 0: keeps ``0 * -inf`` out of values and gradients."""
    return torch.where(p > 0, logp, 0.0)


def kl_divergence(p_logp: torch.Tensor, q_logp: torch.Tensor) -> torch.Tensor:
    """KL(p || q) per row, with 0 log 0 = 0."""
    p = p_logp.exp()
    return (p * (_where_positive(p_logp, p) - _where_positive(q_logp, p))).sum(-1)


def _kl_to_mixture(p_logp: torch.Tensor, p: torch.Tensor, mixture_log: torch.Tensor) -> torch.Tensor:
    """KL(p || M) per row for a mixture M that includes p (so M > 0 wherever p > 0)."""
    return (p * (_where_positive(p_logp, p) - mixture_log)).sum(-1)


def _log_mixture(a: torch.Tensor, b: torch.Tensor, a_weight: float) -> torch.Tensor:
    """log(w a + (1 - w) b) of two probability tensors; clamped at the smallest normal float32 so that
    an entry where both underflow to 0 stays finite (it is multiplied by 0)."""
    return (a_weight * a + (1.0 - a_weight) * b).clamp_min(TINY).log()


def token_divergence(
    student_logp: torch.Tensor,
    teacher_logp: torch.Tensor,
    divergence: str,
    beta: float = 0.5,
    alpha: float = 0.1,
) -> torch.Tensor:
    """The named divergence per row (see the module docstring for the definitions)."""
    if divergence == "forward_kl" or (divergence == "jsd" and beta == 0.0):
        return kl_divergence(teacher_logp, student_logp)
    if divergence == "reverse_kl" or (divergence == "jsd" and beta == 1.0):
        return kl_divergence(student_logp, teacher_logp)
    student_p, teacher_p = student_logp.exp(), teacher_logp.exp()
    if divergence == "jsd":
        mixture = _log_mixture(teacher_p, student_p, beta)
        return beta * _kl_to_mixture(teacher_logp, teacher_p, mixture) + (1 - beta) * _kl_to_mixture(
            student_logp, student_p, mixture
        )
    if divergence == "skew_forward":
        if alpha == 0.0:
            return kl_divergence(teacher_logp, student_logp)
        return _kl_to_mixture(teacher_logp, teacher_p, _log_mixture(teacher_p, student_p, alpha))
    if divergence == "skew_reverse":
        if alpha == 0.0:
            return kl_divergence(student_logp, teacher_logp)
        return _kl_to_mixture(student_logp, student_p, _log_mixture(student_p, teacher_p, alpha))
    if divergence == "tvd":
        return 0.5 * (student_p - teacher_p).abs().sum(-1)
    raise ValueError(
        f"loss.divergence: unknown divergence {divergence!r}, expected one of {list(DIVERGENCES)}"
    )
