"""The task and KD terms on rows of logits: the one definition both paths share.

The full path calls :meth:`LogitTerms.sums` once on every kept row and autograd differentiates it; the
memory-lean path (:mod:`distill.losses.chunked`) computes the same sums chunk by chunk, with a dense
teacher in closed form (:mod:`distill.losses.closed_form`, tested against this), with a top-k teacher
by calling it. Rows are the *kept* positions: position i
(whose logits predict the label at i + 1) is kept when ``labels[i + 1] != -100``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from distill.config.loss import RENORMALIZE_REVERSE_KL, is_reverse_kl
from distill.losses.divergences import token_divergence
from distill.losses.heads import Float32Heads
from distill.losses.sources import ProjectedLogits, TopKLogProbs

IGNORE_INDEX = -100
TAIL_FLOOR = 1e-6  # the least probability a top-k teacher's tail bucket gets (see LogitTerms._sparse)


@dataclass
class KeptTokens:
    """Flat indices (into ``B * L``) of the positions whose next label is kept, and those labels."""

    index: torch.Tensor  # [N], position b * L + i
    targets: torch.Tensor  # [N], labels[b, i + 1]

    @classmethod
    def from_labels(cls, labels: torch.Tensor) -> KeptTokens:
        kept = torch.zeros_like(labels, dtype=torch.bool)
        kept[:, :-1] = labels[:, 1:] != IGNORE_INDEX
        index = kept.flatten().nonzero().squeeze(1)
        return cls(index, labels.flatten()[index + 1])

    def __len__(self) -> int:
        return self.index.numel()


@dataclass
class TopKRows:
    """Rows of a sparse teacher: top-k ids (int64) and log-probabilities captured at ``temperature``."""

    ids: torch.Tensor  # [n, k]
    logprobs: torch.Tensor  # [n, k], float32
    temperature: float
    vocab_size: int | None = None  # the teacher's, when known

    @classmethod
    def from_logits(cls, logits: torch.Tensor, k: int, temperature: float) -> TopKRows:
        logprobs, ids = F.log_softmax(logits.float() / temperature, dim=-1).topk(k, dim=-1)
        return cls(ids, logprobs, temperature, logits.size(-1))


class TeacherRows:
    """The teacher at the kept positions, materialised row range by row range.

    Accepts teacher logits ``[B, L, V]``, :class:`ProjectedLogits` (projected here, in float32, from the
    hidden rows of the range only) or :class:`TopKLogProbs`. With ``top_k > 0`` a dense teacher is
    reduced to its top-k at the KD temperature, as if it had been cached. The teacher is a target:
    nothing here carries a gradient. Dense rows are always a new tensor (a projection or a gathered
    copy), which the caller may overwrite. ``heads`` supplies the float32 copy of a half-precision head
    (made once, see :mod:`distill.losses.heads`); without it the head is cast on every call.
    """

    def __init__(
        self,
        teacher: torch.Tensor | ProjectedLogits | TopKLogProbs,
        kept: KeptTokens,
        top_k: int = 0,
        capture_temperature: float = 1.0,
        heads: Float32Heads | None = None,
    ) -> None:
        self.top_k = top_k
        self.capture_temperature = capture_temperature
        self.hidden = self.weight = self.bias = self.logits = self.topk = None
        self.index = kept.index
        if isinstance(teacher, ProjectedLogits):
            self.hidden = teacher.hidden.detach().flatten(0, 1)  # a view: rows are gathered per range
            heads = heads if heads is not None else Float32Heads()
            self.weight = heads.float32(teacher.weight).detach()
            self.bias = heads.float32(teacher.bias).detach() if teacher.bias is not None else None
        elif isinstance(teacher, TopKLogProbs):
            self.topk = teacher
        else:
            self.logits = teacher.detach().flatten(0, 1)

    def rows(self, start: int, end: int) -> torch.Tensor | TopKRows:
        """Teacher logits (or top-k rows) for kept rows ``start:end``."""
        index = self.index[start:end]
        if self.topk is not None:
            return TopKRows(
                self.topk.ids.flatten(0, 1)[index].long(),
                self.topk.logprobs.flatten(0, 1)[index].float(),
                self.topk.temperature,
                self.topk.vocab_size,
            )
        if self.hidden is not None:
            logits = F.linear(self.hidden.index_select(0, index).float(), self.weight, self.bias)
        else:
            logits = self.logits[index]
        if self.top_k:
            return TopKRows.from_logits(logits, self.top_k, self.capture_temperature)
        return logits


@dataclass
class LogitTerms:
    """Sums over rows of the task cross-entropy and of the KD divergence (times T^2 when configured).

    ``missing_mass`` says how a top-k teacher's remaining probability is handled:

    - ``renormalize``: the teacher is its top-k renormalised (zero elsewhere) and is compared with
      the student's full distribution over the shared vocabulary; re-tempered exactly to the KD
      temperature (p^(T_capture / T) renormalised over the top-k);
    - ``tail``: both distributions get a (k+1)-th outcome holding the mass outside the top-k (the
      student's from its full-vocabulary softmax); needs the capture temperature to equal the KD
      temperature, since the tail of a re-tempered distribution is unknown.

    Either way, k = V gives exactly the dense KD.
    """

    temperature: float
    divergence: str = "forward_kl"
    beta: float = 0.5
    alpha: float = 0.1
    t2_scaling: bool = True
    missing_mass: str = "tail"

    def sums(
        self,
        student_logits: torch.Tensor,
        targets: torch.Tensor,
        teacher: torch.Tensor | TopKRows | None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``(sum of CE, sum of KD or None)`` over the rows of float32 ``student_logits`` [n, V]."""
        ce = F.cross_entropy(student_logits, targets, reduction="sum")
        if teacher is None:
            return ce, None
        per_row = (
            self._sparse(student_logits, teacher)
            if isinstance(teacher, TopKRows)
            else self._dense(student_logits, teacher)
        )
        kd = per_row.sum()
        return ce, kd * self.temperature**2 if self.t2_scaling else kd

    def _divergence(self, student_logp: torch.Tensor, teacher_logp: torch.Tensor) -> torch.Tensor:
        return token_divergence(student_logp, teacher_logp, self.divergence, self.beta, self.alpha)

    def _dense(self, student_logits: torch.Tensor, teacher_logits: torch.Tensor) -> torch.Tensor:
        """Same tokenizer, maybe different sizes: compare the shared ids, each side renormalised."""
        shared = min(student_logits.size(-1), teacher_logits.size(-1))
        student_logp = F.log_softmax(student_logits[:, :shared] / self.temperature, dim=-1)
        teacher_logp = F.log_softmax(teacher_logits[:, :shared].float() / self.temperature, dim=-1)
        return self._divergence(student_logp, teacher_logp)

    def _sparse(self, student_logits: torch.Tensor, teacher: TopKRows) -> torch.Tensor:
        rows, vocab = student_logits.shape
        shared = vocab if teacher.vocab_size is None else min(vocab, teacher.vocab_size)
        student_logp = F.log_softmax(student_logits[:, :shared] / self.temperature, dim=-1)
        # ids outside the shared vocabulary leave the comparison (the rest is renormalised); they are
        # sent to an extra column so that they never overwrite a real id when scattered.
        inside = teacher.ids < shared
        ids = torch.where(inside, teacher.ids, shared)
        teacher_logp = teacher.logprobs.masked_fill(~inside, -torch.inf)
        if self.missing_mass == "renormalize":
            if is_reverse_kl(self.divergence, self.beta):
                raise ValueError(RENORMALIZE_REVERSE_KL)
            retempered = F.log_softmax(teacher_logp * (teacher.temperature / self.temperature), dim=-1)
            dense = torch.full((rows, shared + 1), -torch.inf, device=student_logits.device)
            student, target = student_logp, dense.scatter_(1, ids, retempered)[:, :shared]
        elif self.missing_mass == "tail":
            if teacher.temperature != self.temperature:
                raise ValueError(
                    f"loss.topk_missing_mass: 'tail' needs the teacher captured at the KD temperature; it "
                    f"was captured at {teacher.temperature} and the KD temperature is {self.temperature} "
                    f"(use 'renormalize', which re-tempers exactly, or capture at {self.temperature})"
                )
            in_topk = torch.zeros((rows, shared + 1), dtype=torch.bool, device=student_logits.device)
            in_topk.scatter_(1, ids, True)
            top = student_logp.gather(1, ids.clamp(max=shared - 1)).masked_fill(~inside, -torch.inf)
            tail = _logsumexp(student_logp.masked_fill(in_topk[:, :shared], -torch.inf))
            # The teacher's tail is what its top-k leaves, at least TAIL_FLOOR (a stored cache's rounding
            # can make the top-k sum reach 1, and KL(student || teacher) would be infinite), and none at
            # all when the top-k covers the whole shared vocabulary.
            captured = teacher.logprobs.exp().sum(-1, keepdim=True)
            teacher_tail = torch.log((1.0 - captured).clamp(min=TAIL_FLOOR)).masked_fill(
                tail.isneginf(), -torch.inf
            )
            target = F.log_softmax(torch.cat([teacher_logp, teacher_tail], dim=-1), dim=-1)
            student = torch.cat([top, tail], dim=-1)
        else:
            raise ValueError(f"loss.topk_missing_mass: unknown choice {self.missing_mass!r}")
        # A row whose top-k lies wholly outside the shared vocabulary carries no signal: compare the
        # student with itself (0, with a zero gradient) instead of a NaN.
        empty = ~inside.any(-1, keepdim=True)
        target = torch.where(empty, student.detach(), target)
        return self._divergence(student, target)


def _logsumexp(values: torch.Tensor) -> torch.Tensor:
    """logsumexp over the last dimension, keeping it; -inf (with a zero gradient) for an all -inf row."""
    nothing = torch.isneginf(values).all(-1, keepdim=True)
    safe = torch.where(nothing, torch.zeros((), dtype=values.dtype, device=values.device), values)
    return torch.where(nothing, -torch.inf, safe.logsumexp(-1, keepdim=True))
