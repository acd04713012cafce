"""A durable, append-only store of paid API responses, so that no request is paid for twice.

One JSON record per line; each is flushed and fsync'ed before the request counts as done. A line
cut short by a crash is skipped on reload (and the request is made again). :class:`DurableLog` is
the file format; :class:`ResponseCache` and the batch journal (:mod:`distill.api.batches`) use it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def request_key(payload: dict[str, Any]) -> str:
    """A stable hash of everything that determines the answer."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class DurableLog:
    """JSON records appended one per line, each on disk (fsync) before :meth:`append` returns."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = None

    def records(self) -> Iterator[dict[str, Any]]:
        """The complete records on disk (a line cut short by a crash is skipped with a warning)."""
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    log.warning("%s:%d: skipping an incomplete record (interrupted write)", self.path, number)

    def append(self, record: dict[str, Any]) -> None:
        if self._fh is None:
            ends_mid_line = self.path.exists() and self.path.stat().st_size > 0 and self._last_byte() != b"\n"
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for appends
            if ends_mid_line:
                self._fh.write("\n")  # end a line cut short by a crash, so the next record parses
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def _last_byte(self) -> bytes:
        with open(self.path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class ResponseCache:
    """Paid responses by request key, loaded from and appended to ``path``."""

    def __init__(self, path: str | Path) -> None:
        self._log = DurableLog(path)
        self.path = self._log.path
        self._records: dict[str, dict[str, Any]] = {r["key"]: r["response"] for r in self._log.records()}

    def __contains__(self, key: str) -> bool:
        return key in self._records

    def __len__(self) -> int:
        return len(self._records)

    def get(self, key: str) -> dict[str, Any] | None:
        return self._records.get(key)

    def put(self, key: str, response: dict[str, Any]) -> None:
        self._log.append({"key": key, "response": response})
        self._records[key] = response

    def close(self) -> None:
        self._log.close()
