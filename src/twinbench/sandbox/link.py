"""The untrusted side's end of the command channel, and virtual time for the `time` module.

Everything here runs inside the sandboxed program's process. It holds no state that matters: the clock
and the trace live in the trusted process, which answers each command with the virtual time.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from twinbench.sandbox import frames

EPOCH = 1_700_000_000.0  # what time.time() reads at virtual t = 0


class Link:
    """Sends one command at a time and waits for its answer; `now` mirrors the trusted clock."""

    def __init__(self, sock: socket.socket, errors: Mapping[str, Callable[[str], Exception]]):
        """`errors`: how to raise each error the trusted side answers with (an exception class, or a function
        of the message that returns the exception)."""
        self.sock = sock
        self.errors = dict(errors)
        self.now = 0.0
        self._lock = threading.Lock()

    def call(self, op: str, **args: Any) -> Any:
        with self._lock:
            frames.send(self.sock, {"op": op, "args": args})
            reply = frames.recv(self.sock)
        self.now = reply["t"]
        if "e" in reply:
            raise self.errors.get(reply["e"], RuntimeError)(reply["m"])
        return reply.get("r")

    def notify(self, op: str, **args: Any) -> None:
        """A message that expects no answer (the program's end, a forbidden operation)."""
        with self._lock:
            frames.send(self.sock, {"op": op, "args": args})


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
