"""generate(): the one retry loop, the cache lookup and the per-call record."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence

from twinbench.models.cache import ResponseCache, cache_key
from twinbench.models.errors import ProviderError
from twinbench.models.limits import gate_for
from twinbench.models.provider import Provider
from twinbench.models.retry import RetryPolicy
from twinbench.models.types import CallError, CallKey, CallRecord, Completion, GenerationSettings, Message

_rng = random.Random()


async def _attempt(
    provider: Provider, messages: list[Message], settings: GenerationSettings, key: CallKey
) -> Completion:
    """One attempt under the endpoint's concurrency cap and the per-call timeout."""
    spec = provider.spec
    async with gate_for(spec.endpoint, spec.concurrency).slot():
        try:
            return await asyncio.wait_for(
                provider.complete(messages, settings, key, spec.timeout_s), spec.timeout_s
            )
        except TimeoutError:
            raise ProviderError("transient", f"timeout after {spec.timeout_s:g}s") from None
        except ProviderError:
            raise
        except Exception as exc:  # a provider bug must end this cell, not the whole run
            raise ProviderError("fatal", f"{type(exc).__name__}: {exc}") from exc


async def generate(
    provider: Provider,
    messages: Sequence[Message],
    key: CallKey,
    settings: GenerationSettings | None = None,
    *,
    cache: ResponseCache | None = None,
    policy: RetryPolicy | None = None,
    rng: random.Random | None = None,
) -> CallRecord:
    """Ask `provider` for one completion, retrying per `policy`; never raises for a failed call.

    The returned record holds the answer or the final error, tokens, latency of the last attempt,
    attempts and retries, cost when the spec has pricing, and whether the cache answered.
    """
    spec = provider.spec
    settings = settings or spec.settings
    policy = policy or spec.retry
    rng = rng or _rng
    messages = list(messages)
    ck = cache_key(spec.provider, spec.endpoint, spec.model, messages, settings, key.sample)
    record = CallRecord(
        key=key, model=spec.name, provider=spec.provider, endpoint=spec.endpoint, cache_key=ck
    )
    if cache is not None and (hit := cache.get(ck)) is not None:
        return _with_completion(record, hit, provider, cached=True)
    loop = asyncio.get_running_loop()
    transient = rate_limited = 0
    while True:
        record.attempts += 1
        started = time.perf_counter()
        try:
            completion = await _attempt(provider, messages, settings, key)
        except ProviderError as err:
            record.latency_s = time.perf_counter() - started
            record.attempt_errors.append(f"{err.kind}: {err.reason}")
            if not policy.may_retry(err, transient, rate_limited):
                record.error = CallError(kind=err.kind, reason=err.reason)
                return record
            if err.kind == "rate_limit":
                rate_limited += 1
                delay = policy.delay(err, rate_limited, rng)
                gate_for(spec.endpoint, spec.concurrency).pause_until(loop.time() + delay)
            else:
                transient += 1
                delay = policy.delay(err, transient, rng)
            record.retries += 1
            await asyncio.sleep(delay)
            continue
        record.latency_s = time.perf_counter() - started
        if cache is not None:
            cache.put(ck, completion)
        return _with_completion(record, completion, provider, cached=False)


def _with_completion(
    record: CallRecord, completion: Completion, provider: Provider, cached: bool
) -> CallRecord:
    pricing = provider.spec.pricing
    return record.model_copy(
        update={
            "text": completion.text,
            "tokens_in": completion.tokens_in,
            "tokens_out": completion.tokens_out,
            "cached": cached,
            "cost_usd": None
            if pricing is None
            else (0.0 if cached else pricing.cost(completion.tokens_in, completion.tokens_out)),
        }
    )
