"""Tokens per second of ``DistillationModule``'s training step inside a real ``Trainer.fit``, against a
hand-written PyTorch loop doing the same work on the same model and batches, in one process.

Both sides: a Llama with LoRA adapters (peft; embeddings and head trainable, as the tiny student), the
memory-lean KD + CE loss against a cached top-k teacher carried by the batch (as ``teacher=topk_cache``
trains), gradient clipping at 1.0, AdamW with warmup + cosine, one optimizer step per batch. The hand
loop is forward, ``loss.backward()``, ``clip_grad_norm_``, ``optimizer.step()``, ``scheduler.step()``,
``zero_grad``; Lightning adds its hooks, the logging of every loss term, the kept-token normalisation
and the non-finite check. Each side starts from the same weights; the first ``--warmup`` steps are
not timed (the Lightning side is timed from a callback between its training steps, so Trainer set-up
is excluded). The two sides alternate over ``--rounds`` rounds (the order flips each round) so that
noise from other processes falls on both; the ratio is the median of the rounds' ratios.

    python scripts/bench/train_throughput.py            # last line: lightning / plain tokens per second
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import lightning as L
import torch

from distill.config.schemas import LossConfig
from distill.losses.capture import linear_head
from distill.losses.distillation import AdvancedDistillationLoss
from distill.losses.sources import ProjectedLogits, TopKLogProbs
from distill.training.module import DistillationModule, warmup_cosine

WARMUP_RATIO = 0.1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--vocab", type=int, default=2048)
    parser.add_argument("--sequence", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--steps", type=int, default=12, help="timed optimizer steps per run")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    return parser.parse_args()


def _student(args: argparse.Namespace) -> torch.nn.Module:
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=args.vocab,
        hidden_size=args.hidden,
        intermediate_size=int(args.hidden * 2.75),
        num_hidden_layers=args.layers,
        num_attention_heads=max(1, args.hidden // 64),
        num_key_value_heads=max(1, args.hidden // 64),
        max_position_embeddings=args.sequence,
    )
    lora = LoraConfig(
        r=16,
        lora_alpha=32,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        modules_to_save=["embed_tokens", "lm_head"],
        task_type="CAUSAL_LM",
    )
    return get_peft_model(LlamaForCausalLM(config), lora).train()


def _batches(args: argparse.Namespace, count: int) -> list[dict[str, torch.Tensor]]:
    """Right-padded batches with a masked prompt and a cached teacher's top-20 at T = 1."""
    g = torch.Generator().manual_seed(1)
    batches = []
    for _ in range(count):
        ids = torch.randint(0, args.vocab, (args.batch_size, args.sequence), generator=g)
        lengths = torch.randint(args.sequence // 2, args.sequence + 1, (args.batch_size,), generator=g)
        mask = (torch.arange(args.sequence)[None, :] < lengths[:, None]).long()
        labels = ids.masked_fill(mask == 0, -100)
        labels[:, : args.sequence // 8] = -100  # the prompt
        teacher = TopKLogProbs.from_logits(
            torch.randn(args.batch_size, args.sequence, args.vocab, generator=g), 20, 1.0
        )
        batches.append({"input_ids": ids, "attention_mask": mask, "labels": labels,
                        "teacher_topk_ids": teacher.ids, "teacher_topk_logprobs": teacher.logprobs,
                        "teacher_topk_temperature": torch.ones(args.batch_size)})  # fmt: skip
    return batches


def _loss(args: argparse.Namespace) -> AdvancedDistillationLoss:
    return AdvancedDistillationLoss(LossConfig(temperature=1.0), args.vocab)


def _optimizer(parameters: list[torch.nn.Parameter], total: int):
    groups = [
        {"params": [p for p in parameters if p.ndim >= 2], "weight_decay": 0.01},
        {"params": [p for p in parameters if p.ndim < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW([g for g in groups if g["params"]], lr=2e-4)
    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_cosine(total, WARMUP_RATIO))


class _StepClock(L.Callback):
    def __init__(self, warmup: int) -> None:
        self.warmup = warmup
        self.start = self.end = 0.0

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx) -> None:
        if batch_idx + 1 == self.warmup:
            self.start = time.perf_counter()
        self.end = time.perf_counter()


def lightning_seconds(student, batches, args) -> float:
    module = DistillationModule(
        copy.deepcopy(student), _loss(args), learning_rate=2e-4, warmup_ratio=WARMUP_RATIO
    )
    clock = _StepClock(args.warmup)
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, gradient_clip_val=1.0, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                        num_sanity_val_steps=0, callbacks=[clock])  # fmt: skip
    trainer.fit(module, torch.utils.data.DataLoader(batches, batch_size=None))
    return clock.end - clock.start


def plain_seconds(student, batches, args) -> float:
    model = copy.deepcopy(student)
    loss_fn = _loss(args)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer, scheduler = _optimizer(parameters, len(batches))
    start = 0.0
    for step, batch in enumerate(torch.utils.data.DataLoader(batches, batch_size=None)):
        hidden = model.get_decoder()(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        logits = ProjectedLogits(hidden.last_hidden_state, *linear_head(model))
        total, _ = loss_fn(logits, TopKLogProbs.from_batch(batch), batch["labels"])
        total.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        if step + 1 == args.warmup:
            start = time.perf_counter()
    return time.perf_counter() - start


def main() -> None:
    args = _arguments()
    if args.threads:
        torch.set_num_threads(args.threads)
    student = _student(args)
    batches = _batches(args, args.warmup + args.steps)
    tokens = sum(int(b["attention_mask"].sum()) for b in batches[args.warmup :])
    print(f"model: hidden {args.hidden}, {args.layers} layers, vocab {args.vocab}; batches of "
          f"{args.batch_size} x {args.sequence}; {args.steps} timed steps ({tokens} tokens) per run; "
          f"{torch.get_num_threads()} threads")  # fmt: skip
    ratios = []
    for round_number in range(args.rounds):
        sides = [("lightning", lightning_seconds), ("plain", plain_seconds)]
        if round_number % 2:
            sides.reverse()
        speed = {name: tokens / run(student, batches, args) for name, run in sides}
        ratios.append(speed["lightning"] / speed["plain"])
        print(f"round {round_number + 1}: lightning {speed['lightning']:.0f} tok/s, plain "
              f"{speed['plain']:.0f} tok/s, ratio {ratios[-1]:.3f}")  # fmt: skip
    print(
        f"lightning / plain tokens per second (median of {args.rounds} rounds): {statistics.median(ratios):.3f}"
    )


if __name__ == "__main__":
    main()
