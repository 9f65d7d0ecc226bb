"""Run one untrusted program against a twin: the trusted side of the sandbox.

The twin, its clock and the recorder live here, in the harness process. The program runs in a process
forked from the zygote and can only send commands over a socket; each reply carries the virtual time.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from twinbench.errors import InputError
from twinbench.sandbox import bwrap, frames
from twinbench.sandbox.limits import SANDBOX_UID, Limits
from twinbench.sandbox.result import ErrorInfo, Outcome, RunResult
from twinbench.sandbox.zygote_host import ZygoteError, ZygoteHost
from twinbench.trace.model import Trace
from twinbench.twins import BudgetExceeded, CommandError, SafetyRefusal, Twin, get_twin

NO_BWRAP = "bubblewrap unavailable: programs run WITHOUT network, filesystem and pid isolation (rlimits only)"
DRAIN_SECONDS = 2.0


@dataclass
class _Run:
    """What the trusted side learned while the program ran."""

    twin: Twin
    limits: Limits
    report: dict[str, Any] | None = None
    forbidden: str | None = None
    stop: str | None = None  # why the harness ended the program: "timeout", "output"
    stop_detail: str = ""
    exit_code: int | None = None
    output: bytearray = field(default_factory=bytearray)
    output_total: int = 0


class Sandbox:
    """A pre-warmed zygote for one twin; `run` executes one program in a fresh process. Not thread-safe:
    use one Sandbox per worker (each with its own `uid`)."""

    def __init__(
        self, twin: str = "beamline", isolation: str = "auto", uid: int = SANDBOX_UID, tmp_mb: int = 64
    ):
        if isolation not in ("auto", "bwrap", "none"):
            raise ValueError("isolation is 'auto', 'bwrap' or 'none'")
        self.twin_name = twin
        self.client = get_twin(twin).client
        self.uid = uid if os.geteuid() == 0 else None
        self.bwrap = None if isolation == "none" else bwrap.find_bwrap()
        if isolation == "bwrap" and self.bwrap is None:
            raise RuntimeError("bubblewrap was required but is not usable here")
        self.warnings = [] if self.bwrap else [NO_BWRAP]
        if self.uid is None:
            self.warnings.append("not root: programs keep the harness's uid (RLIMIT_NPROC still applies)")
        if self.warnings:
            print("twinbench sandbox WARNING: " + "; ".join(self.warnings), file=sys.stderr)
        self.tmp_mb = tmp_mb
        self.zygote_starts = 0
        self._zygote: ZygoteHost | None = None

    @property
    def isolation(self) -> str:
        return "bwrap+rlimits" if self.bwrap else "rlimits"

    def _ready_zygote(self) -> ZygoteHost:
        if self._zygote is None or not self._zygote.alive():
            if self._zygote is not None:
                self._zygote.close()
            self._zygote = ZygoteHost(self.client, self.bwrap, self.tmp_mb)
            self.zygote_starts += 1
        return self._zygote

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self, source: str, task_state: Mapping[str, Any] | None = None, limits: Limits | None = None
    ) -> RunResult:
        """Run `source` from the task's initial state; the harness survives whatever the program does."""
        limits = limits or Limits()
        twin = get_twin(self.twin_name)
        try:
            twin.reset(task_state, limits.virtual_seconds)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InputError("task state", err["msg"], field=".".join(map(str, err["loc"])) or None) from None
        run = _Run(twin, limits)
        started = time.monotonic()
        zygote = self._ready_zygote()
        ours, theirs = socket.socketpair()
        out_r, out_w = os.pipe()
        try:
            try:
                request = {"uid": self.uid, "limits": limits.model_dump(), "client": self.client}
                zygote.start(request, theirs.fileno(), out_w)
            finally:
                theirs.close()
                os.close(out_w)
            frames.send(ours, {"source": source})
            ours.setblocking(False)
            self._serve(run, zygote, ours, out_r, started + limits.wall_seconds)
        except (OSError, ZygoteError) as exc:  # the zygote died: a new one starts on the next run
            self.close()
            run.stop, run.stop_detail = "sandbox", f"sandbox failure: {exc}"
        finally:
            ours.close()
            os.close(out_r)
        return self._result(run, time.monotonic() - started)

    def _serve(self, run: _Run, zygote: ZygoteHost, sock: socket.socket, out_r: int, deadline: float) -> None:
        reader = frames.FrameReader()
        sel = selectors.DefaultSelector()
        sel.register(sock, selectors.EVENT_READ, "rpc")
        sel.register(out_r, selectors.EVENT_READ, "out")
        sel.register(zygote.ctrl, selectors.EVENT_READ, "ctrl")
        drain_until = None
        while sel.get_map():
            timeout = (drain_until or deadline) - time.monotonic()
            if timeout <= 0:
                if drain_until is not None:
                    break
                self._stop(run, zygote, "timeout", f"wall-clock limit of {run.limits.wall_seconds:g} s")
                deadline = time.monotonic() + 3600
                continue
            for key, _ in sel.select(timeout):
                if key.data == "ctrl":
                    run.exit_code = zygote.receive()["exit"]
                    sel.unregister(zygote.ctrl)
                    drain_until = time.monotonic() + DRAIN_SECONDS
                elif key.data == "out":
                    if not self._output(run, zygote, out_r):
                        sel.unregister(out_r)
                elif not self._commands(run, zygote, sock, reader, alive=run.exit_code is None):
                    sel.unregister(sock)
        sel.close()

    def _stop(self, run: _Run, zygote: ZygoteHost, why: str, detail: str) -> None:
        if run.stop is None and run.forbidden is None:
            run.stop, run.stop_detail = why, detail
            zygote.kill()

    def _forbid(self, run: _Run, zygote: ZygoteHost, detail: str) -> None:
        if run.stop is None and run.forbidden is None:
            run.forbidden = detail
            zygote.kill()

    def _output(self, run: _Run, zygote: ZygoteHost, fd: int) -> bool:
        data = os.read(fd, 1 << 16)
        run.output_total += len(data)
        keep = run.limits.output_bytes - len(run.output)
        if keep > 0:
            run.output += data[:keep]
        if run.output_total > run.limits.output_kill_bytes:
            self._stop(run, zygote, "output", f"more than {run.limits.output_kill_bytes} bytes of output")
        return bool(data)

    def _commands(
        self, run: _Run, zygote: ZygoteHost, sock: socket.socket, reader: frames.FrameReader, alive: bool
    ) -> bool:
        try:
            data = sock.recv(1 << 16)
            for msg in reader.feed(data):
                self._command(run, zygote, sock, msg, alive)
        except (
            frames.ProtocolError,
            CommandError,
            BlockingIOError,
            ConnectionError,
            TypeError,
            KeyError,
        ) as exc:
            self._forbid(run, zygote, f"protocol violation: {exc}")
            return False
        return bool(data)

    def _command(self, run: _Run, zygote: ZygoteHost, sock: socket.socket, msg: Any, alive: bool) -> None:
        op, args = msg["op"], msg["args"]
        if not isinstance(args, dict):
            raise CommandError("arguments must be an object")
        if op == "done":
            run.report = args
        elif op == "forbidden":
            self._forbid(run, zygote, f"{args.get('event')}: {args.get('detail')}")
        elif alive and run.stop is None and run.forbidden is None:
            try:
                reply = {"r": run.twin.handle(op, args)}
            except SafetyRefusal as exc:
                reply = {"e": "safety", "m": str(exc)}
            except BudgetExceeded as exc:
                self._stop(run, zygote, "timeout", str(exc))
                return
            reply["t"] = run.twin.now
            sock.sendall(frames.encode(reply))

    def _result(self, run: _Run, wall: float) -> RunResult:
        run.twin.finish()
        outcome, detail, error = _classify(run)
        return RunResult(
            outcome=outcome,
            detail=detail,
            error=error,
            trace=Trace(run.twin.events(), "twin"),
            duration=run.twin.now,
            wall_seconds=wall,
            output=run.output.decode(errors="replace"),
            output_truncated=run.output_total > len(run.output),
            final_state=run.twin.final_state(),
            warnings=list(self.warnings),
            isolation=self.isolation,
        )


