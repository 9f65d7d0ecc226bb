"""Plain data passed between providers, the retry loop, the cache and the store."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    """One chat message."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str


class GenerationSettings(BaseModel):
    """Sampling settings sent with every request; all of them are part of the cache key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    temperature: float = Field(0.0, ge=0.0, le=2.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    max_tokens: int = Field(512, gt=0)
    seed: int | None = None
    stop: tuple[str, ...] = ()


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
