"""The program's own process: forked from the zygote, limited, then running the untrusted source."""

from __future__ import annotations

import importlib
import io
import os
import socket
import sys
import threading
import traceback
from typing import Any

from twinbench.sandbox import audit, frames
from twinbench.sandbox.audit import safe_text
from twinbench.sandbox.channel import Channel
from twinbench.sandbox.rlimits import apply_limits

PROGRAM = "<program>"


def _error(exc: BaseException) -> dict[str, Any]:
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == PROGRAM]
    if isinstance(exc, SyntaxError) and exc.filename == PROGRAM and isinstance(exc.lineno, int):
        lines.append(exc.lineno)
    status = "oom" if isinstance(exc, MemoryError) else "error"
    return {
        "status": status,
        "type": type(exc).__name__[:200],
        "message": safe_text(exc),
        "line": (lines or [None])[-1],
    }


def _program_frame(frame: Any) -> Any:
    while frame is not None and frame.f_code.co_filename != PROGRAM:
        frame = frame.f_back
    return frame


def program_line() -> int | None:
    """The program line running now: the innermost frame of the program's own code in this thread, else in the
    main thread (a bluesky RunEngine sends its commands from its own thread while `RE(...)` waits)."""
    frame = _program_frame(sys._getframe(1))
    if frame is None and threading.current_thread() is not threading.main_thread():
        frame = _program_frame(sys._current_frames().get(threading.main_thread().ident))
    return frame.f_lineno if frame is not None else None


def _execute(source: str, names: dict[str, Any]) -> dict[str, Any]:
    try:
        exec(compile(source, PROGRAM, "exec"), names)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            return {"status": "error", "type": "SystemExit", "message": safe_text(exc.code), "line": None}
    except BaseException as exc:  # noqa: BLE001  (everything the program raises is its outcome)
        return _error(exc)
    return {"status": "ok"}


def _end(client: Any, report: dict[str, Any]) -> dict[str, Any]:
    """Let the client finish its part (e.g. send what it buffered) once the program has ended; a failure there
    is the program's error, unless it had already failed."""
    end = getattr(client, "end", None)
    if end is None:
        return report
    try:
        end()
    except BaseException as exc:  # noqa: BLE001  (the program may have broken its client)
        return report if report["status"] != "ok" else _error(exc)
    return report


def run(request: dict[str, Any], rpc_fd: int, out_fd: int) -> None:
    """Never returns: set the process up, run the program, report, exit."""
    try:
        os.setsid()
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.closerange(3, rpc_fd)
        os.closerange(rpc_fd + 1, 1 << 16)
        sys.stdout = sys.stderr = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=True)
        home = request["home"]
        os.chdir(home)
        apply_limits(request["limits"], request["uid"])
        sock = socket.socket(fileno=rpc_fd)
        source = frames.recv(sock)["source"]
        channel = Channel(sock, program_line if request.get("lines") else None)
        client = importlib.import_module(request["client"])
        names = client.namespace(channel)
        audit.install(channel, home, getattr(client, "AUDIT_ALLOWS", ()))
        report = _end(client, _execute(source, names))
        sys.stdout.flush()
        channel.notify("done", **report)
    except BaseException:  # noqa: BLE001  (a failure here must still end the process)
        traceback.print_exc()
        sys.stdout.flush()
    os._exit(0)
