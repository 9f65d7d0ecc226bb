"""Run one untrusted program against a twin: the trusted side of the sandbox.

The twin, its clock and the recorder live here, in the harness process. The program runs in a process
forked from the zygote and can only send commands over a socket; each reply carries the twin's time.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import selectors
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from twinbench.errors import InputError
from twinbench.sandbox import bwrap, frames, messages
from twinbench.sandbox.limits import Limits
from twinbench.sandbox.messages import Done
from twinbench.sandbox.netns import ServerThread
from twinbench.sandbox.result import ErrorInfo, Outcome, RunResult
from twinbench.sandbox.uids import UidLease
from twinbench.sandbox.zygote_host import ZygoteError, ZygoteHost
from twinbench.trace.model import Trace
from twinbench.twins import DEFAULT_TWIN, resolve_twin
from twinbench.twins.protocol import (
    BudgetExceeded,
    CommandError,
    LimitExceeded,
    SafetyRefusal,
    Simulator,
    Twin,
    network_of,
)

if TYPE_CHECKING:
    from twinbench.twins.protocol import Network, NetworkServer

NO_BWRAP = "bubblewrap unavailable: programs run WITHOUT network, filesystem and pid isolation (rlimits only)"
DRAIN_SECONDS = 2.0
SERVED_CHECKS = 0.2  # seconds between budget checks of a served twin


STOPS = {
    "forbidden": Outcome.FORBIDDEN,
    "harness": Outcome.HARNESS_ERROR,
    "budget": Outcome.BUDGET,
    "timeout": Outcome.TIMEOUT,
    "output": Outcome.KILLED,
    "sandbox": Outcome.KILLED,
}
MAX_AUDIT = 20
MAX_SOURCE = frames.MAX_FRAME - 1024  # the program's source crosses in one frame


@dataclass
class _Run:
    """What the trusted side learned while the program ran."""

    sim: Simulator
    limits: Limits
    lines: bool = False  # the program sends the line of each command: kept per event
    skip_refused: bool = False  # a refusal the twin records as a safety event is skipped; the program goes on
    skipped: int = 0  # refused commands skipped so far
    served: bool = False  # the program reaches a network server of the twin: it sends no commands
    report: Done | None = None
    stop: str | None = None  # why the harness ended the program: a key of STOPS
    stop_detail: str = ""
    limit: str | None = None  # the limit that stopped it: a field of Limits, or "budget" (the twin's)
    marks: list[tuple[int, int | None]] = field(default_factory=list)  # (first event, its program line)
    exit_code: int | None = None
    output: bytearray = field(default_factory=bytearray)
    output_total: int = 0
    outbox: bytearray = field(default_factory=bytearray)
    audit: list[str] = field(default_factory=list)
    cpu_start: float = field(default_factory=time.thread_time)
    server_cpu: Callable[[], float] | None = None  # a served twin: the CPU its server thread has spent


class Sandbox:
    """A pre-warmed zygote for one twin (a registered name or a `Twin`); `run` executes one program in a fresh
    process. Not thread-safe: use one Sandbox per worker. As root, each Sandbox leases a uid of its own for its
    programs (see `uids`).

    `network`: one of the twin's `networks` (e.g. "epics"): programs start with its client and reach a fresh
    server of the twin, which the harness runs in the sandbox's own network namespace for each program at
    `speed` twin seconds per wall second; the trace is the server's. Needs bubblewrap and root."""

    def __init__(self, twin: str | Twin = DEFAULT_TWIN, isolation: str = "auto", tmp_mb: int = 64,
                 network: str | None = None, speed: float = 100.0):
        if isolation not in ("auto", "bwrap", "none"):
            raise ValueError("isolation is 'auto', 'bwrap' or 'none'")
        self.twin = resolve_twin(twin)
        self.network = _network(self.twin, network, isolation)
        self.speed = speed
        self.client = self.network.client if self.network else self.twin.client
        self._lease = UidLease() if os.geteuid() == 0 else None
        self.uid = self._lease.uid if self._lease else None
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
        try:  # the zygote boots while the caller prepares its first run
            self._start_zygote()
        except Exception:  # noqa: BLE001, S110  (the first run starts it again and reports why it cannot)
            pass
        # the server's maker ("module:name"), imported while the zygote boots
        self._server: Callable[[Mapping[str, Any] | None, float], NetworkServer] | None = (
            pkgutil.resolve_name(self.network.server) if self.network else None)

    @property
    def isolation(self) -> str:
        return "bwrap+rlimits" if self.bwrap else "rlimits"

    def _start_zygote(self) -> ZygoteHost:
        self._zygote = ZygoteHost(self.client, self.twin.package, self.bwrap, self.tmp_mb)
        self.zygote_starts += 1
        return self._zygote

    def _ready_zygote(self) -> ZygoteHost:
        zygote = self._zygote
        if zygote is None or not zygote.alive():
            if zygote is not None:
                zygote.close()
            zygote = self._start_zygote()
        zygote.wait_ready()
        return zygote

    def _stop_zygote(self) -> None:
        """Stop the zygote (a new one starts on the next run); the uid stays leased."""
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

    def close(self) -> None:
        """Stop the zygote and give the uid back."""
        self._stop_zygote()
        if self._lease is not None:
            self._lease.release()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self,
        source: str,
        task_state: Mapping[str, Any] | None = None,
        limits: Limits | None = None,
        *,
        lines: bool = False,
        skip_refused: bool = False,
    ) -> RunResult:
        """Run `source` from the task's initial state; the harness survives whatever the program does.

        `lines`: keep the program line behind every event (`RunResult.event_lines`). `skip_refused`: a command
        the twin refuses and records as a safety event is skipped, and the program goes on (a check that reports
        every refusal); by default the program gets the twin's error for it. A failure of the harness itself
        ends the run as `harness_error` (never the program's outcome)."""
        limits = limits or Limits()
        sim = self.twin.simulator()
        try:
            sim.reset(task_state, self.twin.budget.default if limits.budget is None else limits.budget)
        except ValidationError as exc:
            err = exc.errors()[0]
            message = err["msg"].removeprefix("Value error, ")
            raise InputError("task state", message, field=".".join(map(str, err["loc"])) or None) from None
        run = _Run(sim, limits, lines, skip_refused, served=self.network is not None)
        started = time.monotonic()
        size = len(source.encode(errors="replace"))
        try:
            if size > MAX_SOURCE:
                self._stop(run, None, "budget", f"a program of {size} bytes exceeds {MAX_SOURCE}", "size")
            else:
                self._start_and_serve(run, source, task_state)
        except Exception as exc:  # noqa: BLE001  (a harness bug is recorded for this run, never raised)
            self._stop_zygote()
            _harness_error(run, "harness error", exc)
        return self._result(run, time.monotonic() - started)

    def _start_and_serve(self, run: _Run, source: str, task_state: Mapping[str, Any] | None) -> None:
        """Start the program (after the twin's network server, if any, accepts in its namespace) and serve it;
        its wall clock starts once its process exists (the zygote may still have been cleaning up after the
        previous program)."""
        zygote = self._ready_zygote()
        ours, theirs = socket.socketpair()
        out_r, out_w = os.pipe()
        server = None
        try:
            try:
                if self.network is not None:
                    server = self._start_server(run, zygote, task_state)
                request = {"uid": self.uid, "limits": run.limits.model_dump(), "client": self.client,
                           "preload": self._preload(source), "lines": run.lines}
                zygote.start(request, theirs.fileno(), out_w)
            finally:
                theirs.close()
                os.close(out_w)
            started = time.monotonic()
            frames.send(ours, {"source": source})
            ours.setblocking(False)
            self._serve(run, zygote, ours, out_r, started)
        except (OSError, ZygoteError) as exc:  # the zygote died: a new one starts on the next run
            self._stop_zygote()
            self._stop(run, None, "sandbox", f"sandbox failure: {exc}")
        finally:
            if server is not None:
                server.stop()
            ours.close()
            os.close(out_r)

    def _start_server(self, run: _Run, zygote: ZygoteHost, task_state: Mapping[str, Any] | None) -> ServerThread:
        """A fresh server of the twin, accepting in the sandbox's network namespace; its recorder is the run's."""
        server = self._server(task_state, self.speed)
        run.sim = server.sim
        thread = ServerThread(zygote.netns(), server)
        thread.start()
        run.server_cpu = thread.cpu_seconds
        return thread

    def _preload(self, source: str) -> list[str]:
        """Modules the zygote imports before forking this program: those its text names, when the twin's client
        says (`modules_for(source)`; importing the client here loads none of them)."""
        modules_for = getattr(importlib.import_module(self.client), "modules_for", None)
        return modules_for(source) if modules_for is not None else []

    def _serve(self, run: _Run, zygote: ZygoteHost, sock: socket.socket, out_r: int, started: float) -> None:
        reader = frames.FrameReader(run.limits.command_bytes)
        sel = selectors.DefaultSelector()
        sel.register(sock, selectors.EVENT_READ, "rpc")
        sel.register(out_r, selectors.EVENT_READ, "out")
        sel.register(zygote.ctrl, selectors.EVENT_READ, "ctrl")
        drain_until = grace = None  # grace: after a wall-clock stop, how long to wait for the program's end
        while sel.get_map():
            timeout = (drain_until or grace or started + _wall_limit(run)) - time.monotonic()
            if run.served:  # the server records on its own: its budgets are checked as time goes by
                self._check_budgets(run, zygote)
            if timeout <= 0:
                if drain_until is not None:
                    break
                self._stop(run, zygote, "timeout", _wall_message(run), "wall_seconds")
                grace = time.monotonic() + 3600
                continue
            for key, events in sel.select(min(timeout, SERVED_CHECKS) if run.served else timeout):
                if key.data == "ctrl":
                    run.exit_code = zygote.receive()["exit"]
                    sel.unregister(zygote.ctrl)
                    drain_until = time.monotonic() + DRAIN_SECONDS
                elif key.data == "out":
                    if not self._output(run, zygote, out_r):
                        sel.unregister(out_r)
                elif events & selectors.EVENT_WRITE:
                    self._flush(run, sock, sel)
                elif not self._commands(run, zygote, sock, reader, alive=run.exit_code is None):
                    sel.unregister(sock)
                else:
                    self._flush(run, sock, sel)
        sel.close()

    def _stop(self, run: _Run, zygote: ZygoteHost | None, why: str, detail: str, limit: str | None = None) -> None:
        """End the program for `why` (a key of STOPS) and the `limit` it hit; the first reason stands."""
        if run.stop is None:
            run.stop, run.stop_detail, run.limit = why, detail, limit
            if zygote is not None:
                zygote.kill()

    def _output(self, run: _Run, zygote: ZygoteHost, fd: int) -> bool:
        data = os.read(fd, 1 << 16)
        run.output_total += len(data)
        keep = run.limits.output_bytes - len(run.output)
        if keep > 0:
            run.output += data[:keep]
        if run.output_total > run.limits.output_kill_bytes:
            self._stop(run, zygote, "output", f"more than {run.limits.output_kill_bytes} bytes of output",
                       "output_kill_bytes")
        return bool(data)

    @staticmethod
    def _flush(run: _Run, sock: socket.socket, sel: selectors.BaseSelector) -> None:
        """Send queued replies as far as the socket takes them; read no command while replies wait, so a
        program that does not read its replies is slowed down, never blamed for the harness's full buffer."""
        try:
            sent = sock.send(run.outbox) if run.outbox else 0
        except BlockingIOError:
            sent = 0
        except OSError:  # the program is gone: its replies no longer matter
            run.outbox.clear()
            sent = 0
        del run.outbox[:sent]
        want = selectors.EVENT_WRITE if run.outbox else selectors.EVENT_READ
        if sel.get_key(sock).events != want:
            sel.modify(sock, want, "rpc")

    def _commands(
        self, run: _Run, zygote: ZygoteHost, sock: socket.socket, reader: frames.FrameReader, alive: bool
    ) -> bool:
        try:
            data = sock.recv(1 << 16)
        except BlockingIOError:
            return True
        except ConnectionError:
            return False
        try:
            for msg in reader.feed(data):
                self._command(run, zygote, messages.parse(msg), alive, msg.get("line"))
        except frames.FrameTooLarge as exc:
            self._stop(run, zygote, "budget", str(exc), "command_bytes")
            return False
        except (frames.ProtocolError, CommandError) as exc:
            self._stop(run, zygote, "forbidden", f"protocol violation: {exc}"[:2000])
            return False
        self._check_budgets(run, zygote)
        return bool(data)

    def _command(
        self, run: _Run, zygote: ZygoteHost, parsed: tuple[str, Any], alive: bool, line: int | None
    ) -> None:
        op, args = parsed
        if op == "done":
            run.report = run.report or args
        elif op == "audit":
            if len(run.audit) < MAX_AUDIT:
                run.audit.append(f"{args.event}: {args.detail}")
        elif run.served:
            raise CommandError(f"{op}: the program reaches the twin over the network only")
        elif alive and run.stop is None:
            if run.lines:
                _mark(run, line)
            try:
                reply = {"r": run.sim.handle(op, args)}
            except SafetyRefusal as exc:
                reply = {"r": None} if _skips(run) else {"e": "safety", "m": str(exc)}
            except BudgetExceeded as exc:
                self._stop(run, zygote, "timeout", str(exc), "budget")
                return
            except LimitExceeded as exc:
                self._stop(run, zygote, "budget", str(exc))
                return
            except CommandError:
                raise
            except Exception as exc:  # noqa: BLE001  (the twin failed: the harness's error, not the program's)
                _harness_error(run, f"twin error in {op}", exc)
                zygote.kill()
                return
            reply["t"] = run.sim.now
            run.outbox += frames.encode(reply)

    def _check_budgets(self, run: _Run, zygote: ZygoteHost) -> None:
        limits = run.limits
        events, size = run.sim.recorded()
        cpu = run.server_cpu() if run.server_cpu else time.thread_time() - run.cpu_start
        if events > limits.events:
            self._stop(run, zygote, "budget", f"more than {limits.events} recorded events", "events")
        elif size > limits.recorded_bytes:
            self._stop(run, zygote, "budget", f"more than {limits.recorded_bytes} bytes recorded", "recorded_bytes")
        elif cpu > limits.harness_cpu_seconds:
            self._stop(run, zygote, "budget", f"more than {limits.harness_cpu_seconds:g} s of harness CPU",
                       "harness_cpu_seconds")

    def _result(self, run: _Run, wall: float) -> RunResult:
        try:
            run.sim.finish()
            trace, duration, state = Trace(run.sim.events(), "twin"), run.sim.now, run.sim.final_state()
        except Exception as exc:  # noqa: BLE001  (the twin failed: the harness's error, not the program's)
            _harness_error(run, "twin error at the end", exc)
            trace, duration, state = Trace(), 0.0, {}
        outcome, detail, error = _classify(run)
        cpu_limit = outcome is Outcome.TIMEOUT and run.stop is None
        return RunResult(
            outcome=outcome,
            detail=detail,
            error=error,
            trace=trace,
            duration=duration,
            wall_seconds=wall,
            output=run.output.decode(errors="replace"),
            output_truncated=run.output_total > len(run.output),
            final_state=state,
            warnings=list(self.warnings),
            isolation=self.isolation,
            audit=run.audit,
            limit="cpu_seconds" if cpu_limit else run.limit,
            event_lines=_event_lines(run.marks, len(trace)) if run.lines else None,
        )


