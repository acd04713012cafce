"""Extra peak memory and time of one forward + backward of the KD + CE loss, four ways, each in its
own process:

- ``lean``: ours, memory-lean (hidden states + lm_head weights, kept tokens only, chunked);
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
measured forward + backward, after a warm-up run (CUDA: at full size; CPU: on 64 positions). The last line prints ours (lean) / TRL.

    python scripts/bench/kd_loss_memory.py                  # 8,192 tokens, V = 32,016, H = 4,096
    python scripts/bench/kd_loss_memory.py --tokens 1024    # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

VARIANTS = ("lean", "full", "trl", "torchtune")
KD_WEIGHT, CE_WEIGHT = 0.7, 0.3
SEQUENCE = 2048


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=8192, help="B * L (sequences of up to 2,048)")
    parser.add_argument("--vocab", type=int, default=32016)
    parser.add_argument("--hidden", type=int, default=4096, help="student hidden size")
    parser.add_argument("--teacher-hidden", type=int, default=4096)
    parser.add_argument("--kept", type=float, default=0.6, help="fraction of positions with a label")
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--divergence", default="jsd", help="ours: any loss.divergence (beta 0.5)")
    parser.add_argument("--chunk-size", type=int, default=1024, help="ours, memory-lean path")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--run", choices=VARIANTS, help=argparse.SUPPRESS)  # one variant, in this process
    return parser.parse_args(argv)


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
def _ours(args: argparse.Namespace, inputs: dict[str, torch.Tensor], lean: bool) -> torch.Tensor:
    from distill.config.schemas import LossConfig
    from distill.losses.distillation import AdvancedDistillationLoss
    from distill.losses.sources import ProjectedLogits

    config = LossConfig(
        temperature=args.temperature,
        distillation_weight=KD_WEIGHT,
        task_weight=CE_WEIGHT,
        divergence=args.divergence,
        beta=0.5,
        chunk_size=args.chunk_size,
    )
    loss = AdvancedDistillationLoss(config, args.vocab)
    if lean:
        student = ProjectedLogits(inputs["student_hidden"], inputs["student_head"])
        teacher = ProjectedLogits(inputs["teacher_hidden"], inputs["teacher_head"])
    else:
        student = inputs["student_hidden"] @ inputs["student_head"].T
        with torch.no_grad():
            teacher = inputs["teacher_hidden"] @ inputs["teacher_head"].T
    return loss(student, teacher, inputs["labels"])[0]


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
def _rss_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def _import(variant: str) -> None:
    """Import what a variant uses before the baseline is taken, so that modules do not count."""
    if variant == "trl":
        import trl.experimental.gkd  # noqa: F401
    elif variant in ("lean", "full"):
        import distill.losses.distillation  # noqa: F401


def _measure(args: argparse.Namespace) -> dict[str, float | str]:
    _import(args.run)
    torch.manual_seed(0)
    inputs = _inputs(args)
    variant = {
        "lean": lambda batch: _ours(args, batch, lean=True),
        "full": lambda batch: _ours(args, batch, lean=False),
        "trl": lambda batch: _trl(args, batch),
        "torchtune": lambda batch: _torchtune(args, batch),
    }[args.run]

    def step(batch: dict[str, torch.Tensor]) -> float:
        batch["student_hidden"].grad = None
        loss = variant(batch)
        loss.backward()
        return loss.item()

    cuda = args.device.startswith("cuda")
    if cuda:  # warm-up at full size: kernels, cuBLAS workspaces, the caching allocator's pools
        step(inputs)
        inputs["student_hidden"].grad = None
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
    else:  # warm-up on the last 64 positions (first-call allocations of the CPU kernels)
        small = {key: value[:1, -64:] for key, value in inputs.items() if key.endswith(("hidden", "labels"))}
        small["student_hidden"] = small["student_hidden"].detach().requires_grad_()
        step(inputs | small)
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak resident set (VmHWM)
        base = _rss_bytes("VmRSS")
    start = time.perf_counter()
    value = step(inputs)
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated() if cuda else _rss_bytes("VmHWM")
    return {"variant": args.run, "extra_peak_gb": (peak - base) / 1e9, "seconds": seconds, "loss": value}


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.run:
        print(json.dumps(_measure(args)))
        return
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS)
    if unknown or "lean" not in variants or "trl" not in variants:
        raise SystemExit(f"--variants: choose from {list(VARIANTS)}, with lean and trl (got {args.variants})")
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
    results = {}
    for variant in variants:
        command = [sys.executable, __file__, *(argv if argv is not None else sys.argv[1:]), "--run", variant]
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=os.environ.copy())
        if done.returncode != 0:
            raise SystemExit(f"{variant} failed:\n{done.stderr[-3000:]}")
        results[variant] = json.loads(done.stdout.strip().splitlines()[-1])
    trl = results["trl"]
    print("| variant | extra peak memory | time | loss | memory / TRL | time / TRL |")
    print("|---|---|---|---|---|---|")
    for variant, r in results.items():
        print(
            f"| {variant} | {r['extra_peak_gb']:.2f} GB | {r['seconds']:.2f} s | {r['loss']:.4f} | "
            f"{r['extra_peak_gb'] / trl['extra_peak_gb']:.3f} | {r['seconds'] / trl['seconds']:.2f} |"
        )
    lean = results["lean"]
    print(
        f"ours (memory-lean) / TRL: memory {lean['extra_peak_gb'] / trl['extra_peak_gb']:.3f}x "
        f"(goal <= 0.25), time {lean['seconds'] / trl['seconds']:.2f}x (goal <= 1)"
    )


if __name__ == "__main__":
    main()
