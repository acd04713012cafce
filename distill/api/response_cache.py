"""A durable, append-only store of paid API responses, so that no request is paid for twice.

One JSON record per line; each is flushed and fsync'ed before the request counts as done. A line
cut short by a crash is skipped on reload (and the request is made again).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def request_key(payload: dict[str, Any]) -> str:
    """A stable hash of everything that determines the answer."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class ResponseCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._records: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            self._load()
        self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for appends
        if self._ends_mid_line():
            self._fh.write("\n")  # end a line cut short by a crash, so the next record parses

    def _load(self) -> None:
        with open(self.path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    log.warning("%s:%d: skipping an incomplete record (interrupted write)", self.path, number)
                    continue
                self._records[record["key"]] = record["response"]

    def _ends_mid_line(self) -> bool:
        if self.path.stat().st_size == 0:
            return False
        with open(self.path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) != b"\n"

    def __contains__(self, key: str) -> bool:
        return key in self._records

    def __len__(self) -> int:
        return len(self._records)

    def get(self, key: str) -> dict[str, Any] | None:
        return self._records.get(key)

    def put(self, key: str, response: dict[str, Any]) -> None:
        self._fh.write(json.dumps({"key": key, "response": response}, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._records[key] = response

    def close(self) -> None:
        self._fh.close()
