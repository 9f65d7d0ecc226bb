"""The execution trace: what a program did, one process-variable change at a time."""

from __future__ import annotations

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


@dataclass(slots=True)
class Trace:
    """An ordered list of events, with the file (or run) it came from."""

    events: list[Event] = field(default_factory=list)
    source: str | None = None

    @classmethod
    def of(cls, events: Iterable[Event], source: str | None = None) -> Trace:
        return cls(list(events), source)

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __getitem__(self, i: int) -> Event:
        return self.events[i]

    def channels(self) -> list[str]:
        """Distinct channels in order of first appearance."""
        return list(dict.fromkeys(e.channel for e in self.events))