def _wall_limit(run: _Run) -> float:
    """The wall-clock limit so far: the base, plus its share for each hour of twin time the program reached."""
    return run.limits.wall_seconds + _per_hour(run) * run.sim.now / 3600


def _per_hour(run: _Run) -> float:
    """The wall-clock seconds allowed per hour of twin time (a served twin's clock follows the wall clock: none)."""
    return 0.0 if run.served else run.limits.wall_seconds_per_hour


def _network(twin: Twin, name: str | None, isolation: str) -> Network | None:
    """The twin's network protocol `name`, checked usable here (a namespace of the sandbox's own, root to
    join it)."""
    if name is None:
        return None
    network = network_of(twin, name)
    if isolation == "none" or bwrap.find_bwrap() is None:
        raise RuntimeError(f"a {name} run needs bubblewrap: the program's network namespace holds its server")
    if os.geteuid() != 0:
        raise RuntimeError(f"a {name} run needs root: the server joins the sandbox's network namespace")
    return network


def _wall_message(run: _Run) -> str:
    base, per_hour = run.limits.wall_seconds, _per_hour(run)
    if not per_hour:
        return f"wall-clock limit of {base:g} s"
    return f"wall-clock limit of {_wall_limit(run):.1f} s ({base:g} s + {per_hour:g} s per hour of twin time)"


