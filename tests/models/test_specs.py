"""Model spec strings, the models YAML file and replay files: parsed, validated, errors on one line."""

from __future__ import annotations

import pytest

from twinbench.errors import InputError
from twinbench.models import load_models_file, make_provider, parse_spec, resolve_spec
from twinbench.models.replay import load_replay


def test_spec_strings():
    spec = parse_spec("openai:gpt-4o@https://host/v1/")
    assert (spec.provider, spec.model, spec.endpoint, spec.api_key_env) == (
        "openai",
        "gpt-4o",
        "https://host/v1",
        "OPENAI_API_KEY",
    )
    assert parse_spec("openai:gpt-4o").endpoint == "https://api.openai.com/v1"
    assert parse_spec("anthropic:claude-x").endpoint == "https://api.anthropic.com"
    replay = parse_spec("replay:runs/a@b.jsonl")
    assert (replay.model, replay.endpoint) == ("runs/a@b.jsonl", "replay:runs/a@b.jsonl")
    local = parse_spec("local:smollm2")
    assert (local.provider, local.model, local.concurrency) == ("local", "smollm2", 1)
    assert resolve_spec(None).name == "local:smollm2"


@pytest.mark.parametrize("bad", ["gpt-4o", "openai:", "mystery:model"])
def test_bad_spec_strings(bad):
    with pytest.raises(InputError, match="model spec"):
        parse_spec(bad)


def test_the_public_openai_endpoint_needs_its_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(InputError, match="set the environment variable OPENAI_API_KEY"):
        make_provider(parse_spec("openai:gpt-4o"))


MODELS_YAML = """
models:
  vllm-coder:
    provider: openai
    model: Qwen/Qwen2.5-Coder-7B-Instruct
    endpoint: http://127.0.0.1:8000/v1
    api_key_env: VLLM_KEY
    concurrency: 16
    timeout_s: 30
    pricing: {input_per_mtok: 0.2, output_per_mtok: 0.6}
    settings: {temperature: 0.8, max_tokens: 1024, seed: 1}
    retry: {max_transient_retries: 5}
  offline:
    provider: local
    model: smollm2
    serve: true
"""


def test_models_file_entries(tmp_path):
    path = tmp_path / "models.yaml"
    path.write_text(MODELS_YAML)
    specs = load_models_file(path)
    coder = specs["vllm-coder"]
    assert (
        coder.concurrency,
        coder.timeout_s,
        coder.settings.temperature,
        coder.retry.max_transient_retries,
    ) == (16, 30, 0.8, 5)
    assert coder.pricing.cost(1_000_000, 500_000) == pytest.approx(0.5)
    assert specs["offline"].serve and specs["offline"].endpoint == "local"
    assert resolve_spec("vllm-coder", path).name == "vllm-coder"
    assert resolve_spec("openai:m@http://h/v1", path).endpoint == "http://h/v1"


@pytest.mark.parametrize(
    "text, item, field",
    [
        ("models:\n  a: {provider: openai, model: m, concurrency: 0}\n", "a", "concurrency"),
        (
            "models:\n  a: {provider: openai, model: m, settings: {temperature: 9}}\n",
            "a",
            "settings.temperature",
        ),
        ("models:\n  a: {provider: openai, model: m, endpont: x}\n", "a", "endpont"),
        ("models:\n  b: {provider: openai}\n", "b", None),
        ("- just a list\n", None, None),
    ],
)
def test_models_file_errors_name_the_entry_and_field(tmp_path, text, item, field):
    path = tmp_path / "models.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_models_file(path)
    assert (caught.value.source, caught.value.item, caught.value.field) == (str(path), item, field)


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"task": "t", "text": "a"}\nnot json\n', "line 2: not JSON"),
        ('{"task": "t", "sample": -1, "text": "a"}\n', "line 1: field 'sample'"),
        ('{"task": "t", "text": "a"}\n{"task": "t", "turn": 0, "text": "b"}\n', "line 2: repeats task t"),
    ],
)
def test_replay_file_errors(tmp_path, text, message):
    path = tmp_path / "r.jsonl"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_replay(path)
