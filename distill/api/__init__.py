"""Stage 1 transport: the Claude client, its rate limiter and cache, and the offline server."""

from distill.api.client import BudgetExceededError, ClaudeAPIClient, FatalAPIError
from distill.api.rate_limiter import RateLimiter
from distill.api.types import CodeGenerationRequest, CodeGenerationResponse

__all__ = [
    "BudgetExceededError",
    "ClaudeAPIClient",
    "CodeGenerationRequest",
    "CodeGenerationResponse",
    "FatalAPIError",
    "RateLimiter",
]
