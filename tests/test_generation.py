"""Dataset generation through the real client and the offline server: quotas, QC, splits, resume."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest
from conftest import offline_api, python_dataset_config

from distill.data.jsonl import read_records
from distill.data.sample_format import GeneratedSample, parse_prompt_fields, parse_sample, render_sample
from distill.generation.generator import DatasetGenerator, cell_quotas, largest_remainder
from distill.offline.server import OfflineAnthropicServer, TaskBankResponder


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
        for row in read_records(generated_dataset / f"{split}.jsonl")
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
    rejected = read_records(tmp_path / "data" / "intermediate" / "rejected.jsonl")
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


# ------------------------------------------------------------------------------------ six languages, prompts, caps
@pytest.mark.slow
def test_the_saved_six_language_dataset_matches_the_config(tmp_path):
    """Every (language, difficulty, style) cell of the saved splits holds exactly its quota; every sample's
    tests ran in its own language's toolchain where one is installed."""
    from distill.config.schemas import DatasetConfig
    from distill.execution.languages import toolchain

    config = DatasetConfig(target_size=40, output_dir=str(tmp_path / "data"), seed=3)
    generator = DatasetGenerator(config, offline_api(tmp_path / "cache"))
    dataset = asyncio.run(generator.generate_dataset(max_concurrent=16))
    out = generator.save_dataset(generator.split_dataset(dataset))
    rows = [row for split in ("train", "validation", "test") for row in read_records(out / f"{split}.jsonl")]
    assert Counter((r["language"], r["difficulty"], r["style"]) for r in rows) == {
        cell: n for cell, n in cell_quotas(config).items() if n
    }
    assert Counter(r["language"] for r in rows) == {
        "python": 16,
        "javascript": 10,
        "java": 6,
        "cpp": 4,
        "go": 2,
        "rust": 2,
    }
    for row in rows:
        available = toolchain(row["language"])
        assert row["tests_executed"] == available.available
        assert row["tests_not_run"] == available.missing
        assert row["topic"] in config.topics[row["language"]]
        assert f"```{row['language']}" not in row["solution"]  # the code itself, not the fenced answer
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"train": 32, "validation": 4, "test": 4}
    assert {lang: sum(n.values()) for lang, n in manifest["counts_by_language"].items()} == Counter(
        r["language"] for r in rows
    )
    assert manifest["short_of_quota"] == {} and manifest["usage"]["cost_usd"] > 0
    report = json.loads((out / "quality_report.json").read_text())
    assert set(report["by_language"]) == set(config.languages)
    assert report["accepted"] >= 40 and set(report["contamination"]["by_benchmark"]) == {
        "humaneval",
        "mbpp",
        "apps",
    }


def test_requests_use_the_editable_templates_and_each_language_s_topics(tmp_path):
    from distill.config.schemas import DatasetConfig, PromptConfig

    seen: list[tuple[str, str]] = []

    def recording(system: str, prompt: str) -> str:
        seen.append((system, prompt))
        return TaskBankResponder()(system, prompt)

    prompts = PromptConfig(
        system="You write exercises. Costs are in $$.",
        user="Task in $language_name ($style, $difficulty) about $topic.\nLanguage: $language\nDifficulty: $difficulty\n"
        "Style: $style\nTopic: $topic\nVariation: $variation\n$test_convention",
    )
    topics = {"python": ["graphs"], "rust": ["iterators", "pattern matching"]}
    config = DatasetConfig(
        target_size=6,
        languages=["python", "rust"],
        language_distribution={"python": 1, "rust": 1},
        output_dir=str(tmp_path / "data"),
        prompts=prompts,
        topics=topics,
        execute_tests=False,
    )
    with OfflineAnthropicServer(responder=recording) as server:
        generator = DatasetGenerator(config, offline_api(tmp_path / "cache", base_url=server.base_url))
        dataset = asyncio.run(generator.generate_dataset())
    assert len(dataset) == 6
    assert {system for system, _ in seen} == {"You write exercises. Costs are in $."}
    rust_prompts = [prompt for _, prompt in seen if "Language: rust" in prompt]
    assert rust_prompts and all(prompt.startswith("Task in Rust (") for prompt in rust_prompts)
    assert all("assert_eq!" in prompt for prompt in rust_prompts)  # the language's test convention
    assert {row["topic"] for row in dataset if row["language"] == "rust"} <= set(topics["rust"])
    assert {row["topic"] for row in dataset if row["language"] == "python"} == {"graphs"}
    assert not any(row["tests_executed"] for row in dataset)
    assert {row["tests_not_run"] for row in dataset} == {"data.execute_tests is false"}


