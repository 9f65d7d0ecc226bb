"""Running `twinbench serve` as a subprocess on a free loopback port, client programs against it, and the
equivalence of the two front ends: the same steps over Channel Access and in process give the same trace."""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any, NamedTuple

from twinbench.trace.model import Event
from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.twin import BeamlineSimulator
from twinbench.twins.protocol import SafetyRefusal
from twinbench.twins.recorder import SAFETY_CHANNEL

TWINBENCH = Path(sys.executable).with_name("twinbench")
Step = tuple[str, dict[str, Any]]


_HANDED_OUT: set[int] = set()
_HANDING = threading.Lock()


def free_port() -> int:
    """A loopback port free now for both TCP and UDP (a CA server binds both), never handed out before by this
    process: servers started side by side (and their repeaters) never share one."""
    with _HANDING:
        while True:
            with socket.socket() as tcp, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                tcp.bind(("127.0.0.1", 0))
                port = tcp.getsockname()[1]
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            if port not in _HANDED_OUT:
                _HANDED_OUT.add(port)
                return port


def epics_env(port: int) -> dict[str, str]:
    """The environment of a server or client on `port`: loopback only, its own repeater port."""
    return os.environ | {
        "EPICS_CA_ADDR_LIST": "127.0.0.1", "EPICS_CA_AUTO_ADDR_LIST": "NO", "EPICS_CAS_INTF_ADDR_LIST": "127.0.0.1",
        "EPICS_CAS_BEACON_ADDR_LIST": "127.0.0.1", "EPICS_CAS_AUTO_BEACON_ADDR_LIST": "NO",
        "EPICS_CA_SERVER_PORT": str(port), "EPICS_CA_REPEATER_PORT": str(free_port()),
        "OPHYD_CONTROL_LAYER": "pyepics",
    }


# What a forked server or client starts with (imported once, in the fork server: `serve(..., forked=True)`)
FORK_PRELOAD = ["epics", "twinbench.cli.serve", "twinbench.twins.beamline.epics_server", "twinbench.trace.io"]


@functools.cache
def _fork_server() -> ForkServerContext:
    """A process that has imported the served twin and pyepics (which starts no CA thread until first used):
    servers and client programs forked from it start without importing either."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORK_PRELOAD)
    return context


def _serve_command(env: dict[str, str], speed: float, state: Path | None, trace: Path) -> None:
    """`twinbench serve` in a forked process: the command's own function."""
    os.environ.update(env)
    from twinbench.cli.serve import serve as command

    command(speed=speed, state=state, port=None, trace=trace)


def _run_program(env: dict[str, str], program: str, output: Path) -> None:
    """A client program in a forked process: what it prints, or its traceback, goes to `output`."""
    os.environ.update(env)
    with output.open("w") as out, contextlib.redirect_stdout(out):
        try:
            exec(compile(program, "<program>", "exec"), {"__name__": "__main__"})  # noqa: S102  (our own plan)
        except BaseException:
            traceback.print_exc(file=out)
            raise SystemExit(1) from None


class _Forked:
    """A process forked from the fork server, with the part of `subprocess.Popen` that `serve` uses. Starting
    one polls every other (multiprocessing reaps its children then), and two threads reading one child's exit
    status get it once: so that happens under one lock."""

    _reaping = threading.Lock()

    def __init__(self, target: Callable[..., None], *args: Any):
        self.process = _fork_server().Process(target=target, args=args)
        with self._reaping:
            self.process.start()

    def poll(self) -> int | None:
        with self._reaping:
            return self.process.exitcode

    def terminate(self) -> None:
        self.process.terminate()

    def kill(self) -> None:
        self.process.kill()

    def wait(self, timeout: float | None = None) -> int:
        if not multiprocessing.connection.wait([self.process.sentinel], timeout):
            raise subprocess.TimeoutExpired("forked", timeout or 0)
        with self._reaping:
            self.process.join()
            return self.process.exitcode

    @property
    def returncode(self) -> int | None:
        return self.poll()


def _failure(proc: subprocess.Popen[str] | _Forked, said: list[str]) -> RuntimeError:
    return RuntimeError(f"twinbench serve failed (exit status {proc.poll()}): {''.join(said)[-3000:]}")


