"""What the store keeps per cell: manifest entries and the results of each stage."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from twinbench.models.types import CallKey, CallRecord


class Cell(BaseModel):
    """One expected result: model x task x turn x sample."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    task: str
    turn: int = Field(0, ge=0)
    sample: int = Field(0, ge=0)

    @property
    def id(self) -> str:
        """Stable, unambiguous id: a hash of the four coordinates."""
        canonical = json.dumps([self.model, self.task, self.turn, self.sample], separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:24]

    @property
    def key(self) -> CallKey:
        return CallKey(task=self.task, turn=self.turn, sample=self.sample)


class ExecutionRecord(BaseModel):
    """How the generated code ran; the extracted code, outputs and the trace are blob hashes (Store.put_blob).

    `extraction` says how the code was found in the answer (fenced, unclosed_fence, plain, ...)."""

    status: str
    exit_code: int | None = None
    duration_s: float = 0.0
    stdout_sha: str | None = None
    stderr_sha: str | None = None
    trace_sha: str | None = None
    code_sha: str | None = None
    extraction: str | None = None


class ScoreRecord(BaseModel):
    """One scorer's verdict on a cell."""

    scorer: str
    value: float | None
    detail: dict[str, Any] = Field(default_factory=dict)


class ErrorRecord(BaseModel):
    """A failure in one stage (generate, execute, score, judge)."""

    stage: str
    kind: str
    message: str


class CellResult(BaseModel):
    """Everything one finished cell produced; written in one transaction by Store.finish_cell."""

    status: Literal["ok", "failed"]
    response: CallRecord | None = None
    execution: ExecutionRecord | None = None
    scores: list[ScoreRecord] = Field(default_factory=list)
    errors: list[ErrorRecord] = Field(default_factory=list)

    @classmethod
    def from_call(cls, record: CallRecord) -> CellResult:
        """A generation-only result: ok with the answer, or failed with the call's error."""
        if record.error is None:
            return cls(status="ok", response=record)
        error = ErrorRecord(stage="generate", kind=record.error.kind, message=record.error.reason)
        return cls(status="failed", response=record, errors=[error])


BENCHMARK = "benchmark"  # the `kind` in a benchmark run's config (judge and chain runs have their own)
CALIBRATION_SET = "calibration-set"  # the `kind` of a judge calibration set stored as a run


class RunSummary(BaseModel):
    """A run's progress as `runs list` and `runs show` print it."""

    run_id: str
    created_at: float
    config: dict[str, Any]
    cells: int
    ok: int
    failed: int
    tokens_in: int
    tokens_out: int
    cost_usd: float | None

    @property
    def pending(self) -> int:
        return self.cells - self.ok - self.failed
