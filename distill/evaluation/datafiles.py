"""Reading benchmark files: JSON lines (optionally gzipped) or one JSON array, with errors that name
the file and line."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Every record of ``path`` (``.jsonl``, ``.jsonl.gz`` or a ``.json`` array); a bad line is an error."""
    path = Path(path)
    if not path.is_file():
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
        records = []
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc})") from exc
        return records


def require(record: dict[str, Any], fields: Iterable[str], where: str) -> None:
    """Raise a ValueError naming ``where`` when a record lacks one of ``fields``."""
    missing = [name for name in fields if name not in record]
    if missing:
        raise ValueError(f"{where}: missing field(s) {missing}")
