"""Reading and writing traces: JSON (EnvTrace format) and JSONL, validated event by event."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from twinbench.errors import InputError
from twinbench.trace.model import Event, Trace

SCHEMA_VERSION = "1"

class EventRecord(BaseModel):
    """One event as stored on disk; `t` is also accepted for `timestamp`."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    channel: str = Field(min_length=1, strict=True)
    timestamp: float = Field(validation_alias="timestamp", allow_inf_nan=False)
    value: Any = None
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("value")
    @classmethod
    def _finite(cls, v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"value must be finite, got {v}")
        return v

def _record(raw: Any, source: str, index: int) -> Event:
    if not isinstance(raw, dict):
        raise InputError(source, f"expected an object, got {type(raw).__name__}", item=f"event {index}")
    if "timestamp" not in raw and "t" in raw:
        raw = {**raw, "timestamp": raw["t"]}
    try:
        rec = EventRecord.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or None
        raise InputError(source, err["msg"], item=f"event {index}", field=loc) from None
    return Event(rec.channel, rec.timestamp, rec.value, rec.meta)

def events_from_obj(obj: Any, source: str) -> Trace:
    """Build a trace from parsed JSON: `{"schema_version", "events": [...]}` or a bare list."""
    if isinstance(obj, dict):
        if "events" not in obj:
            raise InputError(source, "missing the 'events' list", field="events")
        version = str(obj.get("schema_version", SCHEMA_VERSION))
        if version != SCHEMA_VERSION:
            raise InputError(source, f"unsupported schema_version {version!r}", field="schema_version")
        obj = obj["events"]
    if not isinstance(obj, list):
        raise InputError(source, "a trace is a list of events or an object with an 'events' list")
    return Trace([_record(raw, source, i) for i, raw in enumerate(obj)], source)

def read_trace(path: str | Path) -> Trace:
    """Read a trace file; `.jsonl` holds one event per line, anything else is JSON."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror}") from None
    if path.suffix == ".jsonl":
        events = []
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(source, f"malformed JSON: {exc.msg}", item=f"line {lineno}") from None
            events.append(_record(raw, source, len(events)))
        return Trace(events, source)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    return events_from_obj(obj, source)

def event_to_obj(e: Event) -> dict[str, Any]:
    return {"channel": e.channel, "timestamp": e.t, "value": e.value, "meta": dict(e.meta)}

def trace_to_obj(trace: Trace) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "events": [event_to_obj(e) for e in trace]}

def write_trace(trace: Trace, path: str | Path) -> None:
    """Write in the EnvTrace JSON format, or JSONL when the name ends in `.jsonl`."""
    path = Path(path)
    if path.suffix == ".jsonl":
        lines = (json.dumps(event_to_obj(e), allow_nan=False) for e in trace)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    else:
        path.write_text(json.dumps(trace_to_obj(trace), indent=1, allow_nan=False) + "\n", encoding="utf-8")
