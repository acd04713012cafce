"""The memory-lean path: the task and KD terms from final hidden states and the ``lm_head`` weight.

The full path needs the ``[B, L, V]`` logits of both models and several float32 buffers of that size
(TRL's JSD: about 11 of them, 12 GB at 8,192 tokens x 32,016). Here only the kept positions are
projected, ``chunk_size`` rows at a time, in float32; each chunk's logits live only while that chunk
is processed. The gradient with respect to the chunk's logits is taken right there (the loss is a
scalar, so the backward pass only has to scale it) and turned into gradients for the hidden states
and, when it is trainable, the head: nothing of size V is kept for the backward pass, and a frozen
``lm_head`` gets no gradient buffer at all. The result equals the full path in value and gradient
(both call :meth:`LogitTerms.sums`).

Memory: the kept hidden rows and their gradient (``[N, H]``), a float32 copy of each head when the
head is in half precision (``V x H x 4`` bytes), and a few ``[chunk_size, V]`` float32 buffers.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

from distill.losses.logit_terms import KeptTokens, LogitTerms, TeacherRows
from distill.losses.sources import ProjectedLogits


@dataclass
class _Plan:
    """Everything the autograd function needs besides the tensors it differentiates."""

    targets: torch.Tensor
    teacher: TeacherRows | None
    terms: LogitTerms
    task_weight: float
    kd_weight: float
    count: torch.Tensor
    chunk_size: int
    grad_hidden: bool
    grad_weight: bool
    grad_bias: bool


class _ChunkedLogitLoss(torch.autograd.Function):
    """``(total, ce, kd)`` of the kept hidden rows ``[N, H]`` projected by ``weight``/``bias``;
    only ``total`` is differentiable (``ce`` and ``kd`` are for logging)."""

    @staticmethod
    def forward(ctx, hidden, weight, bias, plan: _Plan):
        rows = hidden.size(0)
        weight32 = weight.float()
        bias32 = bias.float() if bias is not None else None
        grad_hidden = torch.zeros_like(hidden) if plan.grad_hidden else None
        grad_weight = torch.zeros_like(weight32) if plan.grad_weight else None
        grad_bias = torch.zeros_like(bias32) if plan.grad_bias else None
        needs_grad = plan.grad_hidden or plan.grad_weight or plan.grad_bias
        ce_total = torch.zeros((), device=hidden.device)
        kd_total = torch.zeros((), device=hidden.device)
        for start in range(0, rows, plan.chunk_size):
            end = min(start + plan.chunk_size, rows)
            chunk = hidden[start:end].float()
            logits = F.linear(chunk, weight32, bias32).requires_grad_(needs_grad)
            teacher = plan.teacher.rows(start, end) if plan.teacher is not None else None
            with torch.enable_grad() if needs_grad else torch.no_grad():
                ce, kd = plan.terms.sums(logits, plan.targets[start:end], teacher)
                weighted = plan.task_weight * ce
                if kd is not None:
                    weighted = weighted + plan.kd_weight * kd
                weighted = weighted / plan.count
            if needs_grad:
                (grad_logits,) = torch.autograd.grad(weighted, logits)
                if grad_hidden is not None:
                    grad_hidden[start:end] = grad_logits @ weight32
                if grad_weight is not None:
                    grad_weight.addmm_(grad_logits.T, chunk)
                if grad_bias is not None:
                    grad_bias += grad_logits.sum(0)
            ce_total += ce.detach()
            if kd is not None:
                kd_total += kd.detach()
        ctx.save_for_backward(
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
        grads = tuple(None if g is None else g * grad_total.to(g.dtype) for g in ctx.saved_tensors)
        return (*grads, None)


def chunked_logit_terms(
    student: ProjectedLogits,
    kept: KeptTokens,
    teacher: TeacherRows | None,
    terms: LogitTerms,
    task_weight: float,
    kd_weight: float,
    count: torch.Tensor,
    chunk_size: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """``(task_weight * CE + kd_weight * KD, CE, KD)``, each summed over the kept tokens and divided by
    ``count``; KD is None without a teacher. Differentiable in the hidden states and, where they
    require it, the head's weight and bias."""
    hidden = student.hidden.flatten(0, 1)[kept.index]
    grad_enabled = torch.is_grad_enabled()
    plan = _Plan(
        targets=kept.targets,
        teacher=teacher,
        terms=terms,
        task_weight=task_weight,
        kd_weight=kd_weight if teacher is not None else 0.0,
        count=count,
        chunk_size=chunk_size,
        grad_hidden=grad_enabled and hidden.requires_grad,
        grad_weight=grad_enabled and student.weight.requires_grad,
        grad_bias=grad_enabled and student.bias is not None and student.bias.requires_grad,
    )
    with torch.autocast(hidden.device.type, enabled=False):  # float32 arithmetic under mixed precision
        total, ce, kd = _ChunkedLogitLoss.apply(hidden, student.weight, student.bias, plan)
    return total, ce, kd if teacher is not None else None
