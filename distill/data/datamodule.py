"""Training examples: an instruction/response template, prompt tokens masked out of the loss.

The prompt is tokenized on its own, as it is at inference time, and the response (the solution
plus EOS) after it; labels are -100 on the prompt and on padding. Optionally several examples share a
row (:mod:`distill.data.packing`) and a cached teacher's top-k rides along with each example.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import lightning as L
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from distill.data.jsonl import read_records
from distill.data.packing import (
    IGNORE_INDEX,
    PADDING_SEGMENT,
    POSITION_IDS_KEY,
    SEGMENT_IDS_KEY,
    PackedDataset,
)

log = logging.getLogger(__name__)

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
        return read_records(jsonl)
    raise FileNotFoundError(
        f"no {split!r} split in {path} (looked for {hf_dir} and {jsonl}): generate data first with "
        "distill-generate, or run distill-pipeline"
    )


def split_fingerprint(dataset_path: str | Path, split: str = "train") -> str:
    """A hash of a split's rows (what a cached teacher or a cached tiny teacher was computed from)."""
    rows = load_split(dataset_path, split)
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


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

    def fingerprint(self) -> str:
        """A hash of the tokenized examples (ids and labels, in order): it changes with the rows, the
        template, the tokenizer and ``max_length``."""
        digest = hashlib.sha256()
        for example in self.examples:
            for key in ("input_ids", "labels"):
                digest.update(np.asarray(example[key], dtype=np.int64).tobytes())
                digest.update(b"|")
        return digest.hexdigest()


class PadCollator:
    """Right-pads a batch of examples (or packed rows): every per-token key (a list or an array, e.g. a
    cached teacher's ``[n, k]`` top-k) to the longest in the batch, per-example scalars stacked.

    Padding: the pad id in ``input_ids``, -100 in ``labels``, 0 in ``attention_mask`` (built here) and
    in anything else; in a packed row the padding is a segment of its own whose positions restart at 0.
    """

    def __init__(self, pad_token_id: int) -> None:
        self.pad_values = {
            "input_ids": pad_token_id,
            "labels": IGNORE_INDEX,
            SEGMENT_IDS_KEY: PADDING_SEGMENT,
        }

    def __call__(self, batch: Sequence[dict[str, Any]]) -> dict[str, torch.Tensor]:
        lengths = [len(ex["input_ids"]) for ex in batch]
        width = max(lengths)
        collated: dict[str, torch.Tensor] = {}
        for key, first in batch[0].items():
            if not isinstance(first, list | np.ndarray):
                collated[key] = torch.tensor([ex[key] for ex in batch])
                continue
            values = [torch.as_tensor(np.asarray(ex[key])) for ex in batch]
            padded = torch.full(
                (len(batch), width, *values[0].shape[1:]), self.pad_values.get(key, 0), dtype=values[0].dtype
            )
            for row, value in enumerate(values):
                padded[row, : len(value)] = value
                if key == POSITION_IDS_KEY:
                    padded[row, len(value) :] = torch.arange(width - len(value))
            collated[key] = padded
        collated["attention_mask"] = (torch.arange(width)[None, :] < torch.tensor(lengths)[:, None]).long()
        return collated


class EpochSampler(Sampler[int]):
    """Indices of one epoch: a permutation that depends on ``(seed, epoch)`` only (or the identity),
    padded to a multiple of ``num_replicas`` and sharded by ``rank`` like ``DistributedSampler``.

    :meth:`resume` skips what an interrupted epoch already consumed, so that a run resumed from a
    mid-epoch checkpoint sees exactly the batches an uninterrupted run would have seen.
    """

    def __init__(self, size: int, shuffle: bool, seed: int = 0, num_replicas: int = 1, rank: int = 0) -> None:
        self.size = size
        self.shuffle = shuffle
        self.seed = seed
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self._resume: tuple[int, int] | None = None  # (epoch, indices of this rank to skip)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def resume(self, epoch: int, consumed: int) -> None:
        self._resume = (epoch, consumed)

    def __len__(self) -> int:
        return math.ceil(self.size / self.num_replicas)

    def __iter__(self) -> Iterator[int]:
        if self.shuffle:
            generator = torch.Generator().manual_seed(self.seed + self.epoch)
            order = torch.randperm(self.size, generator=generator).tolist()
        else:
            order = list(range(self.size))
        order += order[: len(self) * self.num_replicas - self.size]
        shard = order[self.rank :: self.num_replicas]
        skip = 0
        if self._resume is not None and self._resume[0] == self.epoch:
            skip = self._resume[1]
        self._resume = None
        return iter(shard[skip:])


