"""Dataset generation: Claude (or the offline server) writes samples to exact quotas per cell.

The ``DatasetConfig`` distributions are turned into a quota for every (language, difficulty,
style) cell by largest remainder, so the final dataset honours them exactly. Each sample is one
request; answers go through :class:`DatasetQualityController`, and accepted and rejected rows are
appended durably as they are decided, so a rerun resumes where the last one stopped (the response
cache makes the requests it repeats free). Cells short of their quota after rejections are topped
up in further rounds, at most ``max_rounds``.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from datasets import Dataset, DatasetDict
from tqdm.auto import tqdm

from distill.api.client import ClaudeAPIClient
from distill.api.types import CodeGenerationRequest
from distill.config.schemas import ClaudeConfig, DatasetConfig
from distill.data.quality import DatasetQualityController, Verdict
from distill.data.sample_format import GENERATION_SYSTEM, generation_prompt

log = logging.getLogger(__name__)

DEFAULT_TOPICS = (
    "strings",
    "lists",
    "math",
    "dictionaries",
    "sorting",
    "searching",
    "recursion",
    "dynamic programming",
    "matrices",
    "parsing",
)
CHUNK_SIZE = 64  # requests decided (and persisted) together
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class SampleSpec:
    """One requested sample: its cell, its topic and its variation number within the cell."""

    language: str
    difficulty: str
    style: str
    variation: int

    @property
    def cell(self) -> str:
        return f"{self.language}/{self.difficulty}/{self.style}"

    @property
    def topic(self) -> str:
        return DEFAULT_TOPICS[self.variation % len(DEFAULT_TOPICS)]

    @property
    def row_id(self) -> str:
        return f"{self.language}-{self.difficulty}-{self.style}-{self.variation}"


def largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` into integers proportional to ``weights`` that sum to ``total`` exactly."""
    weight_sum = sum(weights.values())
    exact = {k: total * w / weight_sum for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    by_remainder = sorted(weights, key=lambda k: (-(exact[k] - counts[k]), list(weights).index(k)))
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def stratified_sizes(strata: dict, fractions: dict[str, float]) -> dict:
    """Split sizes per stratum that add up exactly, both per stratum and per split overall
    (largest remainders first, the rest wherever both sides still need items)."""
    totals = largest_remainder(sum(strata.values()), fractions)
    sizes = {key: {split: int(n * f) for split, f in fractions.items()} for key, n in strata.items()}
    stratum_need = {key: n - sum(sizes[key].values()) for key, n in strata.items()}
    split_need = {split: totals[split] - sum(sizes[key][split] for key in strata) for split in fractions}

    def assign(key: Any, split: str, limit: int) -> None:
        n = min(stratum_need[key], split_need[split], limit)
        sizes[key][split] += n
        stratum_need[key] -= n
        split_need[split] -= n

    remainders = sorted(
        ((n * f - int(n * f), key, split) for key, n in strata.items() for split, f in fractions.items()),
        key=lambda item: -item[0],
    )
    for _, key, split in remainders:  # one extra item per pair, largest remainders first
        assign(key, split, 1)
    for key in strata:  # whatever is still missing (the totals on both sides agree)
        for split in fractions:
            assign(key, split, stratum_need[key])
    return sizes


def cell_quotas(config: DatasetConfig) -> dict[tuple[str, str, str], int]:
    """Quotas per (language, difficulty, style): languages exact, difficulties exact within each
    language, styles exact within each (language, difficulty)."""
    quotas = {}
    for language, n_language in largest_remainder(config.target_size, config.weights("language")).items():
        for difficulty, n_difficulty in largest_remainder(n_language, config.weights("difficulty")).items():
            for style, n in largest_remainder(n_difficulty, config.weights("style")).items():
                quotas[(language, difficulty, style)] = n
    return quotas


def _append_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    with open(path, "a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file; a last line cut short by a crash is skipped."""
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                log.warning("%s:%d: skipping an unreadable row (%s)", path, number, exc)
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


class DatasetGenerator:
    """Generates, checks, splits and saves a training dataset."""

    def __init__(
        self,
        config: DatasetConfig,
        claude_config: ClaudeConfig,
        quality_controller: DatasetQualityController | None = None,
    ) -> None:
        self.config = config
        self.claude_config = claude_config
        self.quality = quality_controller or DatasetQualityController(config)
        self.output_dir = Path(config.output_dir)
        self.client: ClaudeAPIClient | None = None
        self.rejected_rows: list[dict[str, Any]] = []
        self.elapsed_s = 0.0

    @property
    def _accepted_path(self) -> Path:
        return self.output_dir / "intermediate" / "accepted.jsonl"

    @property
    def _rejected_path(self) -> Path:
        return self.output_dir / "intermediate" / "rejected.jsonl"

    def _request(self, spec: SampleSpec) -> CodeGenerationRequest:
        prompt = generation_prompt(spec.language, spec.difficulty, spec.style, spec.topic, spec.variation)
        return CodeGenerationRequest(
            instruction=prompt,
            language=spec.language,
            difficulty=spec.difficulty,
            style=spec.style,
            system=GENERATION_SYSTEM,
        )

    def _row(self, spec: SampleSpec, verdict: Verdict, metadata: dict[str, Any]) -> dict[str, Any]:
        sample = verdict.sample
        return {
            "id": spec.row_id,
            "language": spec.language,
            "difficulty": spec.difficulty,
            "style": spec.style,
            "topic": spec.topic,
            "problem": sample.problem if sample else "",
            "solution": sample.solution if sample else "",
            "tests": sample.tests if sample else "",
            "tests_executed": verdict.tests_executed,
            "model": metadata.get("model", self.claude_config.model),
            "request_key": metadata.get("cache_key", ""),
            **({} if verdict.accepted else {"reason": verdict.reason, "detail": verdict.detail}),
        }

    def _next_specs(self, quotas: dict, accepted: Counter, decided: set[str]) -> list[SampleSpec]:
        """For every cell short of its quota, the lowest variation numbers not decided yet."""
        specs = []
        for (language, difficulty, style), quota in quotas.items():
            need, variation = quota - accepted[(language, difficulty, style)], 0
            while need > 0:
                spec = SampleSpec(language, difficulty, style, variation)
                if spec.row_id not in decided:
                    specs.append(spec)
                    need -= 1
                variation += 1
        return specs

    async def generate_dataset(self, max_concurrent: int = 5, save_intermediate: bool = True) -> Dataset:
        """Generate until every cell meets its quota (or ``max_rounds`` pass); returns the accepted rows."""
        start = time.monotonic()
        self._accepted_path.parent.mkdir(parents=True, exist_ok=True)
        accepted_rows = read_jsonl(self._accepted_path) if save_intermediate else []
        rejected_rows = read_jsonl(self._rejected_path) if save_intermediate else []
        if not save_intermediate:
            for path in (self._accepted_path, self._rejected_path):
                path.unlink(missing_ok=True)
        for row in accepted_rows:
            self.quality.remember(row["problem"])
        if accepted_rows:
            log.info(
                "resuming: %d accepted and %d rejected rows on disk", len(accepted_rows), len(rejected_rows)
            )
        quotas = cell_quotas(self.config)
        accepted = Counter((r["language"], r["difficulty"], r["style"]) for r in accepted_rows)
        decided = {r["id"] for r in accepted_rows + rejected_rows}
        self.client = ClaudeAPIClient(self.claude_config)
        try:
            for round_number in range(self.config.max_rounds):
                specs = self._next_specs(quotas, accepted, decided)
                if not specs:
                    break
                log.info("round %d: requesting %d samples", round_number + 1, len(specs))
                bar = tqdm(total=len(specs), desc=f"generate (round {round_number + 1})", unit="sample")
                for begin in range(0, len(specs), CHUNK_SIZE):
                    chunk = specs[begin : begin + CHUNK_SIZE]
                    responses = await self.client.generate_batch(
                        [self._request(s) for s in chunk],
                        max_concurrent=max_concurrent,
                        progress_callback=lambda *_, bar=bar: bar.update(1),
                    )
                    verdicts = self.quality.review(
                        responses, [s.language for s in chunk], [s.cell for s in chunk]
                    )
                    new_accepted, new_rejected = [], []
                    for spec, verdict, response in zip(chunk, verdicts, responses, strict=True):
                        row = self._row(spec, verdict, response.metadata or {})
                        (new_accepted if verdict.accepted else new_rejected).append(row)
                        decided.add(spec.row_id)
                        if verdict.accepted:
                            accepted[(spec.language, spec.difficulty, spec.style)] += 1
                    if save_intermediate:
                        _append_jsonl(self._accepted_path, new_accepted)
                        _append_jsonl(self._rejected_path, new_rejected)
                    accepted_rows += new_accepted
                    rejected_rows += new_rejected
                    bar.set_postfix(
                        accepted=len(accepted_rows),
                        rejected=len(rejected_rows),
                        cost=f"${self.client.totals.cost_usd:.3f}",
                    )
                bar.close()
        finally:
            await self.client.aclose()
            self.elapsed_s += time.monotonic() - start
        short = {"/".join(k): q - accepted[k] for k, q in quotas.items() if accepted[k] < q}
        if short:
            log.warning(
                "after %d rounds some cells are short of their quota: %s", self.config.max_rounds, short
            )
        self.rejected_rows = rejected_rows
        order = {key: i for i, key in enumerate(quotas)}
        accepted_rows.sort(key=lambda r: (order[(r["language"], r["difficulty"], r["style"])], r["id"]))
        return Dataset.from_list(accepted_rows)

    def split_dataset(self, dataset: Dataset) -> DatasetDict:
        """Seeded split, stratified by (language, difficulty), with exact split sizes overall."""
        strata: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, row in enumerate(dataset):
            strata[(row["language"], row["difficulty"])].append(index)
        fractions = {
            "train": self.config.train_split,
            "validation": self.config.val_split,
            "test": self.config.test_split,
        }
        sizes = stratified_sizes({key: len(rows) for key, rows in strata.items()}, fractions)
        rng = random.Random(self.config.seed)
        assigned: dict[str, list[int]] = {split: [] for split in SPLITS}
        for key in sorted(strata):
            indices = strata[key]
            rng.shuffle(indices)
            begin = 0
            for split in SPLITS:
                assigned[split] += indices[begin : begin + sizes[key][split]]
                begin += sizes[key][split]
        return DatasetDict({split: dataset.select(sorted(assigned[split])) for split in SPLITS})

    def save_dataset(self, dataset_dict: DatasetDict, output_dir: str | None = None) -> Path:
        """Write the DatasetDict (``save_to_disk``), jsonl per split, the rejected rows, the quality
        report and a manifest; return the folder."""
        out = Path(output_dir or self.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        dataset_dict.save_to_disk(str(out / "hf"))
        for split, data in dataset_dict.items():
            write_jsonl(out / f"{split}.jsonl", data.to_list())
        write_jsonl(out / "rejected.jsonl", self.rejected_rows)
        report = self.quality.get_quality_report()
        (out / "quality_report.json").write_text(json.dumps(report, indent=2))
        totals = asdict(self.client.totals) if self.client else {}
        manifest = {
            "config": asdict(self.config),
            "api": {
                "backend": self.claude_config.backend,
                "model": self.claude_config.model,
                "prices_as_of": self.claude_config.prices_as_of,
            },
            "counts": {split: len(data) for split, data in dataset_dict.items()},
            "rejected": len(self.rejected_rows),
            "usage": totals,
            "elapsed_s": round(self.elapsed_s, 2),
        }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
        return out
