"""The response cache: any change that alters the answer misses; an identical request hits."""

from __future__ import annotations

import asyncio

import pytest
from fake_openai import FakeOpenAI, answer_for

from twinbench.models import (
    CallKey,
    GenerationSettings,
    Message,
    ResponseCache,
    cache_key,
    generate,
    make_provider,
    parse_spec,
)

MESSAGES = [Message(role="system", content="You write Python."), Message(role="user", content="move motor x")]
BASE = dict(
    provider="openai",
    endpoint="http://a/v1",
    model="m",
    messages=MESSAGES,
    settings=GenerationSettings(),
    sample=0,
)


@pytest.mark.parametrize(
    "change",
    [
        {"provider": "anthropic"},
        {"endpoint": "http://b/v1"},
        {"model": "m2"},
        {"messages": [MESSAGES[0], Message(role="user", content="move motor y")]},
        {"messages": MESSAGES[1:]},
        {"settings": GenerationSettings(temperature=0.7)},
        {"settings": GenerationSettings(top_p=0.9)},
        {"settings": GenerationSettings(max_tokens=100)},
        {"settings": GenerationSettings(seed=1)},
        {"settings": GenerationSettings(stop=("```",))},
        {"sample": 1},
    ],
)
def test_every_input_that_changes_the_answer_changes_the_key(change):
    assert cache_key(**{**BASE, **change}) != cache_key(**BASE)


def test_identical_requests_share_a_key():
    copy = [Message(role=m.role, content=m.content) for m in MESSAGES]
    assert cache_key(
        **{**BASE, "messages": copy, "settings": GenerationSettings(temperature=0.0)}
    ) == cache_key(**BASE)


def test_cache_against_a_real_server(tmp_path):
    cache = ResponseCache(tmp_path / "cache.sqlite")

    async def ask(url: str, model: str = "m", content: str = "move motor x", temperature: float = 0.0):
        provider = make_provider(parse_spec(f"openai:{model}@{url}"))
        try:
            return await generate(
                provider,
                [Message(role="user", content=content)],
                CallKey(task="t"),
                GenerationSettings(temperature=temperature),
                cache=cache,
            )
        finally:
            await provider.aclose()

    with FakeOpenAI() as one, FakeOpenAI() as two:
        first = asyncio.run(ask(one.base_url))
        assert not first.cached and len(one.calls) == 1
        again = asyncio.run(ask(one.base_url))
        assert again.cached and again.text == first.text and len(one.calls) == 1
        assert (again.tokens_in, again.tokens_out) == (first.tokens_in, first.tokens_out)

        warmer = asyncio.run(ask(one.base_url, temperature=0.5))
        assert (
            not warmer.cached and warmer.text == answer_for("move motor x", "m", 0.5) and len(one.calls) == 2
        )
        other_model = asyncio.run(ask(one.base_url, model="m2"))
        assert not other_model.cached and other_model.text == answer_for("move motor x", "m2", 0.0)
        one_byte = asyncio.run(ask(one.base_url, content="move motor y"))
        assert not one_byte.cached and len(one.calls) == 4
        other_endpoint = asyncio.run(ask(two.base_url))
        assert not other_endpoint.cached and len(two.calls) == 1
        assert asyncio.run(ask(one.base_url, model="m2")).cached and len(one.calls) == 4
    assert (cache.hits, cache.misses) == (2, 5)
    cache.close()


def test_failed_calls_are_not_cached(tmp_path):
    cache = ResponseCache(tmp_path / "cache.sqlite")
    with FakeOpenAI(fault_rate=1.0, faults=("400",)) as server:

        async def ask():
            provider = make_provider(parse_spec(f"openai:m@{server.base_url}"))
            try:
                return await generate(provider, MESSAGES, CallKey(task="t"), cache=cache)
            finally:
                await provider.aclose()

        assert asyncio.run(ask()).error is not None
        assert asyncio.run(ask()).error is not None
        assert len(server.calls) == 2 and cache.hits == 0
    cache.close()
