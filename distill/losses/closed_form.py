"""The task and KD terms of one chunk of rows with a dense teacher, and their gradient with respect to the
student's logits, in closed form and in place: what the memory-lean path runs for every chunk.

:meth:`LogitTerms.sums <distill.losses.logit_terms.LogitTerms.sums>` defines the terms and autograd
differentiates it; here the same sums are computed and differentiated by hand, so that no autograd graph
(about seven ``[n, V]`` float32 tensors saved for the generalized JSD) exists and the logits and teacher
buffers are overwritten as they are consumed. The peak is the student's logits (which become the
gradient), the teacher's log-probabilities (its logits are freed once those exist) and one (``tvd``), two
(the KLs) or three (``jsd``, ``skew_*``) more ``[n, V]`` float32 buffers, plus a boolean mask. The
log-softmax and cross-entropy kernels are those of ``LogitTerms.sums``, so values agree with the full
path to float32 rounding (tested against autograd over ``LogitTerms.sums`` and against float64
references, for every divergence, temperature, vocabulary mismatch and ``-inf`` teacher logits).

With p_S = softmax(z_S / T) over the shared vocabulary, q = log p_S, and D the divergence, the gradient is
taken in two steps: G = dD/dq treating q as free (each divergence below), then through the log-softmax,
dD/dz_S = (G - p_S sum(G)) / T. Writing m for the mixture where there is one:

- ``forward_kl``: G = -p_T;
- ``reverse_kl``: G = p_S (q - log p_T + 1);
- ``jsd`` (beta): G = (1 - beta) p_S (q - log m), m = beta p_T + (1 - beta) p_S;
- ``skew_forward`` (alpha): G = -(1 - alpha) p_S p_T / m, m = alpha p_T + (1 - alpha) p_S;
- ``skew_reverse`` (alpha): G = p_S (q + 1 - log m - alpha p_S / m), m = alpha p_S + (1 - alpha) p_T;
- ``tvd``: G = 1/2 p_S sign(p_S - p_T).

The task term's gradient is softmax(z_S) - onehot(target) (untempered). Mixtures are clamped at the
smallest normal float32 as in :mod:`distill.losses.divergences` (where the clamp acts, the gradient
through it is taken as if it did not: both are below 1e-37 there).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from distill.config.loss import DIVERGENCES
from distill.losses.divergences import TINY


def _row_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``(a * b).sum(-1)`` without an ``[n, V]`` product."""
    return torch.bmm(a.unsqueeze(1), b.unsqueeze(2)).view(a.size(0))


def _normalised_name(divergence: str, beta: float, alpha: float) -> str:
    """The divergence actually computed, with the end points of ``beta`` / ``alpha`` resolved (as
    :func:`distill.losses.divergences.token_divergence` does)."""
    if divergence == "jsd" and beta == 0.0:
        return "forward_kl"
    if divergence == "jsd" and beta == 1.0:
        return "reverse_kl"
    if divergence == "skew_forward" and alpha == 0.0:
        return "forward_kl"
    if divergence == "skew_reverse" and alpha == 0.0:
        return "reverse_kl"
    if divergence not in DIVERGENCES:
        raise ValueError(
            f"loss.divergence: unknown divergence {divergence!r}, expected one of {list(DIVERGENCES)}"
        )
    return divergence


