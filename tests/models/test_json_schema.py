"""Structured output: a settings' JSON schema is validated, keyed, and sent to real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json

import pytest
from fake_openai import FakeOpenAI, answer_for
from pydantic import ValidationError

from twinbench.judge import Rubric
from twinbench.models import CallKey, GenerationSettings, Message, cache_key, generate, make_provider, parse_spec

SCHEMA = Rubric.load().grade_schema()
STRUCTURED = GenerationSettings(max_tokens=32).with_schema(SCHEMA)
MESSAGES = [Message(role="user", content="grade this")]


def ask(spec: str, settings: GenerationSettings):
    async def go():
        provider = make_provider(parse_spec(spec))
        try:
            return await generate(provider, MESSAGES, CallKey(task="t"), settings)
        finally:
            await provider.aclose()

    return asyncio.run(go())


def test_the_openai_provider_sends_the_schema_as_strict_json_schema():
    with FakeOpenAI() as server:
        record = ask(f"openai:m@{server.base_url}", STRUCTURED)
    assert record.ok and record.text == answer_for("grade this", "m", 0.0)
    [body] = server.bodies
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": SCHEMA, "strict": True},
    }
    assert list(body["response_format"]["json_schema"]["schema"]["properties"]) == ["grade", "reason"]


def test_the_anthropic_provider_sends_the_schema_as_its_output_format():
    with FakeOpenAI() as server:
        record = ask(f"anthropic:claude-test@{server.base_url.removesuffix('/v1')}", STRUCTURED)
    assert record.ok
    [body] = server.bodies
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": SCHEMA}}


def test_without_a_schema_no_response_format_is_sent():
    with FakeOpenAI() as server:
        assert ask(f"openai:m@{server.base_url}", GenerationSettings(max_tokens=32)).ok
    [body] = server.bodies
    assert "response_format" not in body


def test_the_schema_is_kept_as_compact_json_in_its_own_order_and_changes_the_cache_key():
    as_text = GenerationSettings(json_schema=json.dumps(SCHEMA, indent=2))
    assert as_text == GenerationSettings(json_schema=SCHEMA) == GenerationSettings().with_schema(SCHEMA)
    assert as_text.json_schema == json.dumps(SCHEMA, separators=(",", ":")) and as_text.schema_dict == SCHEMA
    key = {"provider": "openai", "endpoint": "e", "model": "m", "messages": MESSAGES, "sample": 0}
    plain = GenerationSettings()
    assert cache_key(**key, settings=as_text) != cache_key(**key, settings=plain)
    assert cache_key(**key, settings=as_text) != cache_key(**key, settings=plain.with_schema({"type": "object"}))
    assert hash(as_text) == hash(GenerationSettings(json_schema=SCHEMA))


def test_settings_without_a_schema_dump_as_before_so_stored_keys_and_configs_still_match():
    plain = GenerationSettings(seed=3)
    assert "json_schema" not in plain.model_dump() and "json_schema" not in json.loads(plain.model_dump_json())
    assert GenerationSettings.model_validate(plain.model_dump()) == plain
    assert STRUCTURED.with_schema(None).model_dump() == GenerationSettings(max_tokens=32).model_dump()


@pytest.mark.parametrize(("schema", "message"), [("[1, 2]", "JSON object"), ("{grade", "not JSON"), (3, "JSON object")])
def test_a_schema_that_is_not_a_json_object_is_refused(schema, message):
    with pytest.raises(ValidationError, match=message):
        GenerationSettings(json_schema=schema)
