"""Training examples: an instruction/response template, prompt tokens masked out of the loss.

The prompt is tokenized on its own, as it is at inference time, and the response (the solution
plus EOS) after it; labels are -100 on the prompt and on padding.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset

from distill.data.generator import read_jsonl

log = logging.getLogger(__name__)

IGNORE_INDEX = -100
PROMPT_TEMPLATE = "### Instruction ({language}):\n{problem}\n\n### Response:\n"
REQUIRED_FIELDS = ("problem", "solution", "language")


def format_prompt(problem: str, language: str) -> str:
    """The prompt a student sees, in training and in evaluation on the generated test split."""
    return PROMPT_TEMPLATE.format(problem=problem.strip(), language=language)


def load_split(dataset_path: str | Path, split: str) -> list[dict[str, Any]]:
    """Rows of one split from a folder written by ``DatasetGenerator.save_dataset``."""
    path = Path(dataset_path)
    hf_dir = path / "hf" / split
    if hf_dir.is_dir():
        from datasets import load_from_disk

        return load_from_disk(str(hf_dir)).to_list()
    jsonl = path / f"{split}.jsonl"
    if jsonl.is_file():
        return read_jsonl(jsonl)
    raise FileNotFoundError(
        f"no {split!r} split in {path} (looked for {hf_dir} and {jsonl}): generate data first with "
        "distill-generate, or run distill-pipeline"
    )


class CodeDataset(Dataset):
    """Tokenized (input_ids, labels) examples of one split."""

    def __init__(
        self, rows: Sequence[dict[str, Any]], tokenizer: Any, max_length: int, name: str = "train"
    ) -> None:
        self.examples: list[dict[str, list[int]]] = []
        self.dropped = 0
        for index, row in enumerate(rows):
            missing = [k for k in REQUIRED_FIELDS if not isinstance(row.get(k), str) or not row[k].strip()]
            if missing:
                raise ValueError(f"{name} row {index} (id {row.get('id', '?')}): missing or empty {missing}")
            prompt = tokenizer(format_prompt(row["problem"], row["language"]))["input_ids"]
            response = tokenizer(row["solution"].strip("\n"), add_special_tokens=False)["input_ids"]
            response.append(tokenizer.eos_token_id)
            if len(prompt) >= max_length:
                self.dropped += 1
                continue
            ids = (prompt + response)[:max_length]
            labels = ([IGNORE_INDEX] * len(prompt) + response)[:max_length]
            self.examples.append({"input_ids": ids, "labels": labels})
        if self.dropped:
            log.warning(
                "%s: %d rows dropped (prompt longer than max_length=%d)", name, self.dropped, max_length
            )

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, index: int) -> dict[str, list[int]]:
        return self.examples[index]

    @property
    def num_target_tokens(self) -> int:
        return sum(sum(label != IGNORE_INDEX for label in ex["labels"]) for ex in self.examples)


class PadCollator:
    """Right-pads a batch: pad id in ``input_ids``, -100 in ``labels``, 0 in ``attention_mask``."""

    def __init__(self, pad_token_id: int) -> None:
        self.pad_token_id = pad_token_id

    def __call__(self, batch: Sequence[dict[str, list[int]]]) -> dict[str, torch.Tensor]:
        width = max(len(ex["input_ids"]) for ex in batch)
        input_ids = torch.full((len(batch), width), self.pad_token_id, dtype=torch.long)
        labels = torch.full((len(batch), width), IGNORE_INDEX, dtype=torch.long)
        attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ex in enumerate(batch):
            n = len(ex["input_ids"])
            input_ids[row, :n] = torch.tensor(ex["input_ids"])
            labels[row, :n] = torch.tensor(ex["labels"])
            attention_mask[row, :n] = 1
        return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}


class DistillDataModule(L.LightningDataModule):
    """Train and validation splits of a generated dataset, tokenized for one tokenizer."""

    def __init__(
        self,
        dataset_path: str,
        tokenizer: Any,
        max_length: int,
        batch_size: int,
        eval_batch_size: int | None = None,
        num_workers: int = 0,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.dataset_path = dataset_path
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size or batch_size
        self.num_workers = num_workers
        self.seed = seed
        self.collate = PadCollator(tokenizer.pad_token_id)
        self.train_dataset: CodeDataset | None = None
        self.val_dataset: CodeDataset | None = None

    def setup(self, stage: str | None = None) -> None:
        if self.train_dataset is None:
            self.train_dataset = CodeDataset(
                load_split(self.dataset_path, "train"), self.tokenizer, self.max_length, "train"
            )
            self.val_dataset = CodeDataset(
                load_split(self.dataset_path, "validation"), self.tokenizer, self.max_length, "validation"
            )

    def train_dataloader(self) -> DataLoader:
        generator = torch.Generator().manual_seed(self.seed)
        return DataLoader(
            self.train_dataset,
            batch_size=self.batch_size,
            shuffle=True,
            generator=generator,
            collate_fn=self.collate,
            num_workers=self.num_workers,
        )

    def val_dataloader(self) -> DataLoader:
        return DataLoader(
            self.val_dataset,
            batch_size=self.eval_batch_size,
            collate_fn=self.collate,
            num_workers=self.num_workers,
        )
