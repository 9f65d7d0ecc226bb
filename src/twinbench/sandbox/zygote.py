"""The fork server: imports the twin's client once, then forks a fresh, limited process per program.

Runs inside bubblewrap (when available) as `main()` with argv `FD CLIENT` (see zygote_host.BOOT); talks to the
harness over a SOCK_SEQPACKET socket: {"run": ...} with two fds -> {"pid"}, {"kill": true}, -> {"exit"}.
A run request may name modules to `preload` (the client's heavy stacks a program uses): they are imported
here before the fork, outside the program's limits, and stay loaded for every later program.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
from typing import Any

from twinbench.sandbox import child

MAX_MESSAGE = 1 << 16


def _send(ctrl: socket.socket, obj: Any) -> None:
    ctrl.send(json.dumps(obj).encode())


def _reap(uid: int | None) -> None:
    """Kill every process left behind by the program (daemons, fork bombs): all of its uid's processes."""
    if uid is None:
        return
    pid = os.fork()
    if pid == 0:
        os.setgid(uid)
        os.setuid(uid)
        for _ in range(1000):
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                break
        os._exit(0)
    os.waitpid(pid, 0)


def _preload(modules: list[str]) -> None:
    """Import what the program will use; a module that fails to import is left for the program to meet."""
    missing = [name for name in modules if name not in sys.modules]
    for name in missing:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S110  (the program's own import reports it, as its error)
            pass
    if missing:
        gc.collect()
        gc.freeze()


def _run(ctrl: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    _preload(request.get("preload", []))
    uid = request["uid"]
    home = tempfile.mkdtemp(prefix="twinbench-run-")
    if uid is not None:
        os.chown(home, uid, uid)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        child.run({**request, "home": home}, fds[0], fds[1])
    for fd in fds:
        os.close(fd)
    pidfd = os.pidfd_open(pid)
    _send(ctrl, {"pid": pid})
    while True:
        ready, _, _ = select.select([ctrl, pidfd], [], [])
        if pidfd in ready:
            break
        msg = ctrl.recv(MAX_MESSAGE)
        if not msg:  # the harness is gone
            _kill(pid)
            _reap(uid)
            sys.exit(0)
        if json.loads(msg).get("kill"):
            _kill(pid)
    _, status = os.waitpid(pid, 0)
    os.close(pidfd)
    _reap(uid)
    _send(ctrl, {"exit": os.waitstatus_to_exitcode(status)})
    _remove(home)


def _remove(path: str) -> None:
    """Delete the program's directory, however deep it made it (rm walks by file descriptor: no recursion
    limit, no path-length limit); after the harness has its answer, so cleanup never counts against the run."""
    subprocess.run(["rm", "-rf", "--", path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


def _kill(pid: int) -> None:
    """SIGKILL the program's process group (or the process, if it has not made its group yet)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def main() -> None:
    sys.dont_write_bytecode = True  # as PYTHONDONTWRITEBYTECODE would (-I ignores it): the stage is read-only
    ctrl = socket.socket(fileno=int(sys.argv[1]))
    importlib.import_module(sys.argv[2])
    gc.collect()
    gc.freeze()
    _send(ctrl, {"ready": True})
    while True:
        msg, fds, _, _ = socket.recv_fds(ctrl, MAX_MESSAGE, 2)
        if not msg:
            return
        request = json.loads(msg).get("run")
        if request is None:  # a late kill for a program that had already ended
            for fd in fds:
                os.close(fd)
            continue
        _run(ctrl, request, fds)


if __name__ == "__main__":
    main()
