"""Reading and writing traces: JSON (EnvTrace format), JSONL and a binary columnar form (`.npz`).

A JSON trace is first decoded by msgspec straight into typed events (a string channel, a number for a
timestamp, the value and meta as JSON) and taken apart into columns, then checked a column at a time. A
file that does not fit that shape is parsed with orjson and its events validated one by one instead, which
names the first bad event and field; only a file orjson refuses is read again by the standard library, to
tell where it is wrong (or to reach a NaN, an infinity or a huge integer, which are then reported at their
event and field). Every error is one line naming file, event and field.

`.npz` (numpy's uncompressed zip of arrays, read without pickle) holds the same columns, for large traces:
`channels` (the distinct names as a JSON list), `channel` (int32 index into `channels` per event), `t`
(float64 seconds), `value` (float64 when every value is a float, else the JSON list of values) and `meta`
(the JSON list of meta objects; absent when every one is empty). JSON is kept as its UTF-8 bytes (uint8).
Its events are validated by the same rules.
"""

from __future__ import annotations

import gc
import json
import math
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import orjson

from twinbench.errors import InputError
from twinbench.nesting import OPENING, brackets
from twinbench.trace.model import Event, Trace

if TYPE_CHECKING:
    import numpy as np

SCHEMA_VERSION = "1"
MAX_NUMBER = 1.7976931348623157e308  # largest finite float: a value must fit in one
_NUMBER = (int, float)
_DIGITS = bytes(48 if chr(b).isdigit() and b < 128 else 32 for b in range(256))  # a digit -> "0", else " "
LONG_NUMBER = b"0" * 19  # 19 digits in a row: an integer orjson might not keep exactly
_NONE = type(None)
_SCALARS = {float, int, str, bool, _NONE}
_CONTAINERS = (list, dict)
BINARY_SUFFIX = ".npz"
BINARY_ARRAYS = ("channels", "channel", "t", "value")  # and "meta", when any event has one


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
    """Accumulates events into columns, validating each one (the path that names the first bad event)."""

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

    def done(self) -> Trace:
        return Trace.from_columns(self.channel, array("d", self.t), self.value, self.meta, self.source)


def _validated(raws: list[Any], source: str) -> Trace:
    """Event by event: the first bad one raises InputError naming it."""
    columns = _Columns(source)
    for raw in raws:
        columns.add(raw)
    return columns.done()


def _finite(numbers: list[Any]) -> array | None:
    """These ints and floats as an array('d'), or None unless every one is finite and fits in a float."""
    try:
        found = array("d", numbers)
    except OverflowError:  # an integer beyond the float range
        return None
    # A sum is finite when every term is (it may also overflow: then each one is looked at).
    return found if math.isfinite(sum(found)) or all(map(math.isfinite, found)) else None


def _plain(values: list[Any]) -> bool:
    """The values need no closer look: finite numbers, other scalars, and containers `_bad_json` accepts."""
    kinds = set(map(type, values))
    if not kinds <= _SCALARS:
        if not kinds <= _SCALARS | set(_CONTAINERS):
            return False
        if any(_bad_json(v) is not None for v in values if type(v) in _CONTAINERS):
            return False
    if kinds & {float, int}:
        numbers = values if kinds <= {float, int} else [v for v in values if type(v) in _NUMBER]
        return _finite(numbers) is not None
    return True


def _checked(channel: list[Any], t: array, value: list[Any], meta: list[Any], source: str) -> Trace | None:
    """A trace over these columns (`t`: finite seconds) when every event is well formed, checked a column at a
    time; None when any event needs a closer look."""
    if set(map(type, channel)) != {str} or "" in channel or not _plain(value):
        return None
    kinds = set(map(type, meta))
    if not kinds <= {dict, _NONE} or (any(meta) and any(_bad_json(m) is not None for m in meta if m)):
        return None
    if _NONE in kinds:
        meta = [{} if m is None else m for m in meta]
    return Trace.from_columns(channel, t, value, meta, source)


def _column(raws: list[dict[str, Any]], key: str) -> list[Any]:
    return list(map(dict.get, raws, repeat(key)))


