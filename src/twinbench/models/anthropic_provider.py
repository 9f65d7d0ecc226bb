"""`anthropic:` the Messages API through the anthropic SDK (optional extra), SDK retries off."""

from __future__ import annotations

from collections.abc import Sequence

from twinbench.models.errors import MissingExtraError
from twinbench.models.sdk_common import client_options, sdk_errors
from twinbench.models.spec import ANTHROPIC_URL, ModelSpec
from twinbench.models.types import CallKey, Completion, GenerationSettings, Message


class AnthropicProvider:
    """System messages go to `system`; the rest are sent as the conversation; a JSON schema goes out as
    `output_config.format` (the Messages API's structured output)."""

    def __init__(self, spec: ModelSpec):
        try:
            import anthropic
        except ImportError:
            raise MissingExtraError("the anthropic SDK", 'pip install "twinbench[anthropic]"') from None
        self.spec = spec
        self._sdk = anthropic
        self._client = anthropic.AsyncAnthropic(**client_options(spec, ANTHROPIC_URL))

    async def complete(
        self, messages: Sequence[Message], settings: GenerationSettings, key: CallKey, timeout_s: float
    ) -> Completion:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        extra = {"system": system} if system else {}
        if settings.stop:
            extra["stop_sequences"] = list(settings.stop)
        if (schema := settings.schema_dict) is not None:
            extra["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
        sampling: dict[str, float] = {"temperature": settings.temperature}
        if settings.top_p < 1.0:
            sampling["top_p"] = settings.top_p
        with sdk_errors(self._sdk, timeout_s):
            response = await self._client.messages.create(
                model=self.spec.model,
                messages=[m.model_dump() for m in messages if m.role != "system"],
                max_tokens=settings.max_tokens,
                timeout=timeout_s,
                extra_body=sampling,  # anthropic SDK 2.x no longer takes these as arguments
                **extra,
            )
        text = "".join(block.text for block in response.content if block.type == "text")
        return Completion(
            text=text,
            tokens_in=response.usage.input_tokens,
            tokens_out=response.usage.output_tokens,
            finish_reason=response.stop_reason,
        )

    async def aclose(self) -> None:
        await self._client.close()