class DistillDataModule(L.LightningDataModule):
    """Train and validation splits of a generated dataset, tokenized for one tokenizer; optionally packed
    (several examples per row of ``pack_length`` tokens, default ``max_length``) and carrying a cached
    teacher's top-k.

    ``teacher_cache`` is anything with ``attach(dataset, split) -> Dataset`` (a
    :class:`distill.training.topk_cache.TopKCache`). Batches are sharded over the trainer's devices
    here (the trainer is built with ``use_distributed_sampler=False``). The position in the training
    epoch (the batches the training loop has processed, not what the loader prefetched) is part of
    Lightning checkpoints through :meth:`state_dict`, so that a resumed run continues mid-epoch with
    exactly the batches an uninterrupted run would have seen. (It is restored before the loader is
    built, which a loader's own state would not be once the LR schedule has asked for the number of
    steps.)
    """

    def __init__(
        self,
        dataset_path: str,
        tokenizer: Any,
        max_length: int,
        batch_size: int,
        eval_batch_size: int | None = None,
        num_workers: int = 0,
        seed: int = 0,
        packing: bool = False,
        teacher_cache: Any = None,
        pack_length: int | None = None,
    ) -> None:
        super().__init__()
        self.dataset_path = dataset_path
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size or batch_size
        self.num_workers = num_workers
        self.seed = seed
        self.packing = packing
        self.pack_length = pack_length or max_length
        self.teacher_cache = teacher_cache
        self.collate = PadCollator(tokenizer.pad_token_id)
        self.train_dataset: CodeDataset | None = None
        self.val_dataset: CodeDataset | None = None
        self._loader_datasets: dict[str, Dataset] = {}
        self._train_sampler: EpochSampler | None = None
        self._resume: dict[str, int] | None = None

    def setup(self, stage: str | None = None) -> None:
        if self.train_dataset is None:
            self.train_dataset = CodeDataset(
                load_split(self.dataset_path, "train"), self.tokenizer, self.max_length, "train"
            )
            self.val_dataset = CodeDataset(
                load_split(self.dataset_path, "validation"), self.tokenizer, self.max_length, "validation"
            )

    def use_teacher_cache(self, teacher_cache: Any) -> None:
        """Attach a cached teacher to the batches of both splits from now on."""
        self.teacher_cache = teacher_cache
        self._loader_datasets.clear()

    def loader_dataset(self, split: str) -> Dataset:
        """What the loader of ``split`` iterates: examples, with the cached teacher attached, packed."""
        if split not in self._loader_datasets:
            self.setup()
            examples: Dataset = self.train_dataset if split == "train" else self.val_dataset
            dataset = examples
            if self.teacher_cache is not None:
                dataset = self.teacher_cache.attach(dataset, split)
            if self.packing:
                lengths = [len(examples[i]["input_ids"]) for i in range(len(examples))]
                dataset = PackedDataset(dataset, self.pack_length, lengths)
            self._loader_datasets[split] = dataset
        return self._loader_datasets[split]

    def _sampler(self, size: int, shuffle: bool) -> EpochSampler:
        trainer = self.trainer
        replicas, rank = (trainer.world_size, trainer.global_rank) if trainer is not None else (1, 0)
        return EpochSampler(size, shuffle, self.seed, replicas, rank)

    def _loader_generator(self) -> torch.Generator:
        """The generator a loader draws its workers' base seed from, so that creating an iterator never
        draws from the global generator (dropout's: a resumed run must draw what the original drew)."""
        return torch.Generator().manual_seed(self.seed)

    def state_dict(self) -> dict[str, int]:
        if self._train_sampler is None or self.trainer is None:
            return {}
        processed = self.trainer.fit_loop.epoch_loop.batch_progress.current.processed
        return {"epoch": self._train_sampler.epoch, "batches": int(processed)}

    def load_state_dict(self, state: dict[str, int]) -> None:
        self._resume = state or None

    def train_dataloader(self) -> DataLoader:
        dataset = self.loader_dataset("train")
        sampler = self._train_sampler = self._sampler(len(dataset), shuffle=True)
        if self._resume is not None:
            sampler.resume(self._resume["epoch"], self._resume["batches"] * self.batch_size)
            self._resume = None
        return DataLoader(
            dataset,
            sampler=sampler,
            batch_size=self.batch_size,
            collate_fn=self.collate,
            num_workers=self.num_workers,
            generator=self._loader_generator(),
        )

    def val_dataloader(self) -> DataLoader:
        dataset = self.loader_dataset("validation")
        return DataLoader(
            dataset,
            sampler=self._sampler(len(dataset), shuffle=False),
            batch_size=self.eval_batch_size,
            collate_fn=self.collate,
            num_workers=self.num_workers,
            generator=self._loader_generator(),
        )