def test_bad_prompt_templates_and_topics_fail_with_their_key():
    from distill.config.errors import ConfigError
    from distill.config.schemas import DatasetConfig, PromptConfig

    with pytest.raises(ConfigError, match=r"^data\.prompts\.user: bad placeholder 'lang'"):
        DatasetConfig(prompts=PromptConfig(user="Language: $lang\n$language $difficulty $style"))
    with pytest.raises(ConfigError, match=r"^data\.prompts\.user: must contain \$style"):
        DatasetConfig(prompts=PromptConfig(user="Language: $language\nDifficulty: $difficulty"))
    conventions = PromptConfig().test_conventions
    del conventions["go"]
    with pytest.raises(ConfigError, match=r"^data\.prompts\.test_conventions\.go: missing"):
        DatasetConfig(prompts=PromptConfig(test_conventions=conventions))
    with pytest.raises(ConfigError, match=r"^data\.topics\.rust: "):
        DatasetConfig(topics={"python": ["strings"], "rust": []}, languages=["python", "rust"])
    with pytest.raises(ConfigError, match=r"^data\.max_topup_cost_usd: "):
        DatasetConfig(max_topup_cost_usd=-1.0)


def _every_other_answer_broken(system: str, prompt: str) -> str:
    good = TaskBankResponder()(system, prompt)
    return "Sorry, no." if int(parse_prompt_fields(prompt)["variation"]) % 2 else good


def test_top_up_rounds_stop_at_the_cost_cap(tmp_path):
    config = python_dataset_config(tmp_path / "data", 8, max_rounds=5, max_topup_cost_usd=0.0)
    with OfflineAnthropicServer(responder=_every_other_answer_broken) as server:
        generator = DatasetGenerator(config, offline_api(tmp_path / "cache", base_url=server.base_url))
        dataset = asyncio.run(generator.generate_dataset())
        billed = server.stats()["billed"]
    assert generator.rounds == 1 and billed == 8  # the first round only: its half that failed is not redone
    assert len(dataset) < 8 and sum(generator.short_of_quota.values()) == 8 - len(dataset)
    assert generator.stopped_by.startswith("data.max_topup_cost_usd: top-up rounds cost $0.0000")
    # Without the cap the same run tops the cells up.
    uncapped = python_dataset_config(tmp_path / "data2", 8, max_rounds=5)
    with OfflineAnthropicServer(responder=_every_other_answer_broken) as server:
        generator = DatasetGenerator(uncapped, offline_api(tmp_path / "cache2", base_url=server.base_url))
        assert len(asyncio.run(generator.generate_dataset())) == 8
    assert generator.rounds > 1 and generator.short_of_quota == {}


def test_the_split_keeps_near_duplicate_clusters_in_one_split(tmp_path):
    from datasets import Dataset

    rows = []
    for i in range(40):  # distinct rows in two strata
        words = " ".join(f"w{i}x{j}" for j in range(40))
        rows.append({"id": f"r{i}", "language": "python", "difficulty": ("easy", "hard")[i % 2],
                     "problem": words, "solution": "pass", "tests": "assert True"})  # fmt: skip
    for k in range(6):  # a cluster of near-duplicates: 60 words, one of them different in each
        words = " ".join(f"var{k}" if j == 10 * k else f"dup{j}" for j in range(60))
        rows.append({"id": f"d{k}", "language": "python", "difficulty": "easy",
                     "problem": words, "solution": "pass", "tests": "assert True"})  # fmt: skip
    generator = DatasetGenerator(python_dataset_config(tmp_path, 46), offline_api())
    splits = generator.split_dataset(Dataset.from_list(rows))
    where = {row["id"]: split for split, data in splits.items() for row in data}
    assert len({where[f"d{k}"] for k in range(6)}) == 1
    assert sum(len(data) for data in splits.values()) == 46
    targets = {"train": 36.8, "validation": 4.6, "test": 4.6}
    assert all(abs(len(splits[name]) - n) <= 6 for name, n in targets.items())
    again = generator.split_dataset(Dataset.from_list(rows))
    assert [r["id"] for r in again["test"]] == [r["id"] for r in splits["test"]]