def divergence_and_grad(
    q: torch.Tensor, lt: torch.Tensor, divergence: str, beta: float = 0.5, alpha: float = 0.1
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(sum over rows of the divergence, dD/ds)`` for student log-probabilities ``q`` and teacher
    log-probabilities ``lt`` (both ``[n, S]``, float32), s the tempered student logits (``q =
    log_softmax(s)``). Both inputs are consumed (overwritten); the gradient lives in one of their
    buffers or in a new one."""
    name = _normalised_name(divergence, beta, alpha)
    if name == "forward_kl":  # sum p_T (lt - q); G = -p_T
        pt = lt.exp()
        value = lt.sub_(q).mul_(pt).masked_fill_(pt == 0, 0.0).sum(-1).sum()
        p = q.exp_()
        grad = pt.neg_()
    elif name == "reverse_kl":  # sum p_S (q - lt); G = p_S (q - lt + 1)
        p = q.exp()
        terms = q.sub_(lt).mul_(p).masked_fill_(p == 0, 0.0)
        value = terms.sum(-1).sum()
        grad = terms.add_(p)
    elif name == "jsd":
        pt = lt.exp()
        p = q.exp_()  # q itself is recomputed below as log p_S
        log_m = torch.mul(p, 1.0 - beta).add_(pt, alpha=beta).clamp_min_(TINY).log_()
        teacher_rows = lt.sub_(log_m).mul_(pt).masked_fill_(pt == 0, 0.0).sum(-1)
        del pt
        d = torch.log(p, out=lt).sub_(log_m)  # log p_S - log m, in the teacher's buffer
        del log_m
        grad = d.mul_(p).masked_fill_(p == 0, 0.0)
        value = (beta * teacher_rows + (1.0 - beta) * grad.sum(-1)).sum()
        grad.mul_(1.0 - beta)
    elif name == "skew_forward":  # sum p_T (lt - log m); G = -(1 - alpha) p_S p_T / m
        pt = lt.exp()
        p = q.exp_()
        m = torch.mul(p, 1.0 - alpha).add_(pt, alpha=alpha).clamp_min_(TINY)
        value = lt.sub_(m.log_()).mul_(pt).masked_fill_(pt == 0, 0.0).sum(-1).sum()
        grad = torch.mul(pt, p, out=lt).div_(m.exp_()).mul_(-(1.0 - alpha))
        del pt, m
    elif name == "skew_reverse":  # sum p_S (q - log m); G = p_S (q + 1 - log m - alpha p_S / m)
        p = q.exp()
        pt = lt.exp_()
        m = torch.mul(p, alpha).add_(pt, alpha=1.0 - alpha).clamp_min_(TINY)
        d = q.sub_(torch.log(m, out=pt)).masked_fill_(p == 0, 0.0)  # q - log m
        value = _row_dot(p, d).sum()
        grad = torch.div(p, m, out=pt).mul_(-alpha).add_(d).add_(1.0).mul_(p)
        del d, m
    elif name == "tvd":  # 1/2 sum |p_S - p_T|; G = 1/2 p_S sign(p_S - p_T)
        p = q.exp_()
        difference = lt.exp_().neg_().add_(p)
        value = 0.5 * torch.linalg.vector_norm(difference, 1, dim=-1).sum()
        grad = difference.sign_().mul_(p).mul_(0.5)
    else:  # pragma: no cover - _normalised_name refuses unknown names
        raise AssertionError(name)
    # through the log-softmax: G - p_S sum(G)
    return value, grad.addcmul_(p, grad.sum(-1, keepdim=True), value=-1.0)


def dense_terms_with_grad(
    logits: torch.Tensor,
    targets: torch.Tensor,
    teacher_logits: torch.Tensor | None,
    temperature: float,
    divergence: str = "forward_kl",
    beta: float = 0.5,
    alpha: float = 0.1,
    t2_scaling: bool = True,
    task_scale: float | torch.Tensor = 1.0,
    kd_scale: float | torch.Tensor = 1.0,
    need_grad: bool = True,
) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """``(sum of CE, sum of KD or None, gradient or None)`` of float32 rows ``logits`` [n, V] against a
    dense teacher (``teacher_logits`` [n, Vt], any float dtype; None: CE only): the sums of
    :meth:`LogitTerms.sums`, computed with the same log-softmax and cross-entropy kernels. The gradient,
    of ``task_scale * CE + kd_scale * KD`` with respect to ``logits``, is written into ``logits`` itself;
    ``teacher_logits`` is overwritten too and let go of as soon as its log-probabilities exist. Pass
    buffers the caller owns (fresh projections or gathered rows), the teacher's without keeping a
    reference to it, so that it can be freed early."""
    rows, vocab = logits.shape
    ce = F.cross_entropy(logits, targets, reduction="sum")
    q = None
    if teacher_logits is not None:
        shared = min(vocab, teacher_logits.size(-1))
        student = logits[:, :shared]
        q = F.log_softmax(student / temperature if temperature != 1.0 else student, dim=-1)
        del student
    grad = None
    if need_grad:  # the task term's gradient, softmax(z) - onehot, in the logits' own buffer
        grad = logits.sub_(torch.logsumexp(logits, -1, keepdim=True)).exp_()
        grad.scatter_add_(1, targets[:, None], torch.full((rows, 1), -1.0, device=grad.device))
        grad.mul_(task_scale)
    if teacher_logits is None:
        return ce, None, grad
    teacher = teacher_logits[:, :shared]
    del teacher_logits
    teacher = teacher.float() if teacher.dtype != torch.float32 else teacher
    lt = F.log_softmax(teacher.div_(temperature) if temperature != 1.0 else teacher, dim=-1)
    del teacher  # the teacher's logits go; its log-probabilities stay
    kd, kd_grad = divergence_and_grad(q, lt, divergence, beta, alpha)
    del q, lt
    scale = temperature**2 if t2_scaling else 1.0
    if grad is not None:
        grad[:, :shared].add_(kd_grad.mul_(kd_scale * (scale / temperature)))
    return ce, kd * scale, grad
