"""A program's link to its twin, and virtual time for the `time` module (the program side of a twin).

Everything here runs inside the sandboxed program's process. It holds no state that matters: the clock
and the trace live in the trusted process, which answers each command with the twin's time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

EPOCH = 1_700_000_000.0  # what time.time() reads at virtual t = 0


class Channel(Protocol):
    """The sandbox's end of the socket, as handed to a client's `namespace(channel)`."""

    def request(self, op: str, **args: Any) -> Any:
        """Send one command and return the trusted side's reply."""

    def notify(self, op: str, **args: Any) -> None:
        """Send one note that expects no reply."""


class Link:
    """Sends one command at a time and waits for its answer; `now` mirrors the trusted clock. A reply that
    names an error kind raises the client's exception for it (`errors`: kind -> an exception class, or a
    function of the message that returns the exception)."""

    def __init__(self, channel: Channel, errors: Mapping[str, Callable[[str], Exception]]):
        self.channel = channel
        self.errors = dict(errors)
        self.now = 0.0

    def call(self, op: str, **args: Any) -> Any:
        reply = self.channel.request(op, **args)
        self.now = reply["t"]
        if "e" in reply:
            raise self.errors.get(reply["e"], RuntimeError)(reply["m"])
        return reply.get("r")


def patch_time(link: Link) -> None:
    """Make `time.sleep/time/monotonic/perf_counter` read and advance the virtual clock."""

    def sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        link.call("sleep", seconds=float(seconds))

    time.sleep = sleep
    time.time = lambda: EPOCH + link.now
    time.time_ns = lambda: int((EPOCH + link.now) * 1e9)
    time.monotonic = time.perf_counter = lambda: link.now
    time.monotonic_ns = time.perf_counter_ns = lambda: int(link.now * 1e9)
