"""Padding waste (padded tokens / all tokens of the training batches) of a generated dataset, without
packing and with packing, counted on the batches the training datamodule really yields (one epoch,
shuffled as in training).

    python scripts/bench/padding_waste.py outputs/demo/runs/<time>/data
    python scripts/bench/padding_waste.py data/generated --tokenizer codellama/CodeLlama-7b-hf \\
        --max-length 2048 --pack-length 2048 --batch-size 4

The tokenizer is ``--tokenizer`` (a model folder or Hub name) or, by default, one trained on the train
split as the tiny demo student's is. The last line is the waste with packing into rows of
``--pack-length`` tokens (default: ``--max-length``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from distill.config.schemas import TokenizerSpec
from distill.data.datamodule import DistillDataModule, format_prompt, load_split
from distill.models.loading import load_tokenizer
from distill.models.tiny import train_tokenizer


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path, help="a folder written by distill-generate")
    parser.add_argument("--tokenizer", help="model folder or Hub name (default: trained on the data)")
    parser.add_argument("--vocab-size", type=int, default=2048, help="of the trained tokenizer")
    parser.add_argument("--max-length", type=int, default=384)
    parser.add_argument("--pack-length", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=8)
    return parser.parse_args()


def waste(
    tokenizer, args: argparse.Namespace, packing: bool, pack_length: int | None = None
) -> tuple[float, int]:
    """(padded / all tokens, number of batches) over one training epoch."""
    data = DistillDataModule(str(args.dataset), tokenizer, args.max_length, args.batch_size,
                             packing=packing, pack_length=pack_length)  # fmt: skip
    padded = total = batches = 0
    for batch in data.train_dataloader():
        mask = batch["attention_mask"]
        padded += int((mask == 0).sum())
        total += mask.numel()
        batches += 1
    return padded / total, batches


def main() -> None:
    args = _arguments()
    if args.tokenizer:
        tokenizer = load_tokenizer(args.tokenizer)
    else:
        rows = load_split(args.dataset, "train")
        corpus = (
            format_prompt(r["problem"], r["language"]) + r["solution"] + "\n" + r["tests"] for r in rows
        )
        tokenizer = train_tokenizer(corpus, TokenizerSpec(vocab_size=args.vocab_size))
    pack_length = args.pack_length or args.max_length
    plain, plain_batches = waste(tokenizer, args, packing=False)
    print(f"without packing: {plain:.2%} padded ({plain_batches} batches of {args.batch_size} examples)")
    if pack_length != args.max_length:
        at_max, max_batches = waste(tokenizer, args, packing=True)
        print(f"with packing into rows of {args.max_length}: {at_max:.2%} padded ({max_batches} batches)")
    packed, packed_batches = waste(tokenizer, args, packing=True, pack_length=pack_length)
    print(f"with packing into rows of {pack_length}: {packed:.2%} padded ({packed_batches} batches of "
          f"{args.batch_size} rows)")  # fmt: skip


if __name__ == "__main__":
    main()
