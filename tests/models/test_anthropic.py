"""`anthropic:` through the anthropic SDK against a real Messages-API server on 127.0.0.1."""

from __future__ import annotations

import asyncio

from fake_openai import FakeOpenAI, answer_for

from twinbench.models import CallKey, Message, RetryPolicy, generate, make_provider, parse_spec

POLICY = RetryPolicy(
    max_transient_retries=2, max_rate_limit_retries=2, base_delay_s=0.005, rate_limit_base_delay_s=0.005
)


def ask(url: str, content: str, timeout_s: float = 30.0):
    """One generation; only a `timeout` fault should outlast `timeout_s` (a busy machine must not)."""
    spec = parse_spec(f"anthropic:claude-test@{url.removesuffix('/v1')}").model_copy(
        update={"timeout_s": timeout_s, "retry": POLICY}
    )
    messages = [Message(role="system", content="Be brief."), Message(role="user", content=content)]

    async def go():
        provider = make_provider(spec)
        try:
            return await generate(provider, messages, CallKey(task=content))
        finally:
            await provider.aclose()

    return asyncio.run(go())


def test_answers_with_tokens_and_system_prompt_split_off():
    with FakeOpenAI() as server:
        record = ask(server.base_url, "hello")
    assert record.ok and record.text == answer_for("hello", "claude-test", 0.0)
    assert (record.tokens_in, record.tokens_out) == (1, len(record.text.split()))
    assert server.calls == [("hello", "ok")]


def test_sdk_retries_are_off_and_faults_follow_the_policy():
    with FakeOpenAI(fault_rate=1.0, faults=("429",), retry_after="0.01") as server:
        limited = ask(server.base_url, "busy")
    assert len(server.calls) == 3 and limited.attempts == 3  # 1 call + 2 rate-limit retries, no SDK retries
    assert limited.error.kind == "rate_limit" and limited.error.reason.startswith("http 429")
    with FakeOpenAI(fault_rate=1.0, faults=("cutoff", "500", "timeout"), hang_s=30.0) as server:
        broken = ask(server.base_url, "down", timeout_s=2.0)
    assert len(server.calls) == 3 and broken.error.kind == "transient"