class Served:
    """A running server: its environment, and (after it stops) the traces it wrote: its own, and (unless forked)
    its monitor's. `forked`: client programs are forked from the fork server too."""

    def __init__(self, env: dict[str, str], trace: Path, forked: bool = False):
        self.env, self.trace_path, self.forked = env, trace, forked
        self.monitor_path = trace.with_name("monitor-" + trace.name)
        self._runs = itertools.count()

    def run(self, program: str, timeout: float = 120) -> Any:
        """Run a client program against the server; it prints one JSON document last, returned here. A
        subprocess reads the program on stdin (a long plan is more than one command-line argument may hold)."""
        if self.forked:
            output = self.trace_path.with_suffix(f".out{next(self._runs)}")
            proc = _Forked(_run_program, self.env, program, output)
            try:
                proc.wait(timeout)
            finally:
                proc.kill()
            printed = output.read_text()
            if proc.returncode != 0:
                raise RuntimeError(f"exit status {proc.returncode}: {printed[-3000:]}")
        else:
            done = subprocess.run([sys.executable, "-"], input=program, env=self.env, capture_output=True, text=True,
                                  timeout=timeout)
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-3000:])
            printed = done.stdout
        return json.loads(printed.strip().splitlines()[-1])

    def trace(self) -> list[dict[str, Any]]:
        return json.loads(self.trace_path.read_text())["events"]

    def monitor(self) -> list[dict[str, Any]]:
        """The trace a Channel Access monitor outside the server recorded (`serve --monitor`)."""
        return json.loads(self.monitor_path.read_text())["events"]


READY = "serving the beamline twin"  # what `twinbench serve` prints once clients can start


@contextmanager
def serve(workdir: Path, speed: float, state: Path | None = None, forked: bool = False,
          timeout: float = 60) -> Iterator[Served]:
    """`twinbench serve` from `state` on a free port until the block ends; the traces are written when it stops.
    The block starts once the server says it is serving (its monitor subscribed). `forked`: the command's
    function, without a monitor, in a process forked from the fork server, as are the client programs (no
    imports: a fraction of the start-up time); it starts once the server's port accepts."""
    port = free_port()
    env = epics_env(port)
    served = Served(env, workdir / f"trace-{port}.json", forked)
    said: list[str] = []  # its standard error, read all along so that a chatty server never blocks on it
    proc: subprocess.Popen[str] | _Forked
    if forked:
        proc = _Forked(_serve_command, env, speed, state, served.trace_path)
        reader = None
    else:
        command = [str(TWINBENCH), "serve", "--speed", str(speed), "--trace", str(served.trace_path),
                   "--monitor", str(served.monitor_path), *(["--state", str(state)] if state else [])]
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        reader = threading.Thread(target=lambda: said.extend(proc.stderr), daemon=True)
        reader.start()
    try:
        deadline = time.monotonic() + timeout
        while not (_accepting(port) if forked else any(READY in line for line in said)):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise _failure(proc, said)
            time.sleep(0.02)
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if reader is not None:
            reader.join(timeout=5)
    if proc.returncode != 0:
        raise _failure(proc, said)


