"""The memory-lean path: the task and KD terms from final hidden states and the ``lm_head`` weight.

The full path needs the ``[B, L, V]`` logits of both models and several float32 buffers of that size
(TRL's JSD: about 11 of them, 12 GB at 8,192 tokens x 32,016). Here only the kept positions are
projected, ``chunk_size`` rows at a time, in float32; each chunk's logits live only while that chunk
is processed. The gradient with respect to the chunk's logits is taken right there (the loss is a
scalar, so the backward pass only has to scale it) and turned into gradients for the hidden states
and, when it is trainable, the head: nothing of size V is kept for the backward pass, and a frozen
``lm_head`` gets no gradient buffer at all.

Per chunk, with a dense teacher (logits or projected), the terms and their gradient are computed in
closed form and in place (:mod:`distill.losses.closed_form`): no autograd graph; the student's logits
buffer becomes the gradient, the teacher's its log-probabilities, and the teacher's chunk is freed
before the next one is projected. A top-k teacher goes through autograd over :meth:`LogitTerms.sums`
(the definition both paths share). Either way the result equals the full path in value and gradient.

Memory (bytes; N kept rows of B * L positions, C = ``chunk_size``): the gradient of the hidden states,
written straight into one ``[B * L, H]`` buffer of their dtype (scaled in place by the backward pass);
per chunk the gathered hidden rows ``[C, H]`` (and their float32 cast for half-precision models), the
student's and the teacher's logits and one to three more float32 ``[C, V]`` buffers (``jsd``: three);
and a float32 copy of each half-precision head, made once per head and device and reused
(:class:`~distill.losses.heads.Float32Heads`), or cast per call for a trainable head.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

from distill.losses.closed_form import dense_terms_with_grad
from distill.losses.heads import Float32Heads
from distill.losses.logit_terms import KeptTokens, LogitTerms, TeacherRows, TopKRows
from distill.losses.sources import ProjectedLogits

BACKWARD_ONCE = (
    "the memory-lean loss hands its gradient over in the first backward pass (it is scaled in place "
    "and not kept): backpropagate it once, without retain_graph, or compute the loss again"
)


@dataclass
class _Plan:
    """Everything the autograd function needs besides the tensors it differentiates."""

    index: torch.Tensor  # [N], kept positions into the flattened [B * L] hidden states
    targets: torch.Tensor
    teacher: TeacherRows | None
    terms: LogitTerms
    task_weight: float
    kd_weight: float
    count: torch.Tensor
    chunk_size: int
    heads: Float32Heads
    grad_hidden: bool
    grad_weight: bool
    grad_bias: bool


def _autograd_chunk(
    logits: torch.Tensor,
    targets: torch.Tensor,
    teacher: TopKRows,
    plan: _Plan,
    needs_grad: bool,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """A chunk against a top-k teacher: autograd over :meth:`LogitTerms.sums`."""
    logits.requires_grad_(needs_grad)
    with torch.enable_grad() if needs_grad else torch.no_grad():
        ce, kd = plan.terms.sums(logits, targets, teacher)
        weighted = (plan.task_weight * ce + plan.kd_weight * kd) / plan.count
    grad = torch.autograd.grad(weighted, logits)[0] if needs_grad else None
    return ce.detach(), kd.detach(), grad


class _ChunkedLogitLoss(torch.autograd.Function):
    """``(total, ce, kd)`` of the rows ``plan.index`` of the hidden states ``[B * L, H]`` projected by
    ``weight``/``bias``; only ``total`` is differentiable (``ce`` and ``kd`` are for logging)."""

    @staticmethod
    def forward(ctx, hidden, weight, bias, plan: _Plan):
        rows = plan.index.numel()
        weight32 = plan.heads.float32(weight).detach()
        bias32 = plan.heads.float32(bias).detach() if bias is not None else None
        grad_hidden = torch.zeros_like(hidden) if plan.grad_hidden else None
        grad_weight = torch.zeros_like(weight32) if plan.grad_weight else None
        grad_bias = torch.zeros_like(bias32) if plan.grad_bias else None
        needs_grad = plan.grad_hidden or plan.grad_weight or plan.grad_bias
        task_scale = plan.task_weight / plan.count
        kd_scale = plan.kd_weight / plan.count
        terms = plan.terms
        ce_total = torch.zeros((), device=hidden.device)
        kd_total = torch.zeros((), device=hidden.device)
        for start in range(0, rows, plan.chunk_size):
            end = min(start + plan.chunk_size, rows)
            index = plan.index[start:end]
            chunk = hidden.index_select(0, index).float()
            logits = F.linear(chunk, weight32, bias32)
            if grad_weight is None:
                del chunk
            teacher = [plan.teacher.rows(start, end)] if plan.teacher is not None else [None]
            targets = plan.targets[start:end]
            if isinstance(teacher[0], TopKRows):
                ce, kd, grad_logits = _autograd_chunk(logits, targets, teacher.pop(), plan, needs_grad)
            else:
                ce, kd, grad_logits = dense_terms_with_grad(
                    logits,
                    targets,
                    teacher.pop(),  # handed over: the teacher's logits are freed once consumed
                    terms.temperature,
                    terms.divergence,
                    terms.beta,
                    terms.alpha,
                    terms.t2_scaling,
                    task_scale,
                    kd_scale,
                    need_grad=needs_grad,
                )
            del logits
            if grad_hidden is not None:
                grad_hidden.index_copy_(0, index, (grad_logits @ weight32).to(grad_hidden.dtype))
            if grad_weight is not None:
                grad_weight.addmm_(grad_logits.T, chunk)
                del chunk
            if grad_bias is not None:
                grad_bias += grad_logits.sum(0)
            del grad_logits
            ce_total += ce
            if kd is not None:
                kd_total += kd
        # Held on ctx, not saved: the backward pass scales them in place and lets go of them.
        ctx.grads = (
            grad_hidden,
            grad_weight.to(weight.dtype) if grad_weight is not None else None,
            grad_bias.to(bias.dtype) if grad_bias is not None else None,
        )
        ce_mean, kd_mean = ce_total / plan.count, kd_total / plan.count
        total = plan.task_weight * ce_mean + plan.kd_weight * kd_mean
        ctx.mark_non_differentiable(ce_mean, kd_mean)
        return total, ce_mean, kd_mean

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_total, _grad_ce, _grad_kd):
        grads, ctx.grads = ctx.grads, None
        if grads is None:
            raise RuntimeError(BACKWARD_ONCE)
        # in place, the product rounded once (a half-precision gradient times a float32 scalar)
        scaled = tuple(None if g is None else g.mul_(grad_total) for g in grads)
        del grads
        return (*scaled, None)


def chunked_logit_terms(
    student: ProjectedLogits,
    kept: KeptTokens,
    teacher: TeacherRows | None,
    terms: LogitTerms,
    task_weight: float,
    kd_weight: float,
    count: torch.Tensor,
    chunk_size: int,
    heads: Float32Heads | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """``(task_weight * CE + kd_weight * KD, CE, KD)``, each summed over the kept tokens and divided by
    ``count``; KD is None without a teacher. Differentiable in the hidden states and, where they
    require it, the head's weight and bias. ``heads`` keeps the float32 copies of frozen half-precision
    heads between calls (the loss module owns one)."""
    hidden = student.hidden.flatten(0, 1)
    grad_enabled = torch.is_grad_enabled()
    plan = _Plan(
        index=kept.index,
        targets=kept.targets,
        teacher=teacher,
        terms=terms,
        task_weight=task_weight,
        kd_weight=kd_weight if teacher is not None else 0.0,
        count=count,
        chunk_size=chunk_size,
        heads=heads if heads is not None else Float32Heads(),
        grad_hidden=grad_enabled and hidden.requires_grad,
        grad_weight=grad_enabled and student.weight.requires_grad,
        grad_bias=grad_enabled and student.bias is not None and student.bias.requires_grad,
    )
    with torch.autocast(hidden.device.type, enabled=False):  # float32 arithmetic under mixed precision
        total, ce, kd = _ChunkedLogitLoss.apply(hidden, student.weight, student.bias, plan)
    return total, ce, kd if teacher is not None else None
