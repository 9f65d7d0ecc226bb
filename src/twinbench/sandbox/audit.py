"""An audit hook inside the program's process that names forbidden operations to the trusted side.

Defence in depth only: the operating-system sandbox is what stops these; the hook makes them classified
as 'forbidden' (reported before the operation is refused), even when the program catches the error.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from twinbench.sandbox.link import Link

FORBIDDEN = (
    "ctypes.",
    "os.exec",
    "os.fork",
    "os.forkpty",
    "os.kill",
    "os.killpg",
    "os.posix_spawn",
    "os.spawn",
    "os.system",
    "pty.",
    "signal.pthread_kill",
    "socket.bind",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.sendmsg",
    "socket.sendto",
    "subprocess.Popen",
)
PATH_EVENTS = ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "shutil.rmtree", "os.chmod", "os.truncate")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _outside(path: Any, home: str) -> bool:
    if not isinstance(path, str | bytes):
        return False
    real = os.path.realpath(os.fsdecode(path))
    return real != home and not real.startswith(home + os.sep)


def install(link: Link, home: str) -> None:
    """From now on, forbidden events in this process are reported and refused with PermissionError."""

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            writes = (mode is not None and any(c in mode for c in "wax+")) or (
                mode is None and flags & WRITE_FLAGS
            )
            bad = writes and _outside(path, home)
        elif event in PATH_EVENTS:
            bad = _outside(args[0], home)
        else:
            bad = event.startswith(FORBIDDEN)
        if bad:
            link.notify("forbidden", event=event, detail=repr(args)[:200])
            raise PermissionError(f"forbidden in the sandbox: {event}")

    sys.addaudithook(hook)