def _fast(raws: list[Any], source: str) -> Trace | None:
    """`_checked` over the columns of a list of events."""
    if set(map(type, raws)) != {dict}:
        return None
    t = _column(raws, "timestamp")
    kinds = set(map(type, t))
    if _NONE in kinds:  # "t" for "timestamp" (or neither)
        t = [raw["timestamp"] if "timestamp" in raw else raw.get("t") for raw in raws]
        kinds = set(map(type, t))
    times = _finite(t) if kinds <= {float, int} else None
    if times is None:
        return None
    return _checked(_column(raws, "channel"), times, _column(raws, "value"), _column(raws, "meta"), source)


class _TypedEvent(msgspec.Struct, gc=False):
    """One event as the fast path decodes it (a missing timestamp or an odd field sends the file to `_loads`)."""

    channel: str
    timestamp: float | None = None
    value: Any = None
    meta: dict[str, Any] | None = None


class _TypedFile(msgspec.Struct, gc=False):
    events: list[_TypedEvent]
    schema_version: str = SCHEMA_VERSION


_TYPED = msgspec.json.Decoder(_TypedFile | list[_TypedEvent])
_EVENT_FIELDS = tuple(map(attrgetter, ("channel", "timestamp", "value", "meta")))


def _typed(data: bytes, source: str) -> Trace | None:
    """The trace in `data` decoded straight into typed events and checked a column at a time, or None when any
    part needs the slower path (which names what is wrong)."""
    try:
        found = _TYPED.decode(data)
    except (msgspec.DecodeError, RecursionError):  # a ValidationError is a DecodeError
        return None
    if isinstance(found, _TypedFile):
        if found.schema_version != SCHEMA_VERSION:
            return None
        found = found.events
    channel, t, value, meta = (list(map(field, found)) for field in _EVENT_FIELDS)
    times = _finite(t) if None not in t else None
    return _checked(channel, times, value, meta, source) if times is not None else None


def _loads(data: bytes, source: str, item: str | None = None) -> Any:
    """Parse JSON with orjson; what it refuses is parsed by `json` to name the fault (or to accept NaN, which
    validation then reports at its event and field), and so is a text with 19 digits in a row (orjson would
    turn an integer beyond 64 bits into a float)."""
    if data.translate(_DIGITS).find(LONG_NUMBER) < 0:
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
        event, field = _too_deep(data)
        where = item or (f"event {event}" if event is not None else None)
        raise InputError(source, "nested more than 64 levels deep", item=where, field=field) from None
    except json.JSONDecodeError as exc:
        where = "" if item else f" at line {exc.lineno} column {exc.colno}"
        raise InputError(source, f"malformed JSON{where}: {exc.msg}", item=item) from None


def _too_deep(data: bytes, limit: int = 64) -> tuple[int | None, str | None]:
    """Where a document too deep to parse first nests more than `limit` levels inside an event: (event index,
    field) as events sit in a trace file (a list of events, alone or under "events"); (None, None) if unsure."""
    text = data.decode("utf-8", errors="replace")
    start = text.lstrip()[:1]
    level = 2 if start == "[" else 3 if start == "{" else 1  # the depth at which one event is an object
    event, key = -1, None
    for depth, token, name in brackets(text):
        if depth == level and token == "{":
            event, key = event + 1, None
        elif depth == level and token == ":":
            key = name
        elif depth - level > limit and token in OPENING:
            return (event if event >= 0 else None), {"t": "timestamp"}.get(key, key)
    return None, None


def events_from_obj(obj: Any, source: str) -> Trace:
    """A trace from parsed JSON: `{"schema_version", "events": [...]}` or a bare list of events."""
    if isinstance(obj, dict):
        if "events" not in obj:
            raise InputError(source, "missing the 'events' list", field="events")
        version = str(obj.get("schema_version", SCHEMA_VERSION))
        if version != SCHEMA_VERSION:
            raise InputError(source, f"unsupported schema_version {version!r}", field="schema_version")
        obj = obj["events"]
    if not isinstance(obj, list):
        raise InputError(source, "a trace is a list of events or an object with an 'events' list")
    return _fast(obj, source) or _validated(obj, source)


