"""A Channel Access monitor of the twin's PVs, as the study's `camonitor`: the trace a client outside the program
records over the wire (`twinbench serve --monitor`), in twinbench's trace format.

It subscribes (DBR_TIME) to every PV the in-process twin records and keeps each update that changes the value
(the twin's own recorder's rule), at the twin time of its CA timestamp: the server stamps every value with the
wall time at which the twin reaches its twin time, so a monitor maps stamps back without the server's help
beyond its epoch and speed.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from twinbench.trace.model import Event
from twinbench.twins.recorder import Recorder


def _plain(data: Any) -> Any:
    """A monitor update's value as the twin records it: a Python number or string."""
    value = data[0]
    if isinstance(value, bytes):
        return value.decode()
    return value.item() if hasattr(value, "item") else value


class Monitor:
    """Subscribes to `initial`'s PVs over Channel Access (the environment says where) and records their changes."""

    def __init__(self, initial: Mapping[str, Any], twin_time: Callable[[float], float]):
        self.initial = dict(initial)
        self.twin_time = twin_time
        self._updates: list[tuple[float, int, str, Any]] = []  # stamp, arrival, pv, value
        self._latest: dict[str, Any] = {}
        self._arrival = itertools.count()
        self._lock = threading.Lock()
        self._context: Any = None

    def start(self, timeout: float = 10.0) -> None:
        """Connect and subscribe to every PV; returns once each has sent its first update."""
        from caproto.threading.client import Context

        self._context = Context()
        channels = self._context.get_pvs(*self.initial, timeout=timeout)
        for channel in channels:
            channel.wait_for_connection(timeout=timeout)
        for channel in channels:
            channel.subscribe(data_type="time").add_callback(self._update)
        self._wait(lambda: len(self._latest) == len(self.initial), timeout)

    def _update(self, subscription: Any, response: Any) -> None:
        pv, value = subscription.pv.name, _plain(response.data)
        with self._lock:
            self._updates.append((response.metadata.timestamp, next(self._arrival), pv, value))
            self._latest[pv] = value

    def caught_up(self, current: Mapping[str, Any]) -> bool:
        """Whether the latest update of each PV carries its `current` value."""
        with self._lock:
            return all(self._latest.get(pv) == value for pv, value in current.items())

    def stop(self, current: Mapping[str, Any], timeout: float = 5.0) -> bool:
        """Wait until every PV's `current` value has arrived (while updates keep coming, and `timeout` seconds
        after the last one), then disconnect; whether it did."""
        arrived = False
        while not arrived:
            count = len(self._updates)
            arrived = self._wait(lambda: self.caught_up(current), timeout)
            if len(self._updates) == count:
                break
        if self._context is not None:
            self._context.disconnect()
        return arrived

    def events(self) -> list[Event]:
        """The changes, in the order of their stamps (each PV's first update is its value at subscription)."""
        recorder = Recorder(self.initial)
        with self._lock:
            updates = sorted(self._updates)
        for stamp, _, pv, value in updates:
            recorder.put(pv, self.twin_time(stamp), value)
        return recorder.events

    @staticmethod
    def _wait(done: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

