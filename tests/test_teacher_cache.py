"""The cached teacher (teacher=topk_cache, distill-cache-teacher): written once, checked against the
run, attached to batches, and giving the KD loss of the online teacher.

The approximation, stated: a cache keeps the teacher's top-k log-probabilities per token. With
``loss.topk_missing_mass=tail`` the KD term compares the two distributions coarsened to the top-k ids
plus one bucket for all other ids. At k = V (nothing outside) it is the dense KD exactly; for k < V it
equals the online teacher reduced to its top-k in the loss (``loss.teacher_top_k=k``), and by the
data-processing inequality it is at most the dense forward KL.
"""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest
import torch
from conftest import tiny_student_config
from helpers import saved_student_and_teacher

from distill.config.schemas import LossConfig, TeacherConfig, TinyLlamaSpec, TokenizerSpec
from distill.data.datamodule import load_split
from distill.data.jsonl import write_records
from distill.losses.sources import TOPK_IDS_KEY, TOPK_LOGPROBS_KEY
from distill.training.system import KnowledgeDistillationSystem
from distill.training.topk_cache import PROGRESS_FILE, TopKCache, write_topk_cache

TEACHER_SPEC = TinyLlamaSpec(hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=2,
                             num_key_value_heads=2, init_seed=3)  # fmt: skip
LOSS = LossConfig(temperature=2.0, distillation_weight=0.7, task_weight=0.3)


@pytest.fixture(scope="module")
def models(generated_dataset, tmp_path_factory):
    """A student base and a teacher saved with save_pretrained, sharing the student's tokenizer."""
    return saved_student_and_teacher(generated_dataset, tmp_path_factory.mktemp("cache_models"), TEACHER_SPEC)


def _system(dataset, root, models, teacher_kind="topk_cache", loss=LOSS, **teacher):
    base, teacher_dir, _ = models
    config = tiny_student_config(dataset, root, student_model_name=base, eval_batch_size=16)
    settings = dict(kind=teacher_kind, model_name_or_path=teacher_dir, cache_dir=str(root / "cache"))
    return KnowledgeDistillationSystem(config, loss, TeacherConfig(**(settings | teacher)))


def _losses(system, batch):
    system.setup_model_and_tokenizer()
    system.prepare_teacher()
    module = system.build_module(system.build_loss())
    module.student.eval()
    with torch.no_grad():
        return module.compute_loss(batch)[1]


def _cached_batch(dataset, root, models, **teacher):
    writer = _system(dataset, root, models, **teacher)
    header = writer.cache_teacher()
    reader = _system(dataset, root, models, **teacher)
    reader.load_dataset()
    reader.prepare_teacher()
    batch = next(iter(reader.datamodule.val_dataloader()))
    return header, reader, batch


def test_a_cache_with_every_id_gives_the_online_teachers_kd_loss(generated_dataset, tmp_path, models):
    vocab = models[2]
    header, reader, batch = _cached_batch(
        generated_dataset, tmp_path, models, top_k=vocab, logprob_dtype="float32"
    )
    assert header["complete"] and header["k"] == vocab and header["temperature"] == LOSS.temperature
    assert header["id_dtype"] == "uint16" and header["vocab_size"] == vocab and header["max_length"] == 256
    assert {"tokenizer_fingerprint", "dataset_fingerprint"} <= set(header)
    assert header["splits"]["train"]["examples"] == 72 and header["splits"]["validation"]["examples"] == 9
    ids = np.load(tmp_path / "cache" / "train" / "ids.npy", mmap_mode="r")
    assert ids.dtype == np.uint16 and ids.shape == (header["splits"]["train"]["tokens"], vocab)
    assert batch[TOPK_IDS_KEY].dtype == torch.uint16 and batch[TOPK_LOGPROBS_KEY].dtype == torch.float32
    assert reader.teacher is None and reader.teacher_info["kind"] == "topk_cache"

    cached = _losses(reader, batch)
    online_batch = {k: v for k, v in batch.items() if not k.startswith("teacher_topk")}
    online = _losses(_system(generated_dataset, tmp_path, models, teacher_kind="hf"), online_batch)
    assert cached["kd"].item() == pytest.approx(online["kd"].item(), rel=1e-5)
    assert cached["total"].item() == pytest.approx(online["total"].item(), rel=1e-5)


def test_a_top_k_cache_equals_the_online_top_k_and_bounds_the_dense_kd(generated_dataset, tmp_path, models):
    k = 8
    _, reader, batch = _cached_batch(generated_dataset, tmp_path, models, top_k=k, logprob_dtype="float16")
    assert batch[TOPK_LOGPROBS_KEY].dtype == torch.float16 and batch[TOPK_IDS_KEY].shape[-1] == k
    cached = _losses(reader, batch)["kd"].item()
    online_batch = {key: v for key, v in batch.items() if not key.startswith("teacher_topk")}
    online_topk = dataclasses.replace(LOSS, teacher_top_k=k)
    live_topk = _losses(_system(generated_dataset, tmp_path, models, "hf", online_topk), online_batch)[
        "kd"
    ].item()
    dense = _losses(_system(generated_dataset, tmp_path, models, "hf"), online_batch)["kd"].item()
    assert cached == pytest.approx(live_topk, rel=2e-3)  # float16 log-probabilities: ~3 significant digits
    assert cached < dense