def _accepting(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


# --- equivalence ------------------------------------------------------------------------------------------
X, Y, TH = pvs.MOTORS["smx"], pvs.MOTORS["smy"], pvs.MOTORS["sth"]
PLANS: dict[str, list[Step]] = {
    "moves": [("put", {"pv": X, "value": 2.0}), ("put", {"pv": Y, "value": -1.5}), ("put", {"pv": X, "value": 0.0})],
    "measure": [("put", {"pv": pvs.cam("pilatus2M", "AcquireTime"), "value": 1.0}),
                ("put", {"pv": pvs.cam("pilatus2M", "AcquirePeriod"), "value": 1.1}),
                ("expose", {"detectors": ["pilatus2M"]}), ("sleep", {"seconds": 5.0}),
                ("expose", {"detectors": ["pilatus2M"]})],
    "grid": [step for x in (-1.0, 0.0, 1.0) for step in (
        ("put", {"pv": X, "value": x}), ("put", {"pv": pvs.cam("pilatus800", "AcquireTime"), "value": 0.5}),
        ("expose", {"detectors": ["pilatus800"]}))],
    "angles": [step for th in (0.1, 0.2, 0.3) for step in (
        ("put", {"pv": TH, "value": th}), ("expose", {"detectors": ["pilatus2M"]}))],
    "limit": [("put", {"pv": X, "value": 1.0}), ("put", {"pv": X, "value": 80.0}), ("put", {"pv": TH, "value": -2.0})],
    "linkam": [("put", {"pv": pvs.LINKAM_RATE, "value": 120.0}), ("put", {"pv": pvs.LINKAM_SETPOINT, "value": 35.0}),
               ("put", {"pv": pvs.LINKAM_HEATER, "value": 1}), ("sleep", {"seconds": 10.0}),
               ("put", {"pv": pvs.SHUTTER, "value": 1}), ("expose", {"detectors": ["pilatus2M"]}),
               ("put", {"pv": pvs.SHUTTER, "value": 0})],
}


class Local(NamedTuple):
    """A plan's trace through the in-process front end, and for each event how many steps had been issued
    when it was recorded (the steps whose latency over Channel Access can have delayed it)."""

    events: list[Event]
    steps: list[int]
    end: float  # the twin time when the last step was done


def in_process(steps: list[Step], state: dict[str, Any] | None = None) -> Local:
    """The steps through the in-process front end from `state` (a refused step is recorded and the plan
    goes on)."""
    sim = BeamlineSimulator()
    sim.reset(state, math.inf)
    issued: list[int] = []
    for k, (op, args) in enumerate(steps, 1):
        try:
            sim.handle(op, args)
        except SafetyRefusal:
            pass
        issued += [k] * (sim.recorded()[0] - len(issued))
    sim.finish()
    events = sim.events()
    return Local(events, issued + [len(steps)] * (len(events) - len(issued)), sim.t)


def ca_program(steps: list[Step], speed: float) -> str:
    """A pyepics program doing the steps over Channel Access, each waiting for completion as in process. The
    detectors of one exposure are started together (their puts sent at once, then their completions awaited),
    as one `expose` starts them at one instant."""
    return textwrap.dedent(f"""
        import json, time
        import epics
        MOTORS, CAMS = {sorted(pvs.MOTORS.values())!r}, {pvs.DETECTORS!r}
        STEPS, SPEED = {steps!r}, {speed!r}

        def wait(pv, value):
            while epics.caget(pv, use_monitor=False) != value:
                time.sleep(0.002)

        for op, args in STEPS:
            if op == "sleep":
                time.sleep(args["seconds"] / SPEED)
            elif op == "expose":
                detectors = dict.fromkeys(args["detectors"])
                acquire = [epics.get_pv(CAMS[det] + "Acquire", connect=True) for det in detectors]
                for pv in acquire:
                    pv.put(1, use_complete=True)
                for pv in acquire:
                    while not pv.put_complete:
                        time.sleep(0.002)
                    wait(pv.pvname, 0)
            elif op == "read":
                epics.caget(args["pv"], use_monitor=False)
            elif args["pv"] in MOTORS:
                epics.caput(args["pv"], args["value"], wait=True)
                wait(args["pv"] + ".DMOV", 1)
            else:
                epics.caput(args["pv"], args["value"], wait=True)
        print(json.dumps("done"))
    """)


def _key(channel: str, value: Any, meta: Any) -> tuple[Any, ...]:
    return (channel, value, (meta or {}).get("requested"))


def compare(local: Local, remote: list[dict[str, Any]]) -> dict[str, Any]:
    """Same events and values, TEMP samples aside (their values depend on when the heater went on; their number
    on how long the run lasted); the first difference, if any. Times, both traces measured from their first
    event: the largest difference (`max_shift`); how far CA ran ahead at most (`ahead`: none, as every step
    over CA takes at least the in-process round trip); how late per step issued since that first event
    (`step_shift`: a step over CA costs its real latency times the speed)."""
    ours = [(e.channel, e.value, e.t, e.meta, k) for e, k in zip(local.events, local.steps, strict=True)
            if e.channel != pvs.LINKAM_TEMP]
    theirs = [(e["channel"], e["value"], e["timestamp"], e["meta"]) for e in remote if e["channel"] != pvs.LINKAM_TEMP]
    keys, remote_keys = [_key(a[0], a[1], a[3]) for a in ours], [_key(b[0], b[1], b[3]) for b in theirs]
    first = next((i for i, (a, b) in enumerate(zip(keys, remote_keys, strict=False)) if a != b),
                 None if len(keys) == len(remote_keys) else min(len(keys), len(remote_keys)))
    shifts = [((b[2] - theirs[0][2]) - (a[2] - ours[0][2]), a[4] - ours[0][4] + 1)
              for a, b in zip(ours, theirs, strict=False)]
    temps = sum(e["channel"] == pvs.LINKAM_TEMP for e in remote)
    local_temps = sum(e.channel == pvs.LINKAM_TEMP for e in local.events)
    return {"same": first is None, "events": len(ours), "remote_events": len(theirs),
            "first_difference": None if first is None else [_at(keys, first), _at(remote_keys, first)],
            "max_shift": max((abs(s) for s, _ in shifts), default=0.0),
            "ahead": max((-s for s, _ in shifts), default=0.0),
            "step_shift": max((s / k for s, k in shifts), default=0.0), "temp_samples": (local_temps, temps)}


def _at(keys: list[tuple[Any, ...]], i: int) -> tuple[Any, ...] | None:
    return keys[i] if i < len(keys) else None


def monitor_agrees(own: list[dict[str, Any]], seen: list[dict[str, Any]], speed: float) -> bool:
    """Whether an outside monitor's trace (`serve --monitor`) is the server's own, refusals aside (they change no
    PV): the same events and values in the same order, at the same twin times to the resolution of a CA
    timestamp (about 1e-6 wall seconds) times the speed."""
    own = [e for e in own if e["channel"] != SAFETY_CHANNEL]
    return [(e["channel"], e["value"]) for e in own] == [(e["channel"], e["value"]) for e in seen] and all(
        abs(a["timestamp"] - b["timestamp"]) <= 1e-6 * speed for a, b in zip(own, seen, strict=True))
