"""Naming a model: one spec string (`openai:gpt-4o@https://host/v1`) or an entry of a models YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twinbench.errors import InputError
from twinbench.models.retry import RetryPolicy
from twinbench.models.types import GenerationSettings, Pricing

ProviderKind = Literal["openai", "anthropic", "replay", "local"]
DEFAULT_SPEC = "local:smollm2"
OPENAI_URL = "https://api.openai.com/v1"
ANTHROPIC_URL = "https://api.anthropic.com"
# In-process generation cannot hang on a network: its timeout only guards against a stuck process. A healthy call
# of the embedded model (2.2k prompt tokens, 512 answer tokens) takes 1-3 min on 2 busy cores, up to 18 min on
# 2 cores shared with four other heavy jobs.
LOCAL_TIMEOUT_S = 3600.0


class ModelSpec(BaseModel):
    """Everything needed to call one model: where, with which key, how fast, at what price."""

    model_config = ConfigDict(extra="forbid")

    name: str
    provider: ProviderKind
    model: str
    endpoint: str = ""
    api_key_env: str | None = None
    concurrency: int = Field(4, ge=1)
    timeout_s: float = Field(120.0, gt=0)
    pricing: Pricing | None = None
    settings: GenerationSettings = GenerationSettings()
    retry: RetryPolicy = RetryPolicy()
    serve: bool = Field(False, description="local only: run the model behind its OpenAI-compatible server")


def _defaults(provider: str, model: str) -> dict:
    if provider == "openai":
        return {"endpoint": OPENAI_URL, "api_key_env": "OPENAI_API_KEY"}
    if provider == "anthropic":
        return {"endpoint": ANTHROPIC_URL, "api_key_env": "ANTHROPIC_API_KEY"}
    if provider == "replay":
        return {"endpoint": f"replay:{model}", "concurrency": 64}
    return {"endpoint": "local", "concurrency": 1, "timeout_s": LOCAL_TIMEOUT_S}


def parse_spec(spec: str) -> ModelSpec:
    """`PROVIDER:MODEL[@BASE_URL]` -> ModelSpec; the spec string is also the model's name."""
    provider, sep, rest = spec.partition(":")
    if not sep or not rest:
        raise InputError("model spec", f"'{spec}' is not PROVIDER:MODEL[@URL] (e.g. {DEFAULT_SPEC})")
    if provider not in ("openai", "anthropic", "replay", "local"):
        raise InputError("model spec", f"unknown provider '{provider}' in '{spec}'")
    model, _, endpoint = rest.partition("@") if provider in ("openai", "anthropic") else (rest, "", "")
    fields = _defaults(provider, model)
    if endpoint:
        fields["endpoint"] = endpoint.rstrip("/")
    return ModelSpec(name=spec, provider=provider, model=model, **fields)


def load_models_file(path: Path) -> dict[str, ModelSpec]:
    """Read `models:` entries (name -> fields) from a YAML file, validating each one."""
    import yaml  # loaded for a models file only

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(str(path), f"cannot read models file: {exc}") from None
    entries = data.get("models") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise InputError(str(path), "expected a top-level 'models:' mapping of name -> settings")
    specs = {}
    for name, fields in entries.items():
        if not isinstance(fields, dict) or "provider" not in fields or "model" not in fields:
            raise InputError(str(path), "needs at least 'provider' and 'model'", item=str(name))
        merged = {**_defaults(str(fields["provider"]), str(fields["model"])), **fields, "name": str(name)}
        try:
            specs[str(name)] = ModelSpec.model_validate(merged)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            raise InputError(str(path), err["msg"], item=str(name), field=loc) from None
    return specs


def resolve_spec(spec: str | None, models_file: Path | None = None) -> ModelSpec:
    """A name from the models file, else a spec string; no name at all means the embedded local model."""
    spec = spec or DEFAULT_SPEC
    if models_file is not None:
        specs = load_models_file(models_file)
        if spec in specs:
            return specs[spec]
    return parse_spec(spec)
