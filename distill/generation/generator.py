"""Dataset generation: Claude (or the offline server) writes samples to exact quotas per cell.

The ``DatasetConfig`` distributions are turned into a quota for every (language, difficulty, style)
cell by largest remainder, so the final dataset honours them exactly. Each sample is one request,
rendered from the editable templates (``data.prompts``) with a topic from the language's list
(``data.topics``) and a variation number, so that the requests of a cell differ; answers go through
:class:`DatasetQualityController`, and accepted and rejected rows are appended durably as they are
decided, so a rerun resumes where the last one stopped (the response cache makes the requests it
repeats free). Cells short of their quota after rejections are topped up in further rounds, at most
``max_rounds``, and no further top-up is requested once the top-up rounds cost ``max_topup_cost_usd``.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from datasets import Dataset, DatasetDict

from distill.api.client import ClaudeAPIClient
from distill.api.types import CodeGenerationRequest
from distill.config.schemas import ClaudeConfig, DatasetConfig
from distill.data.jsonl import append_records, read_records, write_records
from distill.generation.dedup import near_duplicate_clusters, sample_text
from distill.generation.prompts import PromptBuilder
from distill.generation.quality import DatasetQualityController, Verdict

log = logging.getLogger(__name__)

CHUNK_SIZE = 64  # requests decided (and persisted) together
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class SampleSpec:
    """One requested sample: its cell, its topic and its variation number within the cell."""

    language: str
    difficulty: str
    style: str
    variation: int
    topic: str

    @property
    def cell(self) -> str:
        return f"{self.language}/{self.difficulty}/{self.style}"

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


def assign_clusters(
    strata: list[Any], clusters: list[int], sizes: dict[Any, dict[str, int]], seed: int
) -> list[str]:
    """A split per row such that every cluster lies in one split and the per-stratum split sizes are
    met as closely as whole clusters allow (exactly when every cluster is a single row).

    Clusters are placed largest first (ties in a seeded random order), each into the split whose
    remaining need, summed over the strata of its rows, is largest.
    """
    need = {stratum: dict(per_split) for stratum, per_split in sizes.items()}
    members: dict[int, list[int]] = defaultdict(list)
    for row, cluster in enumerate(clusters):
        members[cluster].append(row)
    rng = random.Random(seed)
    order = sorted(members, key=lambda c: (-len(members[c]), rng.random()))
    assigned = [""] * len(strata)
    for cluster in order:
        rows = members[cluster]
        split = max(SPLITS, key=lambda s: (sum(need[strata[r]][s] for r in rows), -SPLITS.index(s)))
        for row in rows:
            assigned[row] = split
            need[strata[row]][split] -= 1
    return assigned


def cell_quotas(config: DatasetConfig) -> dict[tuple[str, str, str], int]:
    """Quotas per (language, difficulty, style): languages exact, difficulties exact within each
    language, styles exact within each (language, difficulty)."""
    quotas = {}
    for language, n_language in largest_remainder(config.target_size, config.weights("language")).items():
        for difficulty, n_difficulty in largest_remainder(n_language, config.weights("difficulty")).items():
            for style, n in largest_remainder(n_difficulty, config.weights("style")).items():
                quotas[(language, difficulty, style)] = n
    return quotas


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
        self.prompts = PromptBuilder(config.prompts)
        self.output_dir = Path(config.output_dir)
        self.client: ClaudeAPIClient | None = None
        self.rejected_rows: list[dict[str, Any]] = []
        self.short_of_quota: dict[str, int] = {}
        self.stopped_by: str = ""  # why top-up rounds stopped early, if they did
        self.rounds = 0
        self.elapsed_s = 0.0

    @property
    def _accepted_path(self) -> Path:
        return self.output_dir / "intermediate" / "accepted.jsonl"

    @property
    def _rejected_path(self) -> Path:
        return self.output_dir / "intermediate" / "rejected.jsonl"

    def _spec(self, language: str, difficulty: str, style: str, variation: int) -> SampleSpec:
        topics = self.config.topics[language]
        return SampleSpec(language, difficulty, style, variation, topics[variation % len(topics)])

    def _request(self, spec: SampleSpec) -> CodeGenerationRequest:
        prompt = self.prompts.user(spec.language, spec.difficulty, spec.style, spec.topic, spec.variation)
        return CodeGenerationRequest(
            instruction=prompt,
            language=spec.language,
            difficulty=spec.difficulty,
            style=spec.style,
            system=self.prompts.system,
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
            "tests_not_run": verdict.tests_not_run,
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
                spec = self._spec(language, difficulty, style, variation)
                if spec.row_id not in decided:
                    specs.append(spec)
                    need -= 1
                variation += 1
        return specs

    def _topup_budget_spent(self, cost_after_first_round: float | None) -> bool:
        cap = self.config.max_topup_cost_usd
        if cap is None or cost_after_first_round is None or self.client is None:
            return False
        spent = self.client.totals.cost_usd - cost_after_first_round
        if spent >= cap:
            self.stopped_by = f"data.max_topup_cost_usd: top-up rounds cost ${spent:.4f} (cap ${cap:.4f})"
            return True
        return False

    async def generate_dataset(self, max_concurrent: int = 5, save_intermediate: bool = True) -> Dataset:
        """Generate until every cell meets its quota (or ``max_rounds`` pass, or the top-up cost cap is
        reached); rows are appended to ``intermediate/`` as they are decided and a rerun resumes from
        them. Returns the accepted rows."""
        start = time.monotonic()
        self._accepted_path.parent.mkdir(parents=True, exist_ok=True)
        accepted_rows = read_records(self._accepted_path, journal=True) if save_intermediate else []
        rejected_rows = read_records(self._rejected_path, journal=True) if save_intermediate else []
        if not save_intermediate:
            for path in (self._accepted_path, self._rejected_path):
                path.unlink(missing_ok=True)
        self.quality.remember(accepted_rows)
        if accepted_rows:
            log.info(
                "resuming: %d accepted and %d rejected rows on disk", len(accepted_rows), len(rejected_rows)
            )
        quotas = cell_quotas(self.config)
        accepted = Counter((r["language"], r["difficulty"], r["style"]) for r in accepted_rows)
        decided = {r["id"] for r in accepted_rows + rejected_rows}
        self.client = ClaudeAPIClient(self.claude_config)
        cost_after_first_round = None
        try:
            for round_number in range(self.config.max_rounds):
                specs = self._next_specs(quotas, accepted, decided)
                if not specs or self._topup_budget_spent(cost_after_first_round):
                    break
                log.info("round %d: requesting %d samples", round_number + 1, len(specs))
                for begin in range(0, len(specs), CHUNK_SIZE):
                    if self._topup_budget_spent(cost_after_first_round):
                        break
                    chunk = specs[begin : begin + CHUNK_SIZE]
                    responses = await self.client.generate_batch(
                        [self._request(s) for s in chunk], max_concurrent=max_concurrent
                    )
                    verdicts = self.quality.review(
                        responses,
                        [s.language for s in chunk],
                        [s.cell for s in chunk],
                        [s.row_id for s in chunk],
                    )
                    new_accepted, new_rejected = [], []
                    for spec, verdict, response in zip(chunk, verdicts, responses, strict=True):
                        row = self._row(spec, verdict, response.metadata or {})
                        (new_accepted if verdict.accepted else new_rejected).append(row)
                        decided.add(spec.row_id)
                        if verdict.accepted:
                            accepted[(spec.language, spec.difficulty, spec.style)] += 1
                    if save_intermediate:
                        append_records(self._accepted_path, new_accepted)
                        append_records(self._rejected_path, new_rejected)
                    accepted_rows += new_accepted
                    rejected_rows += new_rejected
                self.rounds = round_number + 1
                log.info(
                    "round %d done: %d accepted, %d rejected in all, cost $%.4f",
                    self.rounds,
                    len(accepted_rows),
                    len(rejected_rows),
                    self.client.totals.cost_usd,
                )
                if cost_after_first_round is None:
                    cost_after_first_round = self.client.totals.cost_usd
        finally:
            await self.client.aclose()
            self.elapsed_s += time.monotonic() - start
        self.short_of_quota = {"/".join(k): q - accepted[k] for k, q in quotas.items() if accepted[k] < q}
        if self.short_of_quota:
            log.warning(
                "after %d rounds some cells are short of their quota%s: %s",
                self.rounds,
                f" ({self.stopped_by})" if self.stopped_by else "",
                self.short_of_quota,
            )
        self.rejected_rows = rejected_rows
        order = {key: i for i, key in enumerate(quotas)}
        accepted_rows.sort(key=lambda r: (order[(r["language"], r["difficulty"], r["style"])], r["id"]))
        return Dataset.from_list(accepted_rows)

    def split_dataset(self, dataset: Dataset) -> DatasetDict:
        """Seeded split, stratified by (language, difficulty), with split sizes as exact as the
        near-duplicate clusters allow: near-duplicates (the QC's definition) stay in one split."""
        rows = dataset.to_list()
        strata = [(row["language"], row["difficulty"]) for row in rows]
        fractions = {
            "train": self.config.train_split,
            "validation": self.config.val_split,
            "test": self.config.test_split,
        }
        sizes = stratified_sizes(Counter(strata), fractions)
        quality = self.config.quality
        clusters = near_duplicate_clusters(
            [sample_text(row, quality.near_duplicate_fields) for row in rows],
            quality.near_duplicate_threshold,
            quality.minhash_permutations,
            quality.shingle_words,
        )
        assigned = assign_clusters(strata, clusters, sizes, self.config.seed)
        return DatasetDict(
            {split: dataset.select([i for i, s in enumerate(assigned) if s == split]) for split in SPLITS}
        )

    def save_dataset(self, dataset_dict: DatasetDict, output_dir: str | None = None) -> Path:
        """Write the DatasetDict (``save_to_disk``), jsonl per split, the rejected rows, the quality
        report and a manifest; return the folder."""
        out = Path(output_dir or self.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        dataset_dict.save_to_disk(str(out / "hf"))
        for split, data in dataset_dict.items():
            write_records(out / f"{split}.jsonl", data.to_list())
        write_records(out / "rejected.jsonl", self.rejected_rows)
        report = self.quality.get_quality_report()
        (out / "quality_report.json").write_text(json.dumps(report, indent=2))
        (out / "manifest.json").write_text(json.dumps(self.manifest(dataset_dict, report), indent=2))
        return out

    def manifest(self, dataset_dict: DatasetDict, report: dict[str, Any]) -> dict[str, Any]:
        """What was generated, how, and at what cost."""
        by_language: dict[str, dict[str, int]] = defaultdict(dict)
        for split, data in dataset_dict.items():
            for language, n in sorted(Counter(data["language"]).items()):
                by_language[language][split] = n
        return {
            "config": asdict(self.config),
            "api": {
                "backend": self.claude_config.backend,
                "model": self.claude_config.model,
                "prices_as_of": self.claude_config.prices_as_of,
            },
            "counts": {split: len(data) for split, data in dataset_dict.items()},
            "counts_by_language": dict(by_language),
            "rejected": len(self.rejected_rows),
            "short_of_quota": self.short_of_quota,
            "rounds": self.rounds,
            "stopped_by": self.stopped_by,
            "quality": {
                "acceptance_rate": report["acceptance_rate"],
                "rejected_by_reason": report["rejected_by_reason"],
                "contamination": report["contamination"],
                "accepted_without_tests_executed": report["accepted_without_tests_executed"],
                "toolchains": report["toolchains"],
            },
            "usage": asdict(self.client.totals) if self.client else {},
            "elapsed_s": round(self.elapsed_s, 2),
        }
