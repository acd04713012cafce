"""A teacher's top-k log-probabilities, computed once over the dataset and memory-mapped in training.

Layout of a cache folder (``teacher.cache_dir``), one sub-folder per split (train, validation):

- ``header.json``: what the cache was computed from and with (k, capture temperature, the teacher's
  vocabulary size, id and log-prob dtypes, fingerprints of the tokenizer, of the dataset rows and of
  each split's tokenized examples, ``max_length``) and whether it is complete;
- ``<split>/offsets.npy``: ``[examples + 1]`` int64, example i's tokens are rows ``offsets[i]:offsets[i+1]``;
- ``<split>/ids.npy``: ``[tokens, k]`` top-k token ids (uint16 when the vocabulary fits, else int32);
- ``<split>/logprobs.npy``: ``[tokens, k]`` their ``log softmax(z / T)`` over the whole vocabulary
  (float16 or float32), for every position of every example (position i predicts token i + 1);
- ``progress.json``: batches written so far while the cache is incomplete (a rerun resumes there).

The examples are the training run's own (:class:`~distill.data.datamodule.CodeDataset`, same template,
tokenizer and truncation); the loss reads the batches' ``teacher_topk_*`` keys
(:meth:`distill.losses.sources.TopKLogProbs.from_batch`). Any mismatch between a cache and a run is an
error naming what differs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from distill.data.datamodule import CodeDataset, PadCollator
from distill.losses.sources import (
    TOPK_IDS_KEY,
    TOPK_LOGPROBS_KEY,
    TOPK_TEMPERATURE_KEY,
    TOPK_VOCAB_SIZE_KEY,
    UINT16_VOCAB_LIMIT,
    TopKLogProbs,
)

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
HEADER_FILE = "header.json"
PROGRESS_FILE = "progress.json"
SPLITS = ("train", "validation")
TOKENIZER_PROBE = (
    "def fibonacci(n: int) -> int:\n    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)\n"
)


def tokenizer_fingerprint(tokenizer: Any) -> str:
    """A hash of what decides a tokenization: the vocabulary, the special tokens' ids and the
    encoding of a probe (which catches normalisation and BOS/EOS handling)."""
    description = {
        "vocab": sorted(tokenizer.get_vocab().items()),
        "special": [tokenizer.bos_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id],
        "probe": tokenizer(TOKENIZER_PROBE)["input_ids"],
    }
    return hashlib.sha256(json.dumps(description).encode()).hexdigest()


def _write_json(path: Path, value: dict[str, Any]) -> None:
    """Atomically (a temporary file renamed into place) and durably (fsync'ed)."""
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w") as handle:
        json.dump(value, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _differences(expected: Mapping[str, Any], found: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys = sorted(set(expected) | set(found))
    lines = []
    for key in keys:
        a, b = expected.get(key), found.get(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            lines += _differences(a, b, f"{prefix}{key}.")
        elif a != b:
            lines.append(f"{prefix}{key}: cache {b!r}, this run {a!r}")
    return lines


def cache_identity(
    *,
    teacher: str,
    k: int,
    temperature: float,
    vocab_size: int,
    logprob_dtype: str,
    tokenizer: Any,
    dataset_fingerprint: str,
    max_length: int,
    datasets: Mapping[str, CodeDataset],
) -> dict[str, Any]:
    """Everything a cache depends on: two caches with the same identity hold the same numbers."""
    return {
        "format_version": FORMAT_VERSION,
        "teacher": teacher,
        "k": k,
        "temperature": float(temperature),
        "vocab_size": vocab_size,
        "id_dtype": "uint16" if vocab_size <= UINT16_VOCAB_LIMIT else "int32",
        "logprob_dtype": logprob_dtype,
        "tokenizer_fingerprint": tokenizer_fingerprint(tokenizer),
        "dataset_fingerprint": dataset_fingerprint,
        "max_length": max_length,
        "splits": {
            name: {
                "examples": len(dataset),
                "tokens": sum(len(ex["input_ids"]) for ex in dataset.examples),
                "examples_fingerprint": dataset.fingerprint(),
            }
            for name, dataset in datasets.items()
        },
    }


def _batches(dataset: CodeDataset, batch_size: int) -> list[list[int]]:
    """Example indices, longest first (little padding), in batches; a deterministic order, so that a
    rerun resumes at a batch number."""
    order = sorted(range(len(dataset)), key=lambda i: (-len(dataset[i]["input_ids"]), i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


@torch.no_grad()
def write_topk_cache(
    teacher: torch.nn.Module,
    datasets: Mapping[str, CodeDataset],
    cache_dir: str | Path,
    identity: dict[str, Any],
    batch_size: int = 8,
    pad_token_id: int = 0,
) -> dict[str, Any]:
    """Run ``teacher`` over every example of ``datasets`` and store its top-k (see the module doc).

    Resumes an interrupted run with the same identity; refuses a folder holding another cache.
    Returns the header.
    """
    root = Path(cache_dir)
    root.mkdir(parents=True, exist_ok=True)
    header_path, progress_path = root / HEADER_FILE, root / PROGRESS_FILE
    done = 0
    if header_path.is_file():
        existing = json.loads(header_path.read_text())
        stored = {key: value for key, value in existing.items() if key != "complete"}
        if stored != identity:
            raise ValueError(
                f"teacher.cache_dir: {root} holds another cache ("
                + "; ".join(_differences(identity, stored))
                + "); choose another folder or delete it"
            )
        if existing.get("complete"):
            log.info("the teacher cache at %s is complete", root)
            return existing
        done = json.loads(progress_path.read_text())["batches"] if progress_path.is_file() else 0
        log.info("resuming the teacher cache at %s after %d batches", root, done)
    else:
        _write_json(header_path, {**identity, "complete": False})
    k, temperature = identity["k"], identity["temperature"]
    id_dtype, logprob_dtype = np.dtype(identity["id_dtype"]), np.dtype(identity["logprob_dtype"])
    lowest = float(np.finfo(logprob_dtype).min)  # a log-prob below it would be stored as -inf
    device = next(teacher.parameters()).device
    collate = PadCollator(pad_token_id)
    batch_number = 0
    for split, dataset in datasets.items():
        folder = root / split
        folder.mkdir(exist_ok=True)
        lengths = [len(ex["input_ids"]) for ex in dataset.examples]
        offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        shape = (int(offsets[-1]), k)
        mode = "w+" if done == 0 or not (folder / "ids.npy").is_file() else "r+"
        if mode == "w+":
            np.save(folder / "offsets.npy", offsets)
        ids_file = np.lib.format.open_memmap(folder / "ids.npy", mode=mode, dtype=id_dtype, shape=shape)
        logprobs_file = np.lib.format.open_memmap(
            folder / "logprobs.npy", mode=mode, dtype=logprob_dtype, shape=shape
        )
        for indices in _batches(dataset, batch_size):
            batch_number += 1
            if batch_number <= done:
                continue
            batch = collate([dataset[i] for i in indices])
            logits = teacher(
                input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device)
            ).logits
            if logits.size(-1) != identity["vocab_size"]:
                raise ValueError(
                    f"teacher.model_name_or_path: the teacher returns {logits.size(-1)} logits per token, "
                    f"its config says vocab_size={identity['vocab_size']}"
                )
            for row, index in enumerate(indices):
                top = TopKLogProbs.from_logits(logits[row : row + 1, : lengths[index]], k, temperature)
                start, end = offsets[index], offsets[index + 1]
                ids_file[start:end] = top.ids[0].to(torch.int64).cpu().numpy().astype(id_dtype)
                logprobs_file[start:end] = (
                    top.logprobs[0].clamp(min=lowest).cpu().numpy().astype(logprob_dtype)
                )
            ids_file.flush()
            logprobs_file.flush()
            _write_json(progress_path, {"batches": batch_number})
        del ids_file, logprobs_file
    header = {**identity, "complete": True}
    _write_json(header_path, header)
    progress_path.unlink(missing_ok=True)
    return header


class CachedTeacherExamples(Dataset):
    """Examples of one split with their cached teacher rows attached under the ``teacher_topk_*`` keys.

    The memory maps are opened lazily in each process (DataLoader workers get the paths, not copies)."""

    def __init__(self, examples: Dataset, folder: Path, temperature: float, vocab_size: int) -> None:
        self.examples = examples
        self.folder = folder
        self.temperature = temperature
        self.vocab_size = vocab_size
        self._arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _open(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._arrays is None:
            self._arrays = (
                np.load(self.folder / "offsets.npy"),
                np.load(self.folder / "ids.npy", mmap_mode="r"),
                np.load(self.folder / "logprobs.npy", mmap_mode="r"),
            )
        return self._arrays

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_arrays": None}

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, index: int) -> dict[str, Any]:
        offsets, ids, logprobs = self._open()
        start, end = offsets[index], offsets[index + 1]
        return {
            **self.examples[index],
            TOPK_IDS_KEY: np.array(ids[start:end]),
            TOPK_LOGPROBS_KEY: np.array(logprobs[start:end]),
            TOPK_TEMPERATURE_KEY: self.temperature,
            TOPK_VOCAB_SIZE_KEY: self.vocab_size,
        }


class TopKCache:
    """A complete cache folder, checked against a run before it is used."""

    def __init__(self, cache_dir: str | Path) -> None:
        self.root = Path(cache_dir)
        header_path = self.root / HEADER_FILE
        if not header_path.is_file():
            raise FileNotFoundError(
                f"teacher.cache_dir: no teacher cache at {self.root} (no {HEADER_FILE}); write it first with "
                "distill-cache-teacher"
            )
        self.header: dict[str, Any] = json.loads(header_path.read_text())
        if not self.header.get("complete"):
            raise ValueError(
                f"teacher.cache_dir: the teacher cache at {self.root} is incomplete (its writer was "
                "interrupted); rerun distill-cache-teacher with the same settings to finish it"
            )
        if self.header.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"teacher.cache_dir: {self.root} has cache format {self.header.get('format_version')}, "
                f"this version reads {FORMAT_VERSION}; rewrite it with distill-cache-teacher"
            )

    @property
    def temperature(self) -> float:
        return float(self.header["temperature"])

    def check(
        self, tokenizer: Any, dataset_fingerprint: str, max_length: int, datasets: Mapping[str, CodeDataset]
    ) -> None:
        """Refuse a cache computed with another tokenizer, from other rows, with another truncation, or
        whose examples are not the run's (the error names each difference)."""
        header = self.header
        problems = []
        if header["tokenizer_fingerprint"] != tokenizer_fingerprint(tokenizer):
            problems.append("the student's tokenizer is not the one the cache was tokenized with")
        if header["dataset_fingerprint"] != dataset_fingerprint:
            problems.append("the training rows differ from those the cache was computed from")
        if header["max_length"] != max_length:
            problems.append(f"max_length: cache {header['max_length']}, this run {max_length}")
        for split, dataset in datasets.items():
            stored = header["splits"].get(split)
            if stored is None:
                problems.append(f"the cache has no {split!r} split")
            elif stored["examples_fingerprint"] != dataset.fingerprint():
                problems.append(
                    f"{split}: the tokenized examples differ ({stored['examples']} cached, {len(dataset)} here)"
                )
        if problems:
            raise ValueError(
                f"teacher.cache_dir: the teacher cache at {self.root} does not match this run: "
                + "; ".join(problems)
                + ". Rewrite it with distill-cache-teacher for this data, tokenizer and max_length"
            )

    def attach(self, examples: Dataset, split: str) -> CachedTeacherExamples:
        return CachedTeacherExamples(
            examples, self.root / split, self.temperature, int(self.header["vocab_size"])
        )
