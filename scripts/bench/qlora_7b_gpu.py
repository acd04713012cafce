"""QLoRA on a CodeLlama-7b-shaped model with random weights (no download) on one CUDA GPU: peak memory,
tokens per second and model FLOPs utilisation of the training step at sequence length 2,048.

The model is CodeLlama-7b's configuration (hidden 4,096, 32 layers, 32 heads, MLP 11,008, vocabulary
32,016, RoPE theta 1e6) with random bf16 weights, written once with ``save_pretrained`` to
``--workdir`` (13.5 GB) and loaded back through the framework's own path (``load_student`` with the
``model=codellama_7b`` settings: NF4, double quantisation, bf16 compute, LoRA r = 16 on every
projection, gradient checkpointing). It trains inside ``DistillationModule`` under a real
``Trainer.fit`` (bf16-mixed) with the KD + CE loss against a cached top-20 teacher carried by the batch
(``teacher=topk_cache``; the memory-lean loss path). The first ``--warmup`` steps are not timed.

MFU uses the usual model FLOPs per token, 6 N + 12 L H S (N parameters without the embeddings, L layers,
H hidden size, S sequence length), over the GPU's dense bf16 peak (``--peak-tflops``, H100/H200 SXM:
989). A frozen base needs no weight gradients (about 4 N per token are executed, plus 2 N recomputed by
gradient checkpointing), so this MFU is the conventional figure, not the hardware utilisation.

    python scripts/bench/qlora_7b_gpu.py --workdir /tmp/cl7b          # needs CUDA; ~15 GB of disk
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import torch

CODELLAMA_7B = dict(
    vocab_size=32016,
    hidden_size=4096,
    intermediate_size=11008,
    num_hidden_layers=32,
    num_attention_heads=32,
    num_key_value_heads=32,
    max_position_embeddings=16384,
    rope_theta=1_000_000.0,
    bos_token_id=1,
    eos_token_id=2,
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=None, help="where the random model is written")
    parser.add_argument("--sequence", type=int, default=2048)
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--steps", type=int, default=8, help="timed optimizer steps")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--peak-tflops", type=float, default=989.0, help="dense bf16 peak of the GPU")
    parser.add_argument("--attn", default="sdpa", choices=["sdpa", "eager", "flash_attention_2"])
    return parser.parse_args()


def write_random_model(folder: Path) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    if (folder / "config.json").is_file():
        return
    config = LlamaConfig(**CODELLAMA_7B)
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = LlamaForCausalLM._from_config(config, torch_dtype=torch.bfloat16)
    model.save_pretrained(folder)
    del model
    torch.cuda.empty_cache()


def model_flops_per_token(sequence: int) -> float:
    c = CODELLAMA_7B
    h, layers = c["hidden_size"], c["num_hidden_layers"]
    per_layer = 4 * h * h + 3 * h * c["intermediate_size"]  # attention projections + SwiGLU MLP
    parameters = layers * per_layer + c["vocab_size"] * h  # the output layer counts, the embedding does not
    return 6 * parameters + 12 * layers * h * sequence


def main() -> None:
    args = _arguments()
    if not torch.cuda.is_available():
        print("qlora_7b_gpu: CUDA is not available; this benchmark needs an NVIDIA GPU (bitsandbytes 4-bit "
              "kernels, ~10 GB of GPU memory). Nothing was measured.")  # fmt: skip
        sys.exit(1)
    import lightning as L

    from distill.config.schemas import DistillationConfig, LossConfig
    from distill.losses.distillation import AdvancedDistillationLoss
    from distill.losses.sources import TopKLogProbs
    from distill.models.loading import load_student
    from distill.training.module import DistillationModule

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="codellama7b-random-"))
    started = time.perf_counter()
    write_random_model(workdir)
    config = DistillationConfig(
        student_model_name=str(workdir), max_length=args.sequence, use_4bit=True, bnb_4bit_compute_dtype="bfloat16",
        torch_dtype="bfloat16", gradient_checkpointing=True,
    )  # fmt: skip
    student = load_student(config, attn_implementation=args.attn, device="cuda:0")
    print(f"model written and loaded in {time.perf_counter() - started:.0f} s; "
          f"{sum(p.numel() for p in student.parameters() if p.requires_grad) / 1e6:.1f} M trainable parameters")  # fmt: skip
    vocab = CODELLAMA_7B["vocab_size"]
    g = torch.Generator().manual_seed(0)
    batches = []
    for _ in range(args.warmup + args.steps):
        ids = torch.randint(3, vocab, (args.batch_size, args.sequence), generator=g)
        labels = ids.clone()
        labels[:, : args.sequence // 8] = -100  # a prompt
        # a cached teacher's top-20 (random ids; log-probabilities of 20 of 21 outcomes, the rest is the tail)
        teacher_ids = torch.randint(0, vocab, (args.batch_size, args.sequence, 20), generator=g).to(
            torch.int32
        )
        logprobs = torch.log_softmax(torch.randn(args.batch_size, args.sequence, 21, generator=g), -1)[
            ..., :20
        ]
        teacher = TopKLogProbs(teacher_ids, logprobs.half(), 1.0)
        batches.append({"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": labels,
                        "teacher_topk_ids": teacher.ids, "teacher_topk_logprobs": teacher.logprobs,
                        "teacher_topk_temperature": torch.ones(args.batch_size)})  # fmt: skip
    module = DistillationModule(student, AdvancedDistillationLoss(LossConfig(temperature=1.0), vocab))

    class Clock(L.Callback):
        start = end = 0.0

        def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
            torch.cuda.synchronize()
            if batch_idx + 1 == args.warmup:
                Clock.start = time.perf_counter()
                torch.cuda.reset_peak_memory_stats()
            Clock.end = time.perf_counter()

    trainer = L.Trainer(accelerator="gpu", devices=1, precision="bf16-mixed", max_epochs=1, gradient_clip_val=1.0,
                        logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, callbacks=[Clock()])  # fmt: skip
    trainer.fit(module, torch.utils.data.DataLoader(batches, batch_size=None))
    seconds = Clock.end - Clock.start
    tokens = args.steps * args.batch_size * args.sequence
    per_second = tokens / seconds
    mfu = per_second * model_flops_per_token(args.sequence) / (args.peak_tflops * 1e12)
    peak = torch.cuda.max_memory_allocated() / 2**30
    print(
        f"device: {torch.cuda.get_device_name()}; batch {args.batch_size} x {args.sequence}, {args.steps} timed steps"
    )
    print(f"peak GPU memory {peak:.2f} GiB; {per_second:.0f} tokens/s; {seconds / args.steps:.2f} s/step")
    print(f"QLoRA CodeLlama-7b shape: {per_second:.0f} tokens/s, peak {peak:.2f} GiB, MFU {mfu:.1%}")


if __name__ == "__main__":
    main()