def _skips(run: _Run) -> bool:
    """Whether to skip the command just refused: in skip mode, when the twin recorded it as a safety event (a
    twin may also refuse to go on, e.g. an unstable simulation: that stays the program's error)."""
    if run.skip_refused and len(run.sim.safety_events()) > run.skipped:
        run.skipped += 1
        return True
    return False


def _mark(run: _Run, line: int | None) -> None:
    """The events the next command records come from `line` (marks that recorded nothing are replaced)."""
    first = run.sim.recorded()[0]
    if run.marks and run.marks[-1][0] == first:
        run.marks[-1] = (first, line)
    else:
        run.marks.append((first, line))


def _event_lines(marks: list[tuple[int, int | None]], count: int) -> list[int | None]:
    """The program line behind each of `count` events, from the marks (events before the first mark: None)."""
    lines: list[int | None] = [None] * count
    for k, (first, line) in enumerate(marks):
        start, end = min(first, count), min(marks[k + 1][0] if k + 1 < len(marks) else count, count)
        lines[start:end] = [line] * (end - start)
    return lines


def _harness_error(run: _Run, where: str, exc: Exception) -> None:
    """The harness failed: that, not anything the program did, is the run's outcome."""
    run.stop, run.stop_detail = "harness", f"{where}: {type(exc).__name__}: {exc}"[:2000]


