"""Plain data passed between providers, the retry loop, the cache and the store."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, field_validator, model_serializer


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str


class GenerationSettings(BaseModel):
    """Sampling settings sent with every request; all of them are part of the cache key.

    `json_schema` (a JSON object, kept as compact JSON text so the settings stay hashable) asks the provider to
    answer with JSON of that schema. Its properties keep their order: models write them in that order.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    temperature: float = Field(0.0, ge=0.0, le=2.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    max_tokens: int = Field(512, gt=0)
    seed: int | None = None
    stop: tuple[str, ...] = ()
    json_schema: str | None = None

    @field_validator("json_schema", mode="before")
    @classmethod
    def _compact_schema(cls, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not JSON: {exc.msg}") from None
        if not isinstance(value, dict):
            raise ValueError("a JSON schema must be a JSON object")
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    @model_serializer(mode="wrap")
    def _without_unset_schema(self, dump: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Settings without a schema dump as before it existed: their cache keys and run configs are unchanged."""
        data = dump(self)
        if self.json_schema is None:
            data.pop("json_schema", None)
        return data

    def with_schema(self, schema: dict[str, Any] | None) -> GenerationSettings:
        """These settings asking for JSON of `schema` (None: for free text)."""
        return GenerationSettings.model_validate({**self.model_dump(), "json_schema": schema})

    @property
    def schema_dict(self) -> dict[str, Any] | None:
        """The JSON schema as an object, or None."""
        return None if self.json_schema is None else json.loads(self.json_schema)


class CallKey(BaseModel):
    """Which cell a call answers: task, turn and sample index."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    task: str
    turn: int = Field(0, ge=0)
    sample: int = Field(0, ge=0)


class Pricing(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid")

    input_per_mtok: float = Field(ge=0.0)
    output_per_mtok: float = Field(ge=0.0)

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        return (tokens_in * self.input_per_mtok + tokens_out * self.output_per_mtok) / 1e6


class Completion(BaseModel):
    """What a provider returns for one successful attempt."""

    text: str
    tokens_in: int = 0
    tokens_out: int = 0
    finish_reason: str | None = None


ErrorKind = Literal["rate_limit", "transient", "fatal"]


class CallError(BaseModel):
    """Why a call failed for good: its kind and a one-line reason."""

    kind: ErrorKind
    reason: str


class CallRecord(BaseModel):
    """The ledger entry of one generation: answer or error, tokens, latency, retries, cost."""

    key: CallKey
    model: str
    provider: str
    endpoint: str
    text: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    attempts: int = 0
    retries: int = 0
    cost_usd: float | None = None
    cached: bool = False
    cache_key: str = ""
    error: CallError | None = None
    attempt_errors: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None
