"""The retry policy: separate budgets for rate limits and transient faults, backoff with jitter."""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime
from time import time

from pydantic import BaseModel, ConfigDict, Field

from twinbench.models.errors import ProviderError


class RetryPolicy(BaseModel):
    """How often and how long to retry; the only retry layer in twinbench (SDK retries are off)."""

    model_config = ConfigDict(extra="forbid")

    max_transient_retries: int = Field(3, ge=0)
    max_rate_limit_retries: int = Field(8, ge=0)
    base_delay_s: float = Field(1.0, ge=0.0)
    rate_limit_base_delay_s: float = Field(5.0, ge=0.0)
    max_delay_s: float = Field(60.0, ge=0.0)
    max_retry_after_s: float = Field(300.0, ge=0.0)

    def may_retry(self, error: ProviderError, transient_retries: int, rate_limit_retries: int) -> bool:
        """Whether another attempt is allowed after `error`, given the retries spent so far."""
        if error.kind == "rate_limit":
            return rate_limit_retries < self.max_rate_limit_retries
        if error.kind == "transient":
            return transient_retries < self.max_transient_retries
        return False

    def delay(self, error: ProviderError, retry_number: int, rng: random.Random) -> float:
        """Seconds to wait before retry number `retry_number` (1-based) of this kind.

        A server's Retry-After wins (capped); otherwise exponential backoff with equal jitter.
        """
        if error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after_s)
        base = self.rate_limit_base_delay_s if error.kind == "rate_limit" else self.base_delay_s
        ceiling = min(base * 2 ** (retry_number - 1), self.max_delay_s)
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


def parse_retry_after(headers: dict[str, str] | None) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    if "retry-after-ms" in lowered:
        try:
            return max(float(lowered["retry-after-ms"]) / 1000, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time(), 0.0)
    except (TypeError, ValueError):
        return None