def test_a_cache_from_other_data_tokenizer_or_length_is_refused(generated_dataset, tmp_path, models):
    _system(generated_dataset, tmp_path, models, top_k=4).cache_teacher()
    cache = str(tmp_path / "cache")

    longer = _system(generated_dataset, tmp_path / "longer", models, top_k=4, cache_dir=cache)
    longer.config = dataclasses.replace(longer.config, max_length=200)
    with pytest.raises(ValueError, match="max_length: cache 256, this run 200"):
        longer.prepare_teacher()

    edited = tmp_path / "edited"
    edited.mkdir()
    for split in ("train", "validation"):
        rows = load_split(generated_dataset, split)
        if split == "train":
            rows[5] = {**rows[5], "solution": rows[5]["solution"] + "\n# edited"}
        write_records(edited / f"{split}.jsonl", rows)
    other_data = _system(edited, tmp_path / "data", models, top_k=4, cache_dir=cache)
    with pytest.raises(ValueError, match="the training rows differ"):
        other_data.prepare_teacher()

    config = tiny_student_config(
        generated_dataset, tmp_path / "tok", tokenizer_build=TokenizerSpec(vocab_size=500)
    )
    other_tokenizer = KnowledgeDistillationSystem(
        config, LOSS, TeacherConfig(kind="topk_cache", cache_dir=cache)
    )
    with pytest.raises(
        ValueError, match="the student's tokenizer is not the one the cache was tokenized with"
    ):
        other_tokenizer.prepare_teacher()

    with pytest.raises(ValueError, match=r"holds another cache \(k: cache 4, this run 6"):
        _system(generated_dataset, tmp_path, models, top_k=6).cache_teacher()
    with pytest.raises(FileNotFoundError, match=r"teacher\.cache_dir: no teacher cache at"):
        TopKCache(tmp_path / "nowhere")


def test_an_interrupted_cache_refuses_to_train_and_resumes_where_it_stopped(
    generated_dataset, tmp_path, models
):
    system = _system(generated_dataset, tmp_path, models, top_k=5, cache_batch_size=8)
    system.cache_teacher()  # the reference, written in one go
    reference = {name: np.load(tmp_path / "cache" / "train" / name) for name in ("ids.npy", "logprobs.npy")}
    header = json.loads((tmp_path / "cache" / "header.json").read_text())
    shutil.rmtree(tmp_path / "cache")

    from distill.training.teacher import load_hf_teacher

    teacher = load_hf_teacher(system.teacher_config, system.tokenizer, "student")
    datasets = {"train": system.datamodule.train_dataset, "validation": system.datamodule.val_dataset}
    calls, crash_at = [], [4]

    class Interrupted(RuntimeError):
        pass

    def count_and_crash(_module, _args):
        calls.append(1)
        if len(calls) == crash_at[0]:
            raise Interrupted

    teacher.register_forward_pre_hook(count_and_crash)
    identity = {key: value for key, value in header.items() if key != "complete"}
    with pytest.raises(Interrupted):
        write_topk_cache(teacher, datasets, tmp_path / "cache", identity, 8, system.tokenizer.pad_token_id)
    assert json.loads((tmp_path / "cache" / PROGRESS_FILE).read_text()) == {"batches": 3}
    with pytest.raises(ValueError, match="is incomplete"):
        TopKCache(tmp_path / "cache")
    calls.clear()
    crash_at[0] = 0
    resumed = write_topk_cache(
        teacher, datasets, tmp_path / "cache", identity, 8, system.tokenizer.pad_token_id
    )
    assert resumed["complete"] and len(calls) == 9 + 2 - 3  # 72/8 + ceil(9/8) batches, 3 already written
    for name, expected in reference.items():
        assert np.array_equal(np.load(tmp_path / "cache" / "train" / name), expected), name
    assert not (tmp_path / "cache" / PROGRESS_FILE).exists()


def test_a_fit_with_the_cached_teacher_logs_kd_without_a_teacher_in_memory(
    generated_dataset, tmp_path, models
):
    from distill.config.schemas import TrainerConfig

    _system(generated_dataset, tmp_path, models, top_k=16).cache_teacher()
    system = _system(generated_dataset, tmp_path, models, top_k=16)
    system.config = dataclasses.replace(system.config, packing=True)
    system.trainer_config = TrainerConfig(enable_progress_bar=False, max_steps=3)
    results = system.run_full_training()
    assert system.teacher is None and results["teacher"]["kind"] == "topk_cache"
    assert {"train/kd", "val/kd"} <= set(results["train"]) | set(results["eval"])
    assert results["steps"] == 3 and results["packed_rows"] < results["train_examples"]


@pytest.mark.slow
def test_the_cache_command_writes_what_distill_train_reads(generated_dataset, tmp_path, models):
    """distill-cache-teacher then distill-train teacher=topk_cache, as a user runs them (same overrides)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    base, teacher_dir, _ = models
    shared = [f"data.output_dir={generated_dataset}", f"distillation.student_model_name={base}",
              "distillation.max_length=256", f"teacher.model_name_or_path={teacher_dir}",
              f"teacher.cache_dir={tmp_path / 'cache'}", "teacher.top_k=16", "logger=none",
              "trainer.enable_progress_bar=false"]  # fmt: skip
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "HYDRA_FULL_ERROR": "1"}

    def run(command, *args):
        result = subprocess.run([str(bin_dir / command), *shared, *args], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]

    run("distill-cache-teacher", f"hydra.run.dir={tmp_path / 'cache_run'}")
    header = json.loads((tmp_path / "cache" / "header.json").read_text())
    assert header["complete"] and header["k"] == 16 and header["teacher"] == teacher_dir
    assert json.loads((tmp_path / "cache_run" / "metrics.json").read_text())["k"] == 16
    run("distill-train", "teacher=topk_cache", "loss=kd_topk", "distillation.num_epochs=1",
        "distillation.packing=true", f"hydra.run.dir={tmp_path / 'train_run'}")  # fmt: skip
    metrics = json.loads((tmp_path / "train_run" / "metrics.json").read_text())
    assert metrics["teacher"]["kind"] == "topk_cache" and "train/kd" in metrics["train"]
