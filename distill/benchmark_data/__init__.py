"""Public benchmark files shipped inside the package (provenance and licenses: ``README.md`` here).

MBPP (``mbpp.jsonl``, ``sanitized-mbpp.json``), an APPS train-split sample (``apps-sample.jsonl``),
HumanEval-X (``humaneval-x/humanevalx_<lang>.jsonl.gz``) and MBPP+ (``mbpp-plus/``). They are read
through :func:`benchmark_file`, never from a path outside the package, so a clone or a wheel install
evaluates and decontaminates offline.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_dir() -> Path:
    """The folder holding the shipped files (a real folder: the package is never installed zipped)."""
    return Path(str(files(__name__)))


def benchmark_file(name: str) -> Path:
    """The shipped file ``name`` (relative to this package), or FileNotFoundError naming what exists."""
    path = data_dir() / name
    if not path.is_file():
        shipped = sorted(str(p.relative_to(data_dir())) for p in data_dir().rglob("*") if p.is_file())
        raise FileNotFoundError(f"{name}: not a benchmark file shipped with distill (shipped: {shipped})")
    return path
