"""What requests cost: the usage of a reply, its price, running totals and the budget cap.

Prices come from the dated table in ``conf/api/pricing/`` (``ClaudeConfig.prices``): input, output,
cache writes (5-minute and 1-hour) and cache reads per million tokens, each x0.5 in a Message Batch.
The budget reserves a request's worst case (its estimated input and all of ``max_tokens``) before
it starts and refuses one that could pass ``api.max_cost_usd``, counting what is already in flight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from distill.api.errors import BudgetExceededError
from distill.config.pricing import BATCH_DISCOUNT, ModelPrice


@dataclass
class TokenUsage:
    """The four input classes and the output of one reply (``cache_write`` = 5 m + 1 h writes)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_write_1h_tokens: int = 0  # the part of cache_write_tokens written for an hour
    cache_read_tokens: int = 0

    @classmethod
    def of(cls, usage: Any, default_ttl: str = "5m") -> TokenUsage:
        """From the SDK's ``Usage`` (cache writes without a 5 m / 1 h split count at ``default_ttl``)."""
        writes = usage.cache_creation_input_tokens or 0
        split = getattr(usage, "cache_creation", None)
        if split is not None:
            writes_1h = split.ephemeral_1h_input_tokens or 0
        else:
            writes_1h = writes if default_ttl == "1h" else 0
        return cls(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_write_tokens=writes,
            cache_write_1h_tokens=writes_1h,
            cache_read_tokens=usage.cache_read_input_tokens or 0,
        )

    def as_record(self) -> dict[str, int]:
        """The API's names, as stored in the response cache and in response metadata."""
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_write_tokens,
            "cache_creation_1h_input_tokens": self.cache_write_1h_tokens,
            "cache_read_input_tokens": self.cache_read_tokens,
        }

    @property
    def rate_limited_input(self) -> int:
        """The input tokens that count toward the input-token limit (cache reads mostly do not)."""
        return self.input_tokens + self.cache_write_tokens


def price_usd(price: ModelPrice | None, usage: TokenUsage, batch: bool = False) -> float:
    if price is None:
        return 0.0
    writes_5m = usage.cache_write_tokens - usage.cache_write_1h_tokens
    cost = (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + writes_5m * price.cache_write_5m
        + usage.cache_write_1h_tokens * price.cache_write_1h
        + usage.cache_read_tokens * price.cache_read
    ) / 1e6
    return cost * (BATCH_DISCOUNT if batch else 1.0)


@dataclass
class UsageTotals:
    requests: int = 0  # requests answered by the API (cache hits excluded)
    attempts: int = 0  # HTTP attempts, retries included
    retries: int = 0
    rate_limited: int = 0  # attempts refused for the rate limit (429), of `attempts`
    cache_hits: int = 0
    failures: int = 0
    batch_requests: int = 0  # of `requests`, answered through Message Batches
    batches_submitted: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    cost_usd: float = 0.0

    def add(self, usage: TokenUsage, cost: float, batch: bool = False) -> None:
        self.requests += 1
        self.batch_requests += int(batch)
        self.input_tokens += usage.input_tokens
        self.output_tokens += usage.output_tokens
        self.cache_write_tokens += usage.cache_write_tokens
        self.cache_read_tokens += usage.cache_read_tokens
        self.cost_usd += cost


class Budget:
    """``api.max_cost_usd``: reserve each request's worst case before it starts."""

    def __init__(self, limit_usd: float | None, totals: UsageTotals, cache_dir: str | None) -> None:
        self.limit_usd = limit_usd
        self.totals = totals
        self.cache_dir = cache_dir
        self.reserved_usd = 0.0
        self.exceeded: BudgetExceededError | None = None  # once set, nothing more starts

    def affordable(self, worst_cases_usd: list[float]) -> int:
        """How many of these requests, taken in order, fit the budget now."""
        if self.exceeded is not None:
            return 0
        if self.limit_usd is None:
            return len(worst_cases_usd)
        room = self.limit_usd - self.totals.cost_usd - self.reserved_usd
        count = 0
        for cost in worst_cases_usd:
            if cost > room:
                break
            room -= cost
            count += 1
        return count

    def reserve(self, worst_case_usd: float) -> None:
        if self.exceeded is not None:
            raise self.exceeded
        limit = self.limit_usd
        if limit is not None and self.totals.cost_usd + self.reserved_usd + worst_case_usd > limit:
            saved = (
                f"every response so far is saved in {self.cache_dir}"
                if self.cache_dir
                else "api.cache_dir is unset"
            )
            self.exceeded = BudgetExceededError(
                f"api.max_cost_usd={limit}: spent ${self.totals.cost_usd:.4f} with ${self.reserved_usd:.4f} in "
                f"flight; the next request(s) could cost up to ${worst_case_usd:.4f}, so no more are started. "
                f"The requests in flight are finished and {saved}; rerun with a higher api.max_cost_usd "
                "to go on (answered requests are not paid again)."
            )
            raise self.exceeded
        self.reserved_usd += worst_case_usd

    def release(self, worst_case_usd: float) -> None:
        self.reserved_usd -= worst_case_usd
