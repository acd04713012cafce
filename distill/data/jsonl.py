"""The one JSON reader and writer of the project: JSON lines (optionally gzipped) or one JSON array.

Reading is strict: a line that is not JSON is an error naming the file and line. The single
exception is a journal (``journal=True``: the generator's intermediate rows), whose *last* line may
have been cut short by a crash; that line is skipped with a warning and the rest is kept.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def read_records(path: str | Path, journal: bool = False) -> list[dict[str, Any]]:
    """Every record of ``path`` (``.jsonl``, ``.jsonl.gz`` or a ``.json`` array).

    A journal that does not exist yet has no records; any other missing file is an error.
    """
    path = Path(path)
    if not path.is_file():
        if journal and not path.exists():
            return []
        raise FileNotFoundError(f"{path}: no such file")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        if path.suffix == ".json":
            try:
                records = json.load(fh)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: not valid JSON ({exc})") from exc
            if not isinstance(records, list):
                raise ValueError(f"{path}: expected a JSON array of records")
            return records
        lines = fh.read().split("\n")
    records = []
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if journal and index == last:
                log.warning("%s:%d: skipping a last row cut short (%s)", path, index + 1, exc)
                continue
            raise ValueError(f"{path}:{index + 1}: not valid JSON ({exc})") from exc
    return records


def append_records(path: Path, rows: list[dict[str, Any]]) -> None:
    """Append rows and fsync: once this returns they survive a crash."""
    if not rows:
        return
    with open(path, "a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def write_records(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write rows as JSON lines, replacing the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def require(record: dict[str, Any], fields: Iterable[str], where: str) -> None:
    """Raise a ValueError naming ``where`` when a record lacks one of ``fields``."""
    missing = [name for name in fields if name not in record]
    if missing:
        raise ValueError(f"{where}: missing field(s) {missing}")
