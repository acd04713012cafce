"""PyTorch's intra-op threads on CPU: the cores this process may use, divided among the parallel jobs.

PyTorch starts one intra-op thread per core in every process. Jobs run side by side (a joblib sweep,
``hydra/launcher=joblib_cpu``) then run cores x jobs threads on the cores and wait on each other: on
2 cores that was a 5-10x slowdown. The framework sets the count itself, ``trainer.cpu_threads`` when
given; otherwise an ``OMP_NUM_THREADS`` in the environment is the user's choice and is kept; otherwise
cores // parallel jobs (at least 1).
"""

from __future__ import annotations

import os


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or taskset narrows)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def cpu_threads_for(requested: int | None, parallel_jobs: int = 1) -> int | None:
    """The intra-op thread count to set, or None to leave the environment's ``OMP_NUM_THREADS``."""
    if requested is not None:
        return requested
    if os.environ.get("OMP_NUM_THREADS"):
        return None
    cores = available_cores()
    jobs = cores if parallel_jobs < 1 else parallel_jobs  # joblib's n_jobs=-1: one job per core
    return max(1, cores // jobs)


def set_cpu_threads(requested: int | None, parallel_jobs: int = 1) -> int:
    """Apply :func:`cpu_threads_for` to PyTorch; return the intra-op thread count now in use."""
    import torch

    threads = cpu_threads_for(requested, parallel_jobs)
    if threads is not None:
        torch.set_num_threads(threads)
    return torch.get_num_threads()
