"""`openai:` any OpenAI-compatible chat server through the openai SDK, with the SDK's own retries off."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from twinbench.models.errors import ProviderError
from twinbench.models.sdk_common import client_options, sdk_errors
from twinbench.models.spec import OPENAI_URL, ModelSpec
from twinbench.models.types import CallKey, Completion, GenerationSettings, Message

ResponseFormat = Callable[[dict[str, Any]], dict[str, Any]]


def json_schema_format(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's structured output: the answer must match `schema` exactly (strict)."""
    return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": True}}


class OpenAIProvider:
    """Chat completions at `spec.endpoint`: one attempt per call, errors classified for the retry loop.

    A settings' JSON schema goes out as `response_format(schema)` (default: OpenAI's strict json_schema form).
    """

    def __init__(self, spec: ModelSpec, response_format: ResponseFormat = json_schema_format):
        self.spec = spec
        self._client = openai.AsyncOpenAI(**client_options(spec, OPENAI_URL))
        self._response_format = response_format

    async def complete(
        self, messages: Sequence[Message], settings: GenerationSettings, key: CallKey, timeout_s: float
    ) -> Completion:
        extra: dict[str, Any] = {"seed": settings.seed} if settings.seed is not None else {}
        if settings.stop:
            extra["stop"] = list(settings.stop)
        if (schema := settings.schema_dict) is not None:
            extra["response_format"] = self._response_format(schema)
        with sdk_errors(openai, timeout_s):
            response = await self._client.chat.completions.create(
                model=self.spec.model,
                messages=[m.model_dump() for m in messages],
                temperature=settings.temperature,
                top_p=settings.top_p,
                max_tokens=settings.max_tokens,
                timeout=timeout_s,
                **extra,
            )
        if (
            not isinstance(response, ChatCompletion)
            or not response.choices
            or response.choices[0].message is None
        ):
            raise ProviderError("transient", "malformed response: no choices")
        choice = response.choices[0]
        usage = response.usage
        return Completion(
            text=choice.message.content or "",
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
            finish_reason=choice.finish_reason,
        )

    async def aclose(self) -> None:
        await self._client.close()
