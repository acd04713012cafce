"""The spec's ``src.claude_client`` module path."""

from distill.api.client import ClaudeAPIClient
from distill.api.rate_limiter import RateLimiter
from distill.api.types import CodeGenerationRequest, CodeGenerationResponse
from distill.config.schemas import ClaudeConfig

__all__ = [
    "ClaudeAPIClient",
    "ClaudeConfig",
    "CodeGenerationRequest",
    "CodeGenerationResponse",
    "RateLimiter",
]