def _read_binary(path: Path, source: str) -> Trace:
    """A `.npz` trace (see the module docstring)."""
    import numpy as np  # here, not at the top: JSON traces (and the sandbox, which writes them) need no numpy

    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror}") from None
    try:
        with fh, np.load(fh, allow_pickle=False) as arrays:
            missing = [name for name in BINARY_ARRAYS if name not in arrays.files]
            if missing:
                raise InputError(source, f"not a twinbench trace: no array {missing[0]!r}", field=missing[0])
            names, codes, t, value = (arrays[name] for name in BINARY_ARRAYS)
            meta = arrays["meta"] if "meta" in arrays.files else None
    except (OSError, ValueError, EOFError) as exc:  # not a zip of .npy arrays, or one holds objects
        raise InputError(source, f"not a readable .npz trace: {exc}") from None
    names = _loads(names.tobytes(), source, "array 'channels'")
    n = len(codes)
    if not isinstance(names, list):
        raise InputError(source, "must list the channel names", field="channels")
    if codes.dtype != np.int32 or codes.ndim != 1 or (n and not 0 <= codes.min() <= codes.max() < len(names)):
        raise InputError(source, "must be int32 indices into 'channels', one per event", field="channel")
    if t.dtype != np.float64 or t.shape != (n,):
        raise InputError(source, "must be float64 seconds, one per event", field="t")
    values = value.tolist() if value.dtype == np.float64 else _loads(value.tobytes(), source, "array 'value'")
    metas = [None] * n if meta is None else _loads(meta.tobytes(), source, "array 'meta'")
    for name, column in (("value", values), ("meta", metas)):
        if not isinstance(column, list) or len(column) != n:
            raise InputError(source, "must list one entry per event", field=name)
    channel = [names[c] for c in codes.tolist()]
    times = _finite(t.tolist())
    found = _checked(channel, times, values, metas, source) if times is not None else None
    if found is not None:
        return found
    return _validated([{"channel": c, "timestamp": ti, "value": v, "meta": m}
                       for c, ti, v, m in zip(channel, t.tolist(), values, metas, strict=True)], source)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off (as it was, after): parsing a trace makes a container per event, none of
    them in a cycle, and the collector would walk them all again and again as they pile up."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_trace(path: str | Path) -> Trace:
    """Read a trace file: `.jsonl` holds one event per line, `.npz` is the binary form, anything else JSON."""
    path = Path(path)
    with _collector_paused():
        return _read(path, str(path))


def _read(path: Path, source: str) -> Trace:
    if path.suffix == BINARY_SUFFIX:
        return _read_binary(path, source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror}") from None
    if path.suffix != ".jsonl":
        return _typed(data, source) or events_from_obj(_loads(data, source), source)
    columns = _Columns(source)
    for lineno, line in enumerate(data.splitlines(), 1):
        if line.strip():
            columns.add(_loads(line, source, f"line {lineno}"))
    return columns.done()


def event_to_obj(e: Event) -> dict[str, Any]:
    return {"channel": e.channel, "timestamp": e.t, "value": e.value, "meta": dict(e.meta)}


def trace_to_obj(trace: Trace) -> dict[str, Any]:
    events = [{"channel": c, "timestamp": t, "value": v, "meta": dict(m)}
              for c, t, v, m in zip(trace.channel, trace.t, trace.value, trace.meta, strict=True)]
    return {"schema_version": SCHEMA_VERSION, "events": events}


def _write_binary(trace: Trace, path: Path) -> None:
    import numpy as np

    def json_bytes(obj: Any) -> np.ndarray:
        return np.frombuffer(json.dumps(obj, allow_nan=False).encode(), np.uint8)

    names = list(dict.fromkeys(trace.channel))
    code = {name: i for i, name in enumerate(names)}
    arrays = {"channels": json_bytes(names), "channel": np.array([code[c] for c in trace.channel], np.int32),
              "t": np.asarray(trace.t, np.float64)}
    floats = all(type(v) is float for v in trace.value)
    arrays["value"] = np.array(trace.value, np.float64) if floats else json_bytes(trace.value)
    if any(trace.meta):
        arrays["meta"] = json_bytes([dict(m) for m in trace.meta])
    with path.open("wb") as fh:
        np.savez(fh, **arrays)


def write_trace(trace: Trace, path: str | Path) -> None:
    """Write in the EnvTrace JSON format, JSONL when the name ends in `.jsonl`, the binary form for `.npz`."""
    path = Path(path)
    if path.suffix == BINARY_SUFFIX:
        _write_binary(trace, path)
    elif path.suffix == ".jsonl":
        lines = (json.dumps(event_to_obj(e), allow_nan=False) for e in trace)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    else:
        path.write_text(json.dumps(trace_to_obj(trace), indent=1, allow_nan=False) + "\n", encoding="utf-8")
