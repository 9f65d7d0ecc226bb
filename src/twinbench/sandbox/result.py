"""How a sandboxed run ended, with its trace."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from twinbench.trace.io import event_to_obj, trace_to_obj
from twinbench.trace.model import Trace


class Outcome(StrEnum):
    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    OOM = "oom"
    KILLED = "killed"
    SAFETY = "safety"
    FORBIDDEN = "forbidden"
    BUDGET = "budget"  # a trusted-side budget: events, recorded bytes, command size, harness CPU
    HARNESS_ERROR = "harness_error"  # the harness itself failed: not the program's outcome


class ErrorInfo(BaseModel):
    """The exception that ended the program; `line` is in the program's own source."""

    type: str
    message: str
    line: int | None = None


class RunResult(BaseModel):
    """One run: outcome, the trusted trace (always kept, even when partial), final device state."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    outcome: Outcome
    detail: str = ""
    error: ErrorInfo | None = None
    trace: Trace = Field(default_factory=Trace)
    duration: float = Field(0.0, description="simulated seconds")
    wall_seconds: float = 0.0
    output: str = ""
    output_truncated: bool = False
    final_state: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    isolation: str = ""
    audit: list[str] = Field(default_factory=list, description="operations the in-program hook refused (as the "
                             "program reported them: information, never an outcome)")
    limit: str | None = Field(None, description="the limit that stopped the program: a field of Limits, 'budget' "
                              "(the twin's), 'size' (the program's text), or None")
    event_lines: list[int | None] | None = Field(None, description="the program line behind each trace event, when "
                                                 "the run kept them")

    @property
    def safety(self) -> list[Any]:
        from twinbench.twins.recorder import SAFETY_CHANNEL

        return [e for e in self.trace if e.channel == SAFETY_CHANNEL]

    def to_obj(self) -> dict[str, Any]:
        """Plain JSON-ready data (the trace in the EnvTrace format)."""
        obj = self.model_dump(exclude={"trace"}, mode="json")
        obj["trace"] = trace_to_obj(self.trace)
        obj["safety"] = [event_to_obj(e) for e in self.safety]
        return obj
