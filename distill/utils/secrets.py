"""Keep secrets out of logs, saved configs, output folders and W&B."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# api_key, hf_token, password...; not max_tokens or max_prompt_tokens (counts, not secrets).
SECRET_KEY = re.compile(
    r"(api[_-]?key|secret|passw(or)?d|authorization|(^|[_.-])([a-z]+[_-])?token$)", re.IGNORECASE
)
REDACTED = "***REDACTED***"


def redact(value: Any) -> Any:
    """A copy of a nested dict/list in which every value under a secret-looking key is replaced."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if SECRET_KEY.search(str(k)) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_override(value)
    return value


def redact_override(text: str) -> str:
    """Command-line overrides (``api.api_key=sk-...``, or several joined by commas as in Hydra's
    ``override_dirname``) with secret values replaced."""

    def one(part: str) -> str:
        key, sep, _ = part.partition("=")
        return f"{key}={REDACTED}" if sep and SECRET_KEY.search(key.lstrip("+~")) else part

    return ",".join(one(part) for part in text.split(","))


def scrub_run_dir(run_dir: str | Path) -> None:
    """Hydra writes the composed config and the command-line overrides into ``.hydra/`` before our
    code runs; rewrite those files if a secret reached them (e.g. ``api.api_key=...`` was passed)."""
    for path in (Path(run_dir) / ".hydra").glob("*.yaml"):
        original = yaml.safe_load(path.read_text())
        cleaned = redact(original)
        if cleaned != original:
            path.write_text(yaml.safe_dump(cleaned, sort_keys=False))
