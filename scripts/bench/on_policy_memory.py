"""Extra peak memory and time of one on-policy training step against one off-policy step (issue 14).

Both steps go through ``DistillationModule.training_step``'s pieces with the memory-lean loss (generalised
JSD, beta 0.5, with the task CE), a random student and a larger random teacher at CodeLlama's vocabulary
(V = 32,016, the KD memory benchmark's), ``--rows`` rows of ``--prompt`` prompt tokens and
``--response`` response tokens:

- ``off``: the dataset's responses: student and teacher forward, the loss, backward;
- ``on``: the same, after the student has sampled its own ``--response`` tokens for the prompts
  (``OnPolicySampler``: left-padded, KV cache, eval mode, no grad; EOS disabled so that every row
  gets the full length and the two steps keep the same number of tokens).

Each runs in a process of its own, after a warm-up step; extra peak memory is measured as in
``kd_loss_memory.py`` (``_peak_memory.py``). On-policy sampling adds the KV cache and one row of logits
per generated token, freed before the loss, so the goal is a ratio near 1. The last line is the figure:
on / off, memory and time.

    python scripts/bench/on_policy_memory.py                  # 4 rows of 256 + 256 tokens
    python scripts/bench/on_policy_memory.py --response 64    # a quick run
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import torch
from _peak_memory import PeakMemory
from transformers import LlamaConfig, LlamaForCausalLM

from distill.config.on_policy import OnPolicyConfig
from distill.config.schemas import LossConfig
from distill.losses.distillation import AdvancedDistillationLoss
from distill.training.module import DistillationModule
from distill.training.on_policy import OnPolicySampler

VOCAB = 32016


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=4)
    parser.add_argument("--prompt", type=int, default=256, help="prompt tokens per row")
    parser.add_argument("--response", type=int, default=256, help="response tokens per row")
    parser.add_argument("--hidden", type=int, default=512, help="the student's hidden size (teacher: 1.5x)")
    parser.add_argument("--run", choices=["off", "on"], help=argparse.SUPPRESS)  # one variant, in-process
    return parser.parse_args(argv)


def _llama(hidden: int, layers: int, seed: int) -> LlamaForCausalLM:
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=VOCAB,
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=8,
        num_key_value_heads=8,
        max_position_embeddings=4096,
    )
    return LlamaForCausalLM(config)


def _batch(args: argparse.Namespace) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    length = args.prompt + args.response
    ids = torch.randint(3, VOCAB, (args.rows, length), generator=generator)
    labels = ids.clone()
    labels[:, : args.prompt] = -100
    return {"input_ids": ids, "labels": labels, "attention_mask": torch.ones_like(ids)}


def _measure(args: argparse.Namespace) -> dict[str, float]:
    student = _llama(args.hidden, 2, seed=0)
    teacher = _llama(args.hidden * 3 // 2, 3, seed=1).eval().requires_grad_(False)
    loss = AdvancedDistillationLoss(LossConfig(divergence="jsd", beta=0.5, temperature=1.0), VOCAB)
    module = DistillationModule(student, loss, teacher)
    sampler = OnPolicySampler(
        OnPolicyConfig(lmbda=1.0, max_new_tokens=args.response),
        pad_token_id=0,
        eos_token_id=None,
        max_length=args.prompt + args.response,
        seed=0,
    )
    batch = _batch(args)

    def step(micro_batch: int) -> None:
        rows = sampler.sample(student, batch, 0, micro_batch).batch if args.run == "on" else batch
        total, _ = module.compute_loss(rows)
        total.backward()
        student.zero_grad(set_to_none=True)

    step(0)  # warm-up: kernels, the allocator's pools, transformers' hooks
    peak = PeakMemory("cpu")
    peak.start()
    start = time.perf_counter()
    step(1)
    return {"extra_peak_gb": peak.extra() / 1e9, "seconds": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    if args.run is not None:
        print(json.dumps(_measure(args)))
        return
    results = {}
    for variant in ("off", "on"):
        command = [sys.executable, __file__, *(argv if argv is not None else sys.argv[1:]), "--run", variant]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results[variant] = json.loads(output.strip().splitlines()[-1])
        print(
            f"{variant}-policy: {results[variant]['extra_peak_gb']:.3f} GB extra peak, "
            f"{results[variant]['seconds']:.2f} s",
            flush=True,
        )
    off, on = results["off"], results["on"]
    print(
        f"{args.rows} rows of {args.prompt} + {args.response} tokens, V = {VOCAB}: on-policy / off-policy "
        f"extra peak memory {on['extra_peak_gb'] / off['extra_peak_gb']:.2f}x, time "
        f"{on['seconds'] / off['seconds']:.2f}x"
    )


if __name__ == "__main__":
    main()
