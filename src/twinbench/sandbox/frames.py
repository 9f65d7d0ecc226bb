"""Length-prefixed JSON frames: the only language spoken across the sandbox boundary.

The trusted side accepts a frame only when it is complete, within its size, and plain data all the way
down: objects with string keys, lists, strings, booleans, null, finite floats and integers of at most
64 bits, nested at most MAX_DEPTH deep. Anything else is a ProtocolError (the program's `forbidden`).
"""

from __future__ import annotations

import json
import math
import socket
import struct
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 1 << 20
MAX_DEPTH = 16
MAX_INT = 1 << 63


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed frame."""


class FrameTooLarge(ProtocolError):
    """A frame within the protocol's maximum but over the reader's budget."""


def _plain(obj: Any) -> Any:
    """numpy scalars and arrays become plain Python values; anything else is refused."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} cannot cross the sandbox boundary")


def _reject_constant(name: str) -> Any:
    raise ProtocolError(f"non-finite number {name}")


def _int(text: str) -> int:
    if len(text) > 20 or abs(value := int(text)) >= MAX_INT:
        raise ProtocolError(f"integer {text[:30]}{'...' if len(text) > 30 else ''} out of the 64-bit range")
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ProtocolError(f"number {text[:30]} is not finite")
    return value


def check_plain(obj: Any) -> None:
    """Raise ProtocolError unless `obj` is plain JSON data within MAX_DEPTH (iterative: no recursion)."""
    stack = [(obj, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ProtocolError(f"values nested deeper than {MAX_DEPTH}")
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise ProtocolError("object keys must be strings")
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, bool) or value is None or isinstance(value, str):
            continue
        elif isinstance(value, int):
            if abs(value) >= MAX_INT:
                raise ProtocolError("integer out of the 64-bit range")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ProtocolError("number is not finite")
        else:
            raise ProtocolError(f"{type(value).__name__} is not plain data")


def encode(obj: Any) -> bytes:
    body = json.dumps(obj, default=_plain, allow_nan=False, separators=(",", ":")).encode()
    return HEADER.pack(len(body)) + body


def decode(body: bytes) -> Any:
    """Parse and check one frame body."""
    try:
        obj = json.loads(body, parse_constant=_reject_constant, parse_int=_int, parse_float=_float)
    except ProtocolError:
        raise
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed frame: {str(exc)[:200]}") from None
    check_plain(obj)
    return obj


class FrameReader:
    """Reassembles frames from a non-blocking byte stream; never waits, never trusts a length.

    A length over MAX_FRAME is garbage (ProtocolError); one over `max_frame` is a well-formed frame that
    exceeds the budget (FrameTooLarge)."""

    def __init__(self, max_frame: int = MAX_FRAME):
        self.buf = bytearray()
        self.max_frame = min(max_frame, MAX_FRAME)

    def feed(self, data: bytes) -> list[Any]:
        self.buf += data
        frames = []
        while len(self.buf) >= HEADER.size:
            (n,) = HEADER.unpack_from(self.buf)
            if n > MAX_FRAME:
                raise ProtocolError(f"frame of {n} bytes exceeds the protocol's {MAX_FRAME}")
            if n > self.max_frame:
                raise FrameTooLarge(f"a command of {n} bytes exceeds the budget of {self.max_frame}")
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
    """Blocking write of one frame; one over MAX_FRAME is refused (ValueError) before anything is sent."""
    data = encode(obj)
    if len(data) > HEADER.size + MAX_FRAME:
        raise ValueError(f"a frame of {len(data) - HEADER.size} bytes exceeds the protocol's {MAX_FRAME}")
    sock.sendall(data)
