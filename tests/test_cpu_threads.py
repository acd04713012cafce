"""PyTorch's intra-op threads: trainer.cpu_threads, else OMP_NUM_THREADS, else cores // parallel jobs."""

from __future__ import annotations

import pytest
import torch

from distill.config.errors import ConfigError
from distill.config.schemas import TrainerConfig
from distill.utils import threads


@pytest.fixture
def four_cores(monkeypatch):
    monkeypatch.setattr(threads, "available_cores", lambda: 4)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)


def test_the_cores_are_divided_among_the_parallel_jobs(four_cores):
    assert threads.cpu_threads_for(None, parallel_jobs=1) == 4
    assert threads.cpu_threads_for(None, parallel_jobs=2) == 2
    assert threads.cpu_threads_for(None, parallel_jobs=8) == 1  # never below one
    assert threads.cpu_threads_for(None, parallel_jobs=-1) == 1  # joblib's n_jobs=-1: a job per core


def test_an_explicit_count_wins_and_omp_num_threads_is_kept(four_cores, monkeypatch):
    assert threads.cpu_threads_for(3, parallel_jobs=2) == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert threads.cpu_threads_for(None, parallel_jobs=1) is None
    assert threads.cpu_threads_for(2, parallel_jobs=1) == 2


def test_set_cpu_threads_applies_the_count_to_torch(four_cores):
    before = torch.get_num_threads()
    try:
        assert threads.set_cpu_threads(None, parallel_jobs=4) == 1
        assert threads.set_cpu_threads(2) == 2
    finally:
        torch.set_num_threads(before)


def test_a_non_positive_cpu_threads_names_the_key():
    with pytest.raises(ConfigError, match=r"trainer\.cpu_threads"):
        TrainerConfig(cpu_threads=0)
