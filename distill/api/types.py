"""Request and response records of the Claude client (the spec's data classes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class CodeGenerationRequest:
    instruction: str
    language: str
    context: str | None = None
    difficulty: str = "medium"  # easy, medium, hard
    style: str = "clean"  # clean, documented, optimized
    max_tokens: int | None = None
    temperature: float | None = None  # kept for compatibility; never sent (the API refuses it)
    # beyond the spec: a system prompt of the caller's own (else the client's default for code)
    system: str | None = None


@dataclass
class CodeGenerationResponse:
    instruction: str
    generated_code: str
    language: str
    tokens_used: int
    generation_time: float
    success: bool
    error: str | None = None
    metadata: dict[str, Any] | None = None


# generate_batch's progress_callback(done, total, response)
ProgressCallback = Callable[[int, int, CodeGenerationResponse], None]
