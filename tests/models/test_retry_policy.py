"""Retry policy arithmetic and Retry-After parsing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from twinbench.models import ProviderError, RetryPolicy
from twinbench.models.retry import parse_retry_after

POLICY = RetryPolicy(base_delay_s=1.0, rate_limit_base_delay_s=4.0, max_delay_s=10.0, max_retry_after_s=30.0)


def test_backoff_doubles_with_jitter_and_is_capped():
    rng = random.Random(0)
    transient = ProviderError("transient", "http 500")
    for retry, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)]:
        delays = [POLICY.delay(transient, retry, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 100  # jittered, not a constant


def test_rate_limits_back_off_from_their_own_base_and_honour_retry_after():
    rng = random.Random(0)
    assert 2.0 <= POLICY.delay(ProviderError("rate_limit", "429"), 1, rng) <= 4.0
    assert POLICY.delay(ProviderError("rate_limit", "429", retry_after=7.5), 1, rng) == 7.5
    assert POLICY.delay(ProviderError("transient", "503", retry_after=0.25), 3, rng) == 0.25
    assert POLICY.delay(ProviderError("rate_limit", "429", retry_after=3600), 1, rng) == 30.0


def test_budgets_are_separate_and_fatal_errors_never_retry():
    policy = RetryPolicy(max_transient_retries=1, max_rate_limit_retries=3)
    rate, transient = ProviderError("rate_limit", "429"), ProviderError("transient", "500")
    assert policy.may_retry(rate, transient_retries=1, rate_limit_retries=2)
    assert not policy.may_retry(rate, transient_retries=0, rate_limit_retries=3)
    assert not policy.may_retry(transient, transient_retries=1, rate_limit_retries=0)
    assert not policy.may_retry(ProviderError("fatal", "400"), 0, 0)


def test_retry_after_forms():
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"retry-after": "0.05"}) == 0.05
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    in_ten = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    assert 8.0 < parse_retry_after({"Retry-After": in_ten}) <= 10.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None