def _classify(run: _Run) -> tuple[Outcome, str, ErrorInfo | None]:
    """The outcome, from what the trusted side saw; the program's own report only tells ok, error and oom
    apart once it has run to its end."""
    report = run.report
    error = None
    if report is not None and report.type is not None:
        error = ErrorInfo(type=report.type, message=report.message or "", line=report.line)
    if run.stop is not None:
        return STOPS[run.stop], run.stop_detail, error
    if report is None:
        code = run.exit_code
        if code == -signal.SIGXCPU:
            return Outcome.TIMEOUT, "CPU-time limit", None
        how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return Outcome.KILLED, f"the program ended by {how} before finishing", None
    if report.status == "oom":
        return Outcome.OOM, report.message or "", error
    if run.sim.safety_events():
        return Outcome.SAFETY, str(run.sim.safety_events()[0].value), error
    if report.status == "error":
        return Outcome.ERROR, f"{report.type}: {report.message}", error
    return Outcome.OK, "", None


class Sandboxes:
    """One `Sandbox` of a twin per way its programs reach it (None: the twin's own client; else one of its
    `networks`), each started on first use. Not thread-safe, as a Sandbox."""

    def __init__(self, twin: str | Twin = DEFAULT_TWIN):
        self.twin = twin
        self._open: dict[str | None, Sandbox] = {}

    def get(self, network: str | None = None) -> Sandbox:
        if network not in self._open:
            self._open[network] = Sandbox(self.twin, network=network)
        return self._open[network]

    def close(self) -> None:
        for sandbox in self._open.values():
            sandbox.close()
        self._open.clear()

    def __enter__(self) -> Sandboxes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_default: dict[str, Sandbox] = {}
_default_lock = threading.Lock()


def run_program(
    source: str,
    task_state: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    twin: str = DEFAULT_TWIN,
) -> RunResult:
    """Run one program in the process-wide default sandbox of `twin` (its zygote starts on first use)."""
    with _default_lock:
        if twin not in _default:
            _default[twin] = Sandbox(twin)
        return _default[twin].run(source, task_state, limits)
