"""The harness's handle on one zygote process (started under bubblewrap when it can be)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from typing import Any

from twinbench.sandbox import bwrap

START_TIMEOUT = 120.0
# -I: no working directory, no PYTHON* variables (so -B: no bytecode written); the staged modules come first on
# sys.path.
BOOT = "import sys; sys.path.insert(0, {path!r}); from twinbench.sandbox.zygote import main; main()"


class ZygoteError(RuntimeError):
    """The zygote could not start or stopped answering."""


class ZygoteHost:
    """Starts the zygote (`twinbench.sandbox.zygote.main` from a staged copy), hands it programs, asks it to
    kill them."""

    def __init__(self, client: str, package: str, use_bwrap: str | None, tmp_mb: int = 64):
        """Stage twinbench and the twin's `package` and start the zygote; it imports `client` while the caller
        goes on (`wait_ready`)."""
        # Bound read-only under bwrap, the cached stage serves every sandbox; without bwrap the program's uid
        # must reach the modules itself, so they go to a fresh folder under /tmp.
        self.own_stage = not use_bwrap
        self.stage = (bwrap.stage_package(tempfile.mkdtemp(prefix="twinbench-stage-"), package) if self.own_stage
                      else bwrap.cached_stage(package))
        self.ctrl, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        path = bwrap.STAGE_MOUNT if use_bwrap else self.stage
        argv = [bwrap.python_executable(), "-I", "-B", "-c", BOOT.format(path=path), str(theirs.fileno()), client]
        self._info, info = os.pipe() if use_bwrap else (None, None)  # bwrap writes its child's pid there
        if use_bwrap:
            argv = bwrap.command(use_bwrap, tmp_mb, self.stage, info) + argv
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            argv,
            pass_fds=[theirs.fileno(), *([info] if info is not None else [])],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
            env=dict(bwrap.ENV),
            start_new_session=True,
        )
        theirs.close()
        if info is not None:
            os.close(info)
        self._ready = False
        self._netns: int | None = None

    def wait_ready(self) -> None:
        """Wait (once) until the zygote has imported the client; ZygoteError (and closed) if it did not start."""
        if self._ready:
            return
        self.ctrl.settimeout(START_TIMEOUT)
        try:
            self.receive()
        except (OSError, ZygoteError) as exc:
            tail = self._log_tail()  # read before close() closes the log
            self.close()
            raise ZygoteError(f"zygote did not start: {exc}: {tail}") from None
        self.ctrl.settimeout(None)
        self._ready = True

    def _log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def receive(self) -> dict[str, Any]:
        msg = self.ctrl.recv(1 << 16)
        if not msg:
            raise ZygoteError(f"zygote closed its socket: {self._log_tail()}")
        return json.loads(msg)

    def start(self, request: dict[str, Any], rpc_fd: int, out_fd: int) -> int:
        """Fork a program process holding `rpc_fd` and `out_fd` (once `wait_ready`); returns its pid (in the
        sandbox)."""
        socket.send_fds(self.ctrl, [json.dumps({"run": request}).encode()], [rpc_fd, out_fd])
        return self.receive()["pid"]

    def kill(self) -> None:
        """Ask for the running program's process group and every process of its uid to be killed."""
        try:
            self.ctrl.send(b'{"kill": true}')
        except OSError:
            pass

    def netns(self) -> int:
        """A file descriptor of the sandbox's network namespace (opened once, while the zygote runs)."""
        if self._netns is None:
            if self._info is None:
                raise ZygoteError("without bubblewrap the sandbox has no network namespace of its own")
            info = b""
            while b"}" not in info:  # bwrap's JSON, written as its child started
                chunk = os.read(self._info, 4096)
                if not chunk:
                    raise ZygoteError(f"bubblewrap did not say which process it started: {self._log_tail()}")
                info += chunk
            os.close(self._info)
            self._info = None
            pid = json.loads(info[:info.index(b"}") + 1])["child-pid"]
            self._netns = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            if not self.alive():  # the pid is the sandbox's only while it runs
                os.close(self._netns)
                self._netns = None
                raise ZygoteError("the sandbox ended before its network could be reached")
        return self._netns

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        self.ctrl.close()
        try:
            os.killpg(self.proc.pid, 9)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 5
        while self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        self.log.close()
        for fd in (self._netns, self._info):
            if fd is not None:
                os.close(fd)
        self._netns = self._info = None
        if self.own_stage:
            shutil.rmtree(self.stage, ignore_errors=True)
