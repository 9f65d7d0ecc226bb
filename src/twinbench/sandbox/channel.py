"""The program process's end of the command socket: length-prefixed JSON frames, one request at a time.

The child hands a `Channel` to the twin's client module (`namespace(channel)`) and to the audit hook; a lock
keeps a note sent from one thread out of the middle of another thread's request and reply.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from twinbench.sandbox import frames


class Channel:
    """Sends a command (`op` and its `args`) and waits for the reply (`request`), or sends a note that expects
    none (`notify`)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self._lock = threading.Lock()

    def request(self, op: str, **args: Any) -> Any:
        with self._lock:
            frames.send(self.sock, {"op": op, "args": args})
            return frames.recv(self.sock)

    def notify(self, op: str, **args: Any) -> None:
        with self._lock:
            frames.send(self.sock, {"op": op, "args": args})
