"""How a :class:`CodeGenerationRequest` becomes the Messages API parameters.

The system prompt is sent as one text block marked ``cache_control`` (prompt caching) when it is
long enough for the model to cache it: shorter prefixes are silently not cached, so marking them
would only make the cost estimate wrong. Sampling parameters are never sent (the API refuses them).
"""

from __future__ import annotations

import math
from typing import Any

from distill.api.types import CodeGenerationRequest
from distill.config.api import ClaudeConfig

CHARS_PER_TOKEN = 3.5  # estimate for rate limiting and budgets before the reply reports real usage


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def prompt_cache_min_tokens(model: str, table: dict[str, int]) -> int:
    """The model's shortest cacheable prefix: the longest matching model-id prefix, else ``default``."""
    matches = [prefix for prefix in table if prefix != "default" and model.startswith(prefix)]
    if matches:
        return table[max(matches, key=len)]
    return table.get("default", 4096)


def default_system(language: str) -> str:
    return (
        f"You are an expert {language} programmer. Answer with correct, idiomatic, self-contained "
        f"{language} code in one fenced code block."
    )


def user_message(request: CodeGenerationRequest) -> str:
    if request.system is not None:  # the caller built the whole prompt
        return request.instruction + (f"\n\n{request.context}" if request.context else "")
    parts = [
        request.instruction,
        f"\nLanguage: {request.language}\nDifficulty: {request.difficulty}\nStyle: {request.style}",
    ]
    if request.context:
        parts.append(f"\nContext:\n{request.context}")
    return "\n".join(parts)


def system_param(system: str, config: ClaudeConfig) -> str | list[dict[str, Any]]:
    """The system prompt, as a cached block when prompt caching is on and it is long enough."""
    if not config.prompt_caching or estimate_tokens(system) < prompt_cache_min_tokens(
        config.model, config.prompt_cache_min_tokens
    ):
        return system
    cache_control: dict[str, str] = {"type": "ephemeral"}
    if config.prompt_cache_ttl == "1h":
        cache_control["ttl"] = "1h"
    return [{"type": "text", "text": system, "cache_control": cache_control}]


def build_params(request: CodeGenerationRequest, config: ClaudeConfig) -> dict[str, Any]:
    system = request.system if request.system is not None else default_system(request.language)
    return {
        "model": config.model,
        "max_tokens": request.max_tokens or config.max_tokens,
        "system": system_param(system, config),
        "messages": [{"role": "user", "content": user_message(request)}],
    }


def system_text(params: dict[str, Any]) -> str:
    system = params.get("system") or ""
    return system if isinstance(system, str) else "".join(block["text"] for block in system)


def is_cached_prefix(params: dict[str, Any]) -> bool:
    system = params.get("system")
    return isinstance(system, list) and any("cache_control" in block for block in system)


def estimate_input_tokens(params: dict[str, Any]) -> tuple[int, int]:
    """(tokens of the system prompt, tokens of the messages), estimated from their length."""
    messages = sum(len(m["content"]) for m in params["messages"])
    return estimate_tokens(system_text(params)), math.ceil(messages / CHARS_PER_TOKEN)
