"""Dataset generation through the real client and the offline server: quotas, QC, splits, resume."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest
from conftest import offline_api, python_dataset_config

from distill.api.offline_server import OfflineAnthropicServer, TaskBankResponder
from distill.data.generator import DatasetGenerator, cell_quotas, largest_remainder, read_jsonl
from distill.data.sample_format import GeneratedSample, parse_prompt_fields, parse_sample, render_sample


def test_largest_remainder_is_exact_and_proportional():
    counts = largest_remainder(10, {"a": 50, "b": 30, "c": 20})
    assert counts == {"a": 5, "b": 3, "c": 2}
    counts = largest_remainder(7, {"a": 1, "b": 1, "c": 1})
    assert sum(counts.values()) == 7 and max(counts.values()) - min(counts.values()) <= 1


def test_cell_quotas_honour_every_distribution_exactly():
    from distill.config.schemas import DatasetConfig

    quotas = cell_quotas(DatasetConfig(target_size=1000))
    assert sum(quotas.values()) == 1000
    by_language = Counter()
    for (language, _, _), n in quotas.items():
        by_language[language] += n
    assert by_language == {"python": 400, "javascript": 250, "java": 150, "cpp": 100, "go": 50, "rust": 50}
    python_difficulty = Counter()
    for (language, difficulty, _), n in quotas.items():
        if language == "python":
            python_difficulty[difficulty] += n
    assert python_difficulty == {"easy": 120, "medium": 200, "hard": 80}


def test_the_answer_format_is_parsed_strictly():
    sample = GeneratedSample("Write `f(x: int) -> int`.", "def f(x):\n    return x", "assert f(1) == 1")
    assert parse_sample(render_sample(sample, "python"), "python") == sample
    with pytest.raises(ValueError, match="outside"):
        parse_sample("Sure! " + render_sample(sample, "python"), "python")
    with pytest.raises(ValueError, match="tagged"):
        parse_sample(render_sample(sample, "javascript"), "python")
    without_tests = render_sample(sample, "python").split("<tests>")[0]
    with pytest.raises(ValueError, match="exactly one <tests> section, found 0"):
        parse_sample(without_tests, "python")


def test_generated_dataset_matches_the_config(generated_dataset):
    manifest = json.loads((generated_dataset / "manifest.json").read_text())
    assert sum(manifest["counts"].values()) == 90
    assert manifest["counts"] == {"train": 72, "validation": 9, "test": 9}
    rows = [
        row
        for split in ("train", "validation", "test")
        for row in read_jsonl(generated_dataset / f"{split}.jsonl")
    ]
    expected = {k: v for k, v in cell_quotas(python_dataset_config(generated_dataset, 90)).items()}
    assert Counter((r["language"], r["difficulty"], r["style"]) for r in rows) == expected
    assert all(r["tests_executed"] for r in rows)
    assert len({r["problem"] for r in rows}) == len(rows)
    report = json.loads((generated_dataset / "quality_report.json").read_text())
    assert report["accepted"] >= 90
    assert (generated_dataset / "hf" / "dataset_dict.json").exists()


def test_split_is_seeded_and_stratified(generated_dataset, tmp_path):
    from datasets import load_from_disk

    full = load_from_disk(str(generated_dataset / "hf"))
    rows = [r for split in full.values() for r in split]
    from datasets import Dataset

    generator = DatasetGenerator(python_dataset_config(tmp_path, 90), offline_api())
    first = generator.split_dataset(Dataset.from_list(rows))
    second = generator.split_dataset(Dataset.from_list(rows))
    assert first["test"]["id"] == second["test"]["id"]
    for difficulty in ("easy", "medium", "hard"):
        n = sum(r["difficulty"] == difficulty for r in rows)
        in_test = sum(d == difficulty for d in first["test"]["difficulty"])
        assert abs(in_test - n * 0.1) <= 1


def _bad_answers(system: str, prompt: str) -> str:
    """Every third kind of answer is broken in a different way; the rest come from the task bank."""
    variation = int(parse_prompt_fields(prompt)["variation"])
    good = TaskBankResponder()(system, prompt)
    sample = parse_sample(good, "python")
    broken = {
        0: "I cannot help with that.",
        1: render_sample(
            GeneratedSample(sample.problem, sample.solution + "\n    return (", sample.tests), "python"
        ),
        2: render_sample(
            GeneratedSample(sample.problem, sample.solution, sample.tests + "\nassert False"), "python"
        ),
        3: render_sample(GeneratedSample("short", sample.solution, sample.tests), "python"),
    }
    return broken.get(variation, good)


def test_quality_control_rejects_each_kind_of_bad_sample_for_its_reason(tmp_path):
    config = python_dataset_config(tmp_path / "data", 12, max_rounds=5)
    with OfflineAnthropicServer(responder=_bad_answers) as server:
        generator = DatasetGenerator(config, offline_api(tmp_path / "cache", base_url=server.base_url))
        dataset = asyncio.run(generator.generate_dataset())
    assert len(dataset) == 12
    reasons = Counter(row["reason"] for row in generator.rejected_rows)
    assert {"format", "syntax", "tests_failed", "length"} <= set(reasons)
    report = generator.quality.get_quality_report()
    assert report["rejected_by_reason"]["format"] == reasons["format"]
    cell = report["by_cell"]["python/easy/clean"]
    assert cell["accepted"] + sum(cell["rejected"].values()) > 0
    rejected = read_jsonl(tmp_path / "data" / "intermediate" / "rejected.jsonl")
    assert all(row["reason"] and "detail" in row for row in rejected)


def test_an_interrupted_generation_resumes_without_paying_twice(tmp_path):
    config = python_dataset_config(tmp_path / "data", 30)
    with OfflineAnthropicServer(responder=TaskBankResponder()) as server:
        api = offline_api(tmp_path / "cache", base_url=server.base_url)
        first = DatasetGenerator(config, api)
        asyncio.run(first.generate_dataset())
        accepted = tmp_path / "data" / "intermediate" / "accepted.jsonl"
        lines = accepted.read_text().splitlines(keepends=True)
        accepted.write_text("".join(lines[:10]) + lines[10][:25])  # a crash mid-write after 10 rows
        billed = server.stats()["billed"]
        second = DatasetGenerator(config, api)
        dataset = asyncio.run(second.generate_dataset())
        stats = server.stats()
    assert len(dataset) == 30
    assert stats["billed"] == billed and stats["billed_twice"] == 0  # the rest came from the response cache
    assert second.client.totals.cache_hits == 20
