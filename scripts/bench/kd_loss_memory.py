"""Extra peak memory and time of one forward + backward of the KD + CE loss, several ways, each in its
own process:

- ``lean``: ours, memory-lean (hidden states + lm_head weights, kept tokens only, chunked), with the loss
  built once as training builds it (frozen half-precision heads are copied to float32 once, at the
  first step); ``--chunk-sizes`` runs it at several chunk sizes;
- ``lean_percast``: the same with a new loss every step, so that both heads are cast to float32 in the
  measured step (what the path did before the copies were cached; differs from ``lean`` only for
  ``--dtype bfloat16``, where it is in the default list);
- ``full``: ours, from the full logits of both models;
- ``trl``: TRL's ``GKDTrainer.generalized_jsd_loss`` (the ``bench`` extra) plus the task cross-entropy;
- ``torchtune``: torchtune's chunked forward KL (``ForwardKLWithChunkedOutputLoss``, 8 chunks) plus
  its chunked cross-entropy, from logits computed chunk by chunk as ``TransformerDecoder`` does.

Every variant starts from the same inputs: final hidden states of student and teacher and their
frozen ``lm_head`` weights (what a model hands to its head), so the projections to logits are part of
what is measured; the student's hidden states receive the gradient. KD weight 0.7 and CE weight 0.3
everywhere (torchtune's loss has no temperature, the others use ``--temperature``); ours and TRL use
the generalized JSD with beta 0.5 unless ``--divergence`` says otherwise.

Extra peak memory = peak minus what was allocated after the inputs: on CUDA
``torch.cuda.max_memory_allocated``; on CPU the peak resident set (``VmHWM``, reset through
``/proc/self/clear_refs``) minus the resident set after the inputs. Time: wall clock of the one
measured forward + backward, after a warm-up run (CUDA: at full size; CPU: on 64 positions).
``--verbose`` adds where the lean path's peak goes: the hidden-state gradient, one chunk's buffers
(measured alone, in a process of their own), float32 casts of half-precision inputs, tensors saved
by autograd, float32 copies of the heads. The last line is the figure: ours (memory-lean, at
``--chunk-size``) / TRL, memory and time, measured in the same run.

    python scripts/bench/kd_loss_memory.py                  # 8,192 tokens, V = 32,016, H = 4,096
    python scripts/bench/kd_loss_memory.py --tokens 1024    # a quick run
    python scripts/bench/kd_loss_memory.py --variants lean,trl --chunk-sizes 64,128,256,512,1024,2048
    python scripts/bench/kd_loss_memory.py --dtype bfloat16 --verbose   # bf16 heads: cached vs cast per step
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from _peak_memory import PeakMemory

VARIANTS = ("lean", "lean_percast", "full", "trl", "torchtune")
KD_WEIGHT, CE_WEIGHT = 0.7, 0.3
SEQUENCE = 2048
GOAL_MEMORY, GOAL_TIME = 0.05, 0.6  # issue 17: ours (memory-lean) / TRL, same run


def _default_chunk_size() -> int:
    from distill.config.loss import LossConfig

    return LossConfig().chunk_size


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=8192, help="B * L (sequences of up to 2,048)")
    parser.add_argument("--vocab", type=int, default=32016)
    parser.add_argument("--hidden", type=int, default=4096, help="student hidden size")
    parser.add_argument("--teacher-hidden", type=int, default=4096)
    parser.add_argument("--kept", type=float, default=0.6, help="fraction of positions with a label")
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--divergence", default="jsd", help="ours: any loss.divergence (beta 0.5)")
    parser.add_argument(
        "--chunk-size", type=int, default=_default_chunk_size(), help="ours (default: LossConfig's)"
    )
    parser.add_argument("--chunk-sizes", default="", help="lean at each of these (comma-separated)")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--variants", default="", help=f"comma-separated, of {list(VARIANTS)}")
    parser.add_argument("--verbose", action="store_true", help="where the lean path's peak goes")
    parser.add_argument("--run", choices=[*VARIANTS, "chunk"], help=argparse.SUPPRESS)  # in this process
    args = parser.parse_args(argv)
    if not args.variants:
        half = args.dtype != "float32"
        args.variants = ",".join(v for v in VARIANTS if half or v != "lean_percast")
    return args


# ------------------------------------------------------------------------------------------ inputs
def _inputs(args: argparse.Namespace) -> dict[str, torch.Tensor]:
    """Hidden states [B, L, H] of both models, their heads [V, H], labels with a masked prompt."""
    device, dtype = torch.device(args.device), getattr(torch, args.dtype)
    length = min(SEQUENCE, args.tokens)
    batch = args.tokens // length
    g = torch.Generator(device="cpu").manual_seed(0)

    def randn(*shape: int, scale: float) -> torch.Tensor:
        return (torch.randn(*shape, generator=g) * scale).to(device=device, dtype=dtype)

    inputs = {
        "student_hidden": randn(batch, length, args.hidden, scale=1.0).requires_grad_(),
        "student_head": randn(args.vocab, args.hidden, scale=2.0 / args.hidden**0.5),
        "teacher_hidden": randn(batch, length, args.teacher_hidden, scale=1.0),
        "teacher_head": randn(args.vocab, args.teacher_hidden, scale=3.0 / args.teacher_hidden**0.5),
    }
    labels = torch.randint(0, args.vocab, (batch, length), generator=g)
    labels[:, : round(length * (1 - args.kept))] = -100  # the prompt
    inputs["labels"] = labels.to(device)
    return inputs


def _shifted(labels: torch.Tensor) -> torch.Tensor:
    """Labels aligned with the logits that predict them (Hugging Face's ForCausalLMLoss shift)."""
    return F.pad(labels[:, 1:], (0, 1), value=-100)


# ------------------------------------------------------------------------------------------ variants
def _loss(args: argparse.Namespace):
    from distill.config.schemas import LossConfig
    from distill.losses.distillation import AdvancedDistillationLoss

    config = LossConfig(
        temperature=args.temperature,
        distillation_weight=KD_WEIGHT,
        task_weight=CE_WEIGHT,
        divergence=args.divergence,
        beta=0.5,
        chunk_size=args.chunk_size,
    )
    return AdvancedDistillationLoss(config, args.vocab)


def _ours(args: argparse.Namespace, lean: bool, loss_per_step: bool = False) -> Callable:
    """The loss is built once, as training builds it; ``loss_per_step`` builds a new one every step."""
    from distill.losses.sources import ProjectedLogits

    built = None if loss_per_step else _loss(args)

    def run(inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        loss = built if built is not None else _loss(args)
        if lean:
            student = ProjectedLogits(inputs["student_hidden"], inputs["student_head"])
            teacher = ProjectedLogits(inputs["teacher_hidden"], inputs["teacher_head"])
        else:
            student = inputs["student_hidden"] @ inputs["student_head"].T
            with torch.no_grad():
                teacher = inputs["teacher_hidden"] @ inputs["teacher_head"].T
        return loss(student, teacher, inputs["labels"])[0]

    run.loss = built
    return run


def _trl(args: argparse.Namespace, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
    from trl.experimental.gkd import GKDTrainer

    student = inputs["student_hidden"] @ inputs["student_head"].T
    with torch.no_grad():
        teacher = inputs["teacher_hidden"] @ inputs["teacher_head"].T
    labels = _shifted(inputs["labels"])
    count = (labels != -100).sum()
    jsd = GKDTrainer.generalized_jsd_loss(
        student, teacher, labels=labels, beta=0.5, temperature=args.temperature, num_items_in_batch=count
    )
    ce = F.cross_entropy(student.view(-1, args.vocab).float(), labels.view(-1), reduction="sum") / count
    return KD_WEIGHT * jsd + CE_WEIGHT * ce


def _torchtune(args: argparse.Namespace, inputs: dict[str, torch.Tensor], chunks: int = 8) -> torch.Tensor:
    """torchtune/modules/loss/kd_losses.py ``ForwardKLWithChunkedOutputLoss`` and
    ``loss/ce_chunked_output_loss.py`` ``CEWithChunkedOutputLoss`` (torchtune is not installed: the
    math is reproduced here), on logits produced per sequence chunk (``TransformerDecoder.chunked_output``)."""
    student = [h @ inputs["student_head"].T for h in inputs["student_hidden"].chunk(chunks, dim=1)]
    with torch.no_grad():
        teacher = [h @ inputs["teacher_head"].T for h in inputs["teacher_hidden"].chunk(chunks, dim=1)]
    labels = _shifted(inputs["labels"])
    count = (labels != -100).sum()
    kd, ce = 0.0, 0.0
    for s, t, y in zip(student, teacher, labels.chunk(chunks, dim=1), strict=True):
        s, t, y = s.reshape(-1, s.size(-1)), t.reshape(-1, t.size(-1)), y.reshape(-1)
        teacher_prob = F.softmax(t, dim=-1, dtype=torch.float32)
        student_logprob = F.log_softmax(s, dim=-1, dtype=torch.float32)
        prod_probs = torch.masked_fill(teacher_prob * student_logprob, torch.isinf(s), 0)
        kd = kd - torch.sum(prod_probs.sum(-1) * (y != -100).int(), dim=0)
        ce = ce + F.cross_entropy(s.float(), y, reduction="sum", ignore_index=-100)
    return KD_WEIGHT * kd / count + CE_WEIGHT * ce / count


# ------------------------------------------------------------------------------------------ measuring
def _import(variant: str) -> None:
    """Import what a variant uses before the baseline is taken, so that modules do not count."""
    if variant == "trl":
        import trl.experimental.gkd  # noqa: F401
    else:
        import distill.losses.distillation  # noqa: F401


class _SavedTensors:
    """Bytes of the distinct storages autograd saves for the backward pass (``saved_tensors_hooks``)."""

    def __init__(self) -> None:
        self.storages: dict[int, int] = {}

    def pack(self, tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        self.storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    def hooks(self):
        return torch.autograd.graph.saved_tensors_hooks(self.pack, lambda tensor: tensor)

    def nbytes(self) -> int:
        return sum(self.storages.values())


def _measure(args: argparse.Namespace) -> dict[str, float | str]:
    _import(args.run)
    torch.manual_seed(0)
    inputs = _inputs(args)
    variant = {
        "lean": lambda: _ours(args, lean=True),
        "lean_percast": lambda: _ours(args, lean=True, loss_per_step=True),
        "full": lambda: _ours(args, lean=False),
        "trl": lambda: lambda batch: _trl(args, batch),
        "torchtune": lambda: lambda batch: _torchtune(args, batch),
    }[args.run]()
    saved = _SavedTensors()

    def step(batch: dict[str, torch.Tensor], count_saved: bool = False) -> float:
        batch["student_hidden"].grad = None
        if count_saved:
            with saved.hooks():
                loss = variant(batch)
        else:
            loss = variant(batch)
        loss.backward()
        return loss.item()

    peak = PeakMemory(args.device)
    if peak.cuda:  # warm-up at full size: kernels, cuBLAS workspaces, the caching allocator's pools
        step(inputs)
        inputs["student_hidden"].grad = None
    else:  # warm-up on the last 64 positions (first-call allocations of the CPU kernels)
        small = {key: value[:1, -64:] for key, value in inputs.items() if key.endswith(("hidden", "labels"))}
        small["student_hidden"] = small["student_hidden"].detach().requires_grad_()
        step(inputs | small)
    peak.start()
    start = time.perf_counter()
    value = step(inputs, count_saved=args.verbose)
    if peak.cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    result = {"variant": args.run, "extra_peak_gb": peak.extra() / 1e9, "seconds": seconds, "loss": value}
    if args.verbose:
        result["autograd_saved_gb"] = saved.nbytes() / 1e9
        loss = getattr(variant, "loss", None)
        if loss is not None:
            result["cached_heads_gb"] = loss.float32_heads.nbytes() / 1e9
    return result


def _measure_chunk(args: argparse.Namespace) -> dict[str, float | str]:
    """The peak of one lean chunk alone: its hidden rows gathered (and cast), both projections, the
    closed-form terms and gradient, the gradient's projection back to the hidden size."""
    from distill.losses.closed_form import dense_terms_with_grad
    from distill.losses.logit_terms import KeptTokens

    inputs = _inputs(args)
    kept = KeptTokens.from_labels(inputs["labels"])
    rows = min(args.chunk_size, len(kept))
    student_head = inputs["student_head"].float()  # as the cached float32 copies (made once)
    teacher_head = inputs["teacher_head"].float()
    index, targets = kept.index[:rows], kept.targets[:rows]
    student_hidden = inputs["student_hidden"].detach().flatten(0, 1)
    teacher_hidden = inputs["teacher_hidden"].flatten(0, 1)
    grad_hidden = torch.zeros_like(student_hidden)  # counted apart, as the hidden-state gradient

    def chunk() -> None:
        logits = F.linear(student_hidden.index_select(0, index).float(), student_head)
        teacher = F.linear(teacher_hidden.index_select(0, index).float(), teacher_head)
        _, _, grad = dense_terms_with_grad(
            logits, targets, teacher, args.temperature, args.divergence, 0.5, 0.1, True, 0.3, 0.7
        )
        del teacher, logits
        grad_hidden.index_copy_(0, index, (grad @ student_head).to(grad_hidden.dtype))

    chunk()  # warm-up
    peak = PeakMemory(args.device)
    peak.start()
    chunk()
    return {"variant": "chunk", "extra_peak_gb": peak.extra() / 1e9, "rows": rows}


def _subprocess(argv: list[str], variant: str, chunk_size: int) -> dict[str, float | str]:
    command = [sys.executable, __file__, *argv, "--chunk-size", str(chunk_size), "--run", variant]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=os.environ.copy())
    if done.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _breakdown(args: argparse.Namespace, lean: dict, chunk: dict, percast: dict | None) -> None:
    """Where the lean path's extra peak goes (``--verbose``)."""
    itemsize = torch.empty((), dtype=getattr(torch, args.dtype)).element_size()
    half = itemsize < 4
    rows = chunk["rows"]
    heads = args.vocab * (args.hidden + args.teacher_hidden) * 4 if half else 0
    hidden_grad = args.tokens * args.hidden * itemsize
    gathered = rows * (args.hidden + args.teacher_hidden) * (itemsize + (4 if half else 0))
    logits_buffer = rows * args.vocab * 4
    total = lean["extra_peak_gb"] * 1e9
    parts = [
        ("hidden-state gradient [B*L, H], in the hidden states' dtype", hidden_grad, "its shape"),
        (
            f"one chunk of {rows} rows (logits, teacher logits, closed-form buffers; "
            f"{chunk['extra_peak_gb'] * 1e9 / logits_buffer:.1f} x [{rows}, V] float32)",
            chunk["extra_peak_gb"] * 1e9,
            "measured alone",
        ),
        (
            "  of which gathered hidden rows" + (" and their float32 casts" if half else ""),
            gathered,
            "their shapes",
        ),
        ("autograd-saved tensors", lean["autograd_saved_gb"] * 1e9, "saved_tensors_hooks, the step"),
        (
            "float32 head copies made in the step",
            0,
            f"cached: {lean.get('cached_heads_gb', 0):.2f} GB resident",
        ),
    ]
    accounted = hidden_grad + chunk["extra_peak_gb"] * 1e9 + lean["autograd_saved_gb"] * 1e9
    parts.append(
        (
            "rest (allocator, small tensors; below 0 where the step reuses pages the chunk alone maps)",
            total - accounted,
            "the total minus the above",
        )
    )
    print(f"\nwhere ours (memory-lean, chunks of {args.chunk_size}) spends its {total / 1e9:.3f} GB:")
    print("| part | GB | from |")
    print("|---|---|---|")
    for name, size, source in parts:
        print(f"| {name} | {size / 1e9:.3f} | {source} |")
    if half:
        print(
            f"float32 copies of both bf16 heads: {heads / 1e9:.2f} GB, made once per head and device "
            "(Float32Heads) and resident from the first step on"
            + (
                f"; cast every step instead (lean_percast): {percast['extra_peak_gb']:.3f} GB extra peak, "
                f"{percast['seconds']:.2f} s, against {lean['extra_peak_gb']:.3f} GB, {lean['seconds']:.2f} s"
                if percast
                else ""
            )
        )


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.run == "chunk":
        print(json.dumps(_measure_chunk(args)))
        return
    if args.run:
        print(json.dumps(_measure(args)))
        return
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS)
    if unknown or "lean" not in variants or "trl" not in variants:
        raise SystemExit(f"--variants: choose from {list(VARIANTS)}, with lean and trl (got {args.variants})")
    chunk_sizes = [int(c) for c in args.chunk_sizes.split(",") if c] or [args.chunk_size]
    if args.chunk_size not in chunk_sizes:
        chunk_sizes.append(args.chunk_size)
    device = (
        torch.cuda.get_device_name()
        if args.device.startswith("cuda")
        else f"CPU, {torch.get_num_threads()} threads"
    )
    print(
        f"KD + CE forward + backward: {args.tokens} tokens ({args.kept:.0%} with a label), V = {args.vocab}, "
        f"H = {args.hidden} (teacher {args.teacher_hidden}), {args.dtype}, T = {args.temperature}, ours "
        f"{args.divergence} (chunks of {args.chunk_size}); {device}, torch {torch.__version__}"
    )
    argv = [a for a in (argv if argv is not None else sys.argv[1:])]
    argv = _without(argv, "--chunk-size")
    results = {}
    for variant in variants:
        for chunk_size in chunk_sizes if variant == "lean" else [args.chunk_size]:
            name = f"lean (chunks of {chunk_size})" if variant == "lean" else variant
            results[name] = _subprocess(argv, variant, chunk_size)
    trl = results["trl"]
    print("| variant | extra peak memory | time | loss | memory / TRL | time / TRL |")
    print("|---|---|---|---|---|---|")
    for variant, r in results.items():
        print(
            f"| {variant} | {r['extra_peak_gb']:.3f} GB | {r['seconds']:.2f} s | {r['loss']:.4f} | "
            f"{r['extra_peak_gb'] / trl['extra_peak_gb']:.3f} | {r['seconds'] / trl['seconds']:.2f} |"
        )
    lean = results[f"lean (chunks of {args.chunk_size})"]
    if args.verbose:
        chunk = _subprocess(argv, "chunk", args.chunk_size)
        _breakdown(args, lean, chunk, results.get("lean_percast"))
    print(
        f"ours (memory-lean, chunks of {args.chunk_size}) / TRL: memory "
        f"{lean['extra_peak_gb'] / trl['extra_peak_gb']:.3f}x (goal <= {GOAL_MEMORY}), time "
        f"{lean['seconds'] / trl['seconds']:.2f}x (goal <= {GOAL_TIME})"
    )


def _without(argv: list[str], option: str) -> list[str]:
    """``argv`` without ``option`` and its value (either ``--option value`` or ``--option=value``)."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == option:
            skip = True
        elif not arg.startswith(option + "="):
            kept.append(arg)
    return kept


if __name__ == "__main__":
    main()
