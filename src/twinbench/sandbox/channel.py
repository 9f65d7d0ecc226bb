"""The program process's end of the command socket: length-prefixed JSON frames, one request at a time.

The child hands a `Channel` to the twin's client module (`namespace(channel)`) and to the audit hook; a lock
keeps a note sent from one thread out of the middle of another thread's request and reply. When the harness
asks for it, each command carries the program line that issued it (`locate`), so a check can name the line
behind every event.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

from twinbench.sandbox import frames


class Channel:
    """Sends a command (`op` and its `args`) and waits for the reply (`request`), or sends a note that expects
    none (`notify`). `locate()` gives the program line a command comes from (None: no line is sent)."""

    def __init__(self, sock: socket.socket, locate: Callable[[], int | None] | None = None):
        self.sock = sock
        self._lock = threading.Lock()
        self._locate = locate

    def request(self, op: str, **args: Any) -> Any:
        frame: dict[str, Any] = {"op": op, "args": args}
        if self._locate is not None and (line := self._locate()) is not None:
            frame["line"] = line
        with self._lock:
            frames.send(self.sock, frame)
            return frames.recv(self.sock)

    def notify(self, op: str, **args: Any) -> None:
        with self._lock:
            frames.send(self.sock, {"op": op, "args": args})
