"""The execution trace: what a program did, one process-variable change at a time.

A trace is kept as parallel columns (channel names, times, values, meta mappings), which is what reading,
canonicalising and scoring need; `Event` objects are built only when a caller asks for events one by one.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded change: `channel` took `value` at time `t` (seconds)."""

    channel: str
    t: float
    value: Any = None
    meta: Mapping[str, Any] = field(default_factory=dict)


class Trace:
    """An ordered list of events, as columns, with the file (or run) it came from.

    `channel`, `t` (an `array('d')` of seconds: `numpy.asarray(trace.t)` is a view), `value` and `meta` are
    parallel and read-only by convention; `events` builds the `Event` objects on first use and keeps them.
    """

    __slots__ = ("channel", "t", "value", "meta", "source", "_events")

    def __init__(self, events: Iterable[Event] = (), source: str | None = None):
        events = list(events)
        self.channel: list[str] = [e.channel for e in events]
        self.t = array("d", [e.t for e in events])
        self.value: list[Any] = [e.value for e in events]
        self.meta: list[Mapping[str, Any]] = [e.meta for e in events]
        self.source = source
        self._events: list[Event] | None = events

    @classmethod
    def of(cls, events: Iterable[Event], source: str | None = None) -> Trace:
        return cls(events, source)

    @classmethod
    def from_columns(cls, channel: list[str], t: array, value: list[Any], meta: list[Mapping[str, Any]],
                     source: str | None = None) -> Trace:
        """A trace over columns of equal length (taken as they are, not copied)."""
        if not len(channel) == len(t) == len(value) == len(meta):
            raise ValueError("the columns of a trace have one entry per event")
        trace = cls.__new__(cls)
        trace.channel, trace.t, trace.value, trace.meta = channel, t, value, meta
        trace.source, trace._events = source, None
        return trace

    @property
    def events(self) -> list[Event]:
        if self._events is None:
            self._events = list(map(Event, self.channel, self.t, self.value, self.meta))
        return self._events

    def __len__(self) -> int:
        return len(self.channel)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __getitem__(self, i: int) -> Event:
        return self.events[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        return (self.source == other.source and self.channel == other.channel and self.t == other.t
                and self.value == other.value and self.meta == other.meta)

    __hash__ = None  # type: ignore[assignment]  (mutable, like the list of events it stands for)

    def __repr__(self) -> str:
        return f"Trace({len(self)} events, source={self.source!r})"

    def channels(self) -> list[str]:
        """Distinct channels in order of first appearance."""
        return list(dict.fromkeys(self.channel))
