"""The Provider protocol and the factory that builds one from a ModelSpec."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from twinbench.models.spec import ModelSpec
from twinbench.models.types import CallKey, Completion, GenerationSettings, Message


class Provider(Protocol):
    """One attempt at one completion, raising ProviderError; retries, cache and records live in generate()."""

    spec: ModelSpec

    async def complete(
        self, messages: Sequence[Message], settings: GenerationSettings, key: CallKey, timeout_s: float
    ) -> Completion: ...

    async def aclose(self) -> None: ...


def make_provider(spec: ModelSpec) -> Provider:
    """Build the provider named by `spec.provider`; optional backends are imported only when used."""
    if spec.provider == "openai":
        from twinbench.models.openai_provider import OpenAIProvider

        return OpenAIProvider(spec)
    if spec.provider == "anthropic":
        from twinbench.models.anthropic_provider import AnthropicProvider

        return AnthropicProvider(spec)
    if spec.provider == "replay":
        from twinbench.models.replay import ReplayProvider

        return ReplayProvider(spec)
    from twinbench.models.local import make_local_provider

    return make_local_provider(spec)
