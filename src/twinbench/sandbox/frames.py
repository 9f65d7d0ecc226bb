"""Length-prefixed JSON frames: the only language spoken across the sandbox boundary."""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 1 << 20


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed frame."""


def _plain(obj: Any) -> Any:
    """numpy scalars and arrays become plain Python values; anything else is refused."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} cannot cross the sandbox boundary")


def _reject_constant(name: str) -> Any:
    raise ProtocolError(f"non-finite number {name}")


def encode(obj: Any) -> bytes:
    body = json.dumps(obj, default=_plain, allow_nan=False, separators=(",", ":")).encode()
    return HEADER.pack(len(body)) + body


def decode(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed frame: {exc}") from None


class FrameReader:
    """Reassembles frames from a non-blocking byte stream; never waits, never trusts a length."""

    def __init__(self, max_frame: int = MAX_FRAME):
        self.buf = bytearray()
        self.max_frame = max_frame

    def feed(self, data: bytes) -> list[Any]:
        self.buf += data
        frames = []
        while len(self.buf) >= HEADER.size:
            (n,) = HEADER.unpack_from(self.buf)
            if n > self.max_frame:
                raise ProtocolError(f"frame of {n} bytes exceeds {self.max_frame}")
            if len(self.buf) < HEADER.size + n:
                break
            frames.append(decode(bytes(self.buf[HEADER.size : HEADER.size + n])))
            del self.buf[: HEADER.size + n]
        return frames


def recv_exact(sock: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("peer closed the connection")
        data += chunk
    return bytes(data)


def recv(sock: socket.socket) -> Any:
    """Blocking read of one frame (for the sides that can afford to wait)."""
    (n,) = HEADER.unpack(recv_exact(sock, HEADER.size))
    if n > MAX_FRAME:
        raise ProtocolError(f"frame of {n} bytes exceeds {MAX_FRAME}")
    return decode(recv_exact(sock, n))


def send(sock: socket.socket, obj: Any) -> None:
    sock.sendall(encode(obj))
