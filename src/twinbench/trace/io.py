"""Reading and writing traces: JSON (EnvTrace format) and JSONL, validated event by event.

Files are parsed with orjson straight into columns (`TraceColumns`); only a file orjson refuses is read
again by the standard library, to tell where it is wrong (or to reach a NaN, an infinity or a huge integer,
which are then reported at their event and field). Every error is one line naming file, event and field.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from twinbench.errors import InputError
from twinbench.trace.model import Event, Trace

SCHEMA_VERSION = "1"
MAX_NUMBER = 1.7976931348623157e308  # largest finite float: a value must fit in one
_NUMBER = (int, float)
_LONG_NUMBER = re.compile(rb"\d{19}")


@dataclass(slots=True)
class TraceColumns:
    """A trace as parallel columns: channel names, times (float64 seconds), values and meta mappings."""

    channel: list[str]
    t: np.ndarray
    value: list[Any]
    meta: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.channel)

    def to_trace(self, source: str | None = None) -> Trace:
        return Trace(list(map(Event, self.channel, self.t.tolist(), self.value, self.meta)), source)


def _bad_json(value: Any, depth: int = 0) -> str | None:
    """Why a value cannot be a trace value (a non-finite or too large number, anywhere inside), or None."""
    kind = type(value)
    if kind is float:
        return None if math.isfinite(value) else f"must be finite, got {value}"
    if kind is int:
        return None if -MAX_NUMBER <= value <= MAX_NUMBER else "integer too large for a number"
    if kind is list or kind is dict:
        if depth > 64:
            return "nested more than 64 levels deep"
        for inner in value.values() if kind is dict else value:
            why = _bad_json(inner, depth + 1)
            if why is not None:
                return why
    return None


class _Columns:
    """Accumulates validated events into columns."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.channel: list[str] = []
        self.t: list[float] = []
        self.value: list[Any] = []
        self.meta: list[dict[str, Any]] = []

    def fail(self, message: str, field: str | None = None) -> InputError:
        return InputError(self.source, message, item=f"event {len(self.channel)}", field=field)

    def add(self, raw: Any) -> None:
        if type(raw) is not dict:
            raise self.fail(f"expected an object, got {type(raw).__name__}")
        channel = raw.get("channel")
        if type(channel) is not str or not channel:
            raise self.fail("missing" if channel is None else f"must be a non-empty string, got {channel!r}",
                            "channel")
        t = raw["timestamp"] if "timestamp" in raw else raw.get("t")
        if type(t) not in _NUMBER or not -MAX_NUMBER <= t <= MAX_NUMBER:  # NaN fails the comparison
            raise self.fail("missing" if t is None else f"must be a finite number, got {t!r}", "timestamp")
        value = raw.get("value")
        why = _bad_json(value)
        if why is not None:
            raise self.fail(why, "value")
        meta = raw.get("meta")
        if meta is None:
            meta = {}
        elif type(meta) is not dict:
            raise self.fail(f"must be an object, got {type(meta).__name__}", "meta")
        elif (why := _bad_json(meta)) is not None:
            raise self.fail(why, "meta")
        self.channel.append(channel)
        self.t.append(float(t))
        self.value.append(value)
        self.meta.append(meta)

    def done(self) -> TraceColumns:
        return TraceColumns(self.channel, np.asarray(self.t, dtype=np.float64), self.value, self.meta)


def _loads(data: bytes, source: str, item: str | None = None) -> Any:
    """Parse JSON with orjson; what it refuses is parsed by `json` to name the fault (or to accept NaN, which
    validation then reports at its event and field), and so is a text with 19 digits in a row (orjson would
    turn an integer beyond 64 bits into a float)."""
    if _LONG_NUMBER.search(data) is None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
                         item=item) from None
    except RecursionError:
        raise InputError(source, "nested too deeply", item=item) from None
    except json.JSONDecodeError as exc:
        where = "" if item else f" at line {exc.lineno} column {exc.colno}"
        raise InputError(source, f"malformed JSON{where}: {exc.msg}", item=item) from None


def columns_from_obj(obj: Any, source: str) -> TraceColumns:
    """Columns from parsed JSON: `{"schema_version", "events": [...]}` or a bare list of events."""
    if isinstance(obj, dict):
        if "events" not in obj:
            raise InputError(source, "missing the 'events' list", field="events")
        version = str(obj.get("schema_version", SCHEMA_VERSION))
        if version != SCHEMA_VERSION:
            raise InputError(source, f"unsupported schema_version {version!r}", field="schema_version")
        obj = obj["events"]
    if not isinstance(obj, list):
        raise InputError(source, "a trace is a list of events or an object with an 'events' list")
    columns = _Columns(source)
    for raw in obj:
        columns.add(raw)
    return columns.done()


def events_from_obj(obj: Any, source: str) -> Trace:
    """A trace from parsed JSON (see `columns_from_obj`)."""
    return columns_from_obj(obj, source).to_trace(source)


def read_columns(path: str | Path) -> TraceColumns:
    """Read a trace file into columns; `.jsonl` holds one event per line, anything else is JSON."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror}") from None
    if path.suffix != ".jsonl":
        return columns_from_obj(_loads(data, source), source)
    columns = _Columns(source)
    for lineno, line in enumerate(data.splitlines(), 1):
        if line.strip():
            columns.add(_loads(line, source, f"line {lineno}"))
    return columns.done()


def read_trace(path: str | Path) -> Trace:
    """Read a trace file (see `read_columns`)."""
    return read_columns(path).to_trace(str(path))


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
