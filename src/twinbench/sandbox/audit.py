"""An audit hook inside the program's process that refuses operations a program has no use for.

Defence in depth only: the operating-system sandbox is what stops these, and the outcome is decided on the
trusted side. The hook refuses with PermissionError and tells the trusted side, which lists the report in
the result's `audit` (information, never an outcome: the program could send or suppress such a report).
The lists and helpers are bound into the hook when it is installed: changing this module afterwards changes
nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from twinbench.sandbox.channel import Channel

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
# Events whose first two arguments are paths (the second may be a dir_fd or None, then it is ignored).
PATH_EVENTS = (
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "shutil.rmtree", "os.chmod", "os.chown", "os.truncate",
    "os.symlink", "os.link", "os.utime",
)
TWO_PATHS = ("os.rename", "os.symlink", "os.link")
# Modules whose functions are replaced below; importing them again would bring the originals back.
NO_REIMPORT = ("_posixsubprocess", "_signal")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _outside(path: Any, home: str) -> bool:
    if not isinstance(path, str | bytes):
        return False
    try:
        real = os.path.realpath(os.fsdecode(path))
    except (OSError, ValueError):  # e.g. a working directory deeper than PATH_MAX
        return True
    return real != home and not real.startswith(home + os.sep)


def safe_text(obj: Any) -> str:
    """str() of something the program made, whose __str__ may raise anything: never raises."""
    try:
        return str(obj)[:2000]
    except BaseException:  # noqa: BLE001  (whatever its __str__ does)
        return f"<unprintable {type(obj).__name__}>"


def _refuser(channel: Channel) -> Callable[[str, Any], None]:
    notify, text = channel.notify, safe_text

    def refuse(event: str, args: Any) -> None:
        notify("audit", event=event[:64], detail=text(args)[:200])
        raise PermissionError(f"forbidden in the sandbox: {event}")

    return refuse


def _disarm(refuse: Callable[[str, Any], None]) -> None:
    """Functions that reach the kernel with no audit event: process spawning and pidfd signals."""
    import _posixsubprocess
    import _signal
    import signal
    import subprocess

    def fork_exec(*args: Any, **kwargs: Any) -> Any:
        refuse("_posixsubprocess.fork_exec", args[:1])

    def pidfd_send_signal(*args: Any, **kwargs: Any) -> Any:
        refuse("signal.pidfd_send_signal", args)

    _posixsubprocess.fork_exec = subprocess._fork_exec = fork_exec  # type: ignore[attr-defined]
    for module in (signal, _signal):
        if hasattr(module, "pidfd_send_signal"):
            module.pidfd_send_signal = pidfd_send_signal


def install(channel: Channel, home: str, allows: tuple[str, ...] = ()) -> None:
    """From now on, forbidden events in this process are reported and refused with PermissionError; `allows`:
    prefixes of FORBIDDEN events the program needs (a client over the network: "socket.", "ctypes.")."""
    refuse = _refuser(channel)
    _disarm(refuse)
    forbidden = tuple(event for event in FORBIDDEN if not event.startswith(allows))
    path_events, two_paths, no_reimport = PATH_EVENTS, TWO_PATHS, NO_REIMPORT
    outside = _outside

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            writes = (mode is not None and any(c in mode for c in "wax+")) or (
                mode is None and flags & WRITE_FLAGS
            )
            bad = writes and outside(path, home)
        elif event in path_events:
            paths = args[:2] if event in two_paths else args[:1]
            bad = any(outside(p, home) for p in paths)
        elif event == "import":
            bad = args[0] in no_reimport
        else:
            bad = event.startswith(forbidden)
        if bad:
            refuse(event, args)

    sys.addaudithook(hook)
