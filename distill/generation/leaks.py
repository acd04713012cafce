"""Secrets that must not end up in a dataset: API keys, tokens and private keys in generated text.

A sample that contains one is rejected, and the rejected row keeps only a redacted copy: a secret never
reaches an output file or a log. The patterns are the providers' documented token formats (prefix and
length), which rarely match ordinary code.
"""

from __future__ import annotations

import re

from distill.utils.secrets import REDACTED

SECRET_PATTERNS = {
    "Anthropic API key": r"\bsk-ant-[A-Za-z0-9_-]{20,}",
    "OpenAI API key": r"\bsk-(?!ant-)(?:proj-)?[A-Za-z0-9_-]{32,}",
    "AWS access key id": r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    "AWS secret access key": r"(?i)aws_secret_access_key\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}",
    "GitHub token": r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
    "GitLab token": r"\bglpat-[A-Za-z0-9_-]{20,}",
    "Slack token": r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
    "Google API key": r"\bAIza[0-9A-Za-z_-]{35}",
    "Stripe secret key": r"\b[rs]k_live_[0-9A-Za-z]{24,}",
    "Hugging Face token": r"\bhf_[A-Za-z0-9]{34,}",
    "private key": r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in SECRET_PATTERNS.items()}


def find_secrets(text: str) -> list[str]:
    """Where secrets occur: ``"<kind> at line <n>"``, in order; never the secret itself."""
    found = []
    for kind, pattern in _COMPILED.items():
        for match in pattern.finditer(text):
            found.append((match.start(), f"{kind} at line {text.count(chr(10), 0, match.start()) + 1}"))
    return [where for _, where in sorted(found)]


def redact_secrets(text: str) -> str:
    for pattern in _COMPILED.values():
        text = pattern.sub(REDACTED, text)
    return text
