"""Model providers (openai, anthropic, replay, local), the retry loop, the response cache."""

from twinbench.models.cache import ResponseCache, cache_key
from twinbench.models.errors import MissingExtraError, ProviderError
from twinbench.models.generate import generate
from twinbench.models.provider import Provider, make_provider
from twinbench.models.retry import RetryPolicy
from twinbench.models.spec import DEFAULT_SPEC, ModelSpec, load_models_file, parse_spec, resolve_spec
from twinbench.models.types import (
    CallError,
    CallKey,
    CallRecord,
    Completion,
    GenerationSettings,
    Message,
    Pricing,
)

__all__ = [
    "DEFAULT_SPEC",
    "CallError",
    "CallKey",
    "CallRecord",
    "Completion",
    "GenerationSettings",
    "Message",
    "MissingExtraError",
    "ModelSpec",
    "Pricing",
    "Provider",
    "ProviderError",
    "ResponseCache",
    "RetryPolicy",
    "cache_key",
    "generate",
    "load_models_file",
    "make_provider",
    "parse_spec",
    "resolve_spec",
]