def _classify(run: _Run) -> tuple[Outcome, str, ErrorInfo | None]:
    report = run.report or {}
    error = ErrorInfo(**{k: report[k] for k in ("type", "message", "line")}) if "type" in report else None
    if run.forbidden:
        return Outcome.FORBIDDEN, run.forbidden, error
    if run.stop == "timeout":
        return Outcome.TIMEOUT, run.stop_detail, error
    if run.stop in ("output", "sandbox"):
        return Outcome.KILLED, run.stop_detail, error
    if run.report is None:
        code = run.exit_code
        if code == -signal.SIGXCPU:
            return Outcome.TIMEOUT, "CPU-time limit", None
        how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return Outcome.KILLED, f"the program ended by {how} before finishing", None
    if report.get("status") == "oom":
        return Outcome.OOM, report.get("message", ""), error
    if run.twin.safety_events():
        return Outcome.SAFETY, str(run.twin.safety_events()[0].value), error
    if report.get("status") == "error":
        return Outcome.ERROR, f"{report.get('type')}: {report.get('message')}", error
    return Outcome.OK, "", None


_default: dict[str, Sandbox] = {}
_default_lock = threading.Lock()


def run_program(
    source: str,
    task_state: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    twin: str = "beamline",
) -> RunResult:
    """Run one program in the process-wide default sandbox of `twin` (its zygote starts on first use)."""
    with _default_lock:
        if twin not in _default:
            _default[twin] = Sandbox(twin)
        return _default[twin].run(source, task_state, limits)
