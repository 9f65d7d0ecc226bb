"""The trusted-side trace recorder: PV changes and call events, time-stamped by the twin's clock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from twinbench.trace.model import Event

SAFETY_CHANNEL = "safety"


class Recorder:
    """Keeps the events of one run; a PV event is kept only when the value changes (monitor semantics)."""

    def __init__(self, initial: Mapping[str, Any]):
        self.values: dict[str, Any] = dict(initial)
        self.events: list[Event] = []

    def put(self, pv: str, t: float, value: Any, always: bool = False) -> None:
        """Record `pv` taking `value` at `t`, unless nothing changed and `always` is false."""
        if always or self.values.get(pv) != value:
            self.values[pv] = value
            self.events.append(Event(pv, t, value))

    def call(self, name: str, t: float, args: Mapping[str, Any]) -> None:
        """Record an operator call that moves nothing, with its arguments."""
        self.events.append(Event(name, t, None, {"args": dict(args)}))

    def safety(self, t: float, pv: str, message: str, requested: Any, limits: Any) -> Event:
        event = Event(SAFETY_CHANNEL, t, message, {"pv": pv, "requested": requested, "limits": limits})
        self.events.append(event)
        return event
