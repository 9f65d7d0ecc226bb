"""The trusted-side trace recorder: PV changes and call events, time-stamped by the twin's clock."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from twinbench.trace.model import Event

SAFETY_CHANNEL = "safety"


DEADBAND = 1e-9  # a numeric change this small posts no event (an EPICS monitor deadband)


def _changed(old: Any, new: Any) -> bool:
    numbers = (int, float)
    if isinstance(old, numbers) and isinstance(new, numbers) and not isinstance(old, bool) | isinstance(new, bool):
        return abs(new - old) > DEADBAND
    return old != new


def _size(value: Any) -> int:
    """Approximate bytes a recorded value takes in the trace."""
    if value is None or isinstance(value, bool | int | float):
        return 8
    if isinstance(value, str):
        return len(value)
    return len(json.dumps(value, default=str))


class Recorder:
    """Keeps the events of one run; a PV event is kept only when the value changes by more than the
    deadband (monitor semantics), so float noise such as 1e-16 from `r*cos(a)` is not an operation."""

    def __init__(self, initial: Mapping[str, Any]):
        self.values: dict[str, Any] = dict(initial)
        self.events: list[Event] = []
        self.size = 0  # approximate bytes of everything recorded (budgeted by the sandbox)

    def put(self, pv: str, t: float, value: Any, always: bool = False) -> None:
        """Record `pv` taking `value` at `t`, unless nothing changed and `always` is false."""
        if always or pv not in self.values or _changed(self.values[pv], value):
            self.values[pv] = value
            self.events.append(Event(pv, t, value))
            self.size += len(pv) + 16 + _size(value)

    def call(self, name: str, t: float, args: Mapping[str, Any]) -> None:
        """Record an operator call that moves nothing; its arguments are the event's value, so they are scored."""
        self.events.append(Event(name, t, dict(args)))
        self.size += len(name) + 16 + _size(args)

    def safety(self, t: float, pv: str, message: str, requested: Any, limits: Any) -> Event:
        event = Event(SAFETY_CHANNEL, t, message, {"pv": pv, "requested": requested, "limits": limits})
        self.events.append(event)
        self.size += 64 + len(message) + _size(event.meta)
        return event
