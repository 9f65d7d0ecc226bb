"""Running `twinbench serve` as a subprocess on a free loopback port, client programs against it, and the
equivalence of the two front ends: the same steps over Channel Access and in process give the same trace."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from twinbench.trace.model import Event
from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.twin import BeamlineSimulator
from twinbench.twins.protocol import SafetyRefusal

TWINBENCH = Path(sys.executable).with_name("twinbench")
Step = tuple[str, dict[str, Any]]


def free_port() -> int:
    with socket.socket() as tcp:
        tcp.bind(("127.0.0.1", 0))
        return tcp.getsockname()[1]


def epics_env(port: int) -> dict[str, str]:
    """The environment of a server or client on `port`: loopback only, its own repeater port."""
    return os.environ | {
        "EPICS_CA_ADDR_LIST": "127.0.0.1", "EPICS_CA_AUTO_ADDR_LIST": "NO", "EPICS_CAS_INTF_ADDR_LIST": "127.0.0.1",
        "EPICS_CAS_BEACON_ADDR_LIST": "127.0.0.1", "EPICS_CAS_AUTO_BEACON_ADDR_LIST": "NO",
        "EPICS_CA_SERVER_PORT": str(port), "EPICS_CA_REPEATER_PORT": str(free_port()),
        "OPHYD_CONTROL_LAYER": "pyepics",
    }


class Served:
    """A running server: its environment, and (after it stops) the traces it wrote: its own, and its monitor's."""

    def __init__(self, env: dict[str, str], trace: Path):
        self.env, self.trace_path = env, trace
        self.monitor_path = trace.with_name("monitor-" + trace.name)

    def run(self, program: str, timeout: float = 120) -> Any:
        """Run a client program against the server; it prints one JSON document last, returned here."""
        done = subprocess.run([sys.executable, "-c", program], env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        return json.loads(done.stdout.strip().splitlines()[-1])

    def trace(self) -> list[dict[str, Any]]:
        return json.loads(self.trace_path.read_text())["events"]

    def monitor(self) -> list[dict[str, Any]]:
        """The trace a Channel Access monitor outside the server recorded (`serve --monitor`)."""
        return json.loads(self.monitor_path.read_text())["events"]


READY = "serving the beamline twin"  # what `twinbench serve` prints once clients can start


@contextmanager
def serve(workdir: Path, speed: float, *extra: str, timeout: float = 60) -> Iterator[Served]:
    """`twinbench serve` on a free port, with its monitor, until the block ends; both traces are written when
    it stops. The block starts once the server says it is serving (its monitor subscribed)."""
    port = free_port()
    env = epics_env(port)
    served = Served(env, workdir / f"trace-{port}.json")
    proc = subprocess.Popen([str(TWINBENCH), "serve", "--speed", str(speed), "--trace", str(served.trace_path),
                             "--monitor", str(served.monitor_path), *extra],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    said: list[str] = []  # its standard error, read all along so that a chatty server never blocks on it
    reader = threading.Thread(target=lambda: said.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + timeout
        while not any(READY in line for line in said):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"twinbench serve did not start: {''.join(said)[-3000:]}")
            time.sleep(0.02)
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
    if proc.returncode != 0:
        raise RuntimeError("".join(said)[-3000:])


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


def in_process(steps: list[Step]) -> list[Event]:
    """The steps through the in-process front end (a refused step is recorded and the plan goes on)."""
    sim = BeamlineSimulator()
    for op, args in steps:
        try:
            sim.handle(op, args)
        except SafetyRefusal:
            pass
    sim.finish()
    return sim.events()


def ca_program(steps: list[Step], speed: float) -> str:
    """A pyepics program doing the steps over Channel Access, each waiting for completion as in process."""
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
                for det in args["detectors"]:
                    epics.caput(CAMS[det] + "Acquire", 1, wait=True)
                for det in args["detectors"]:
                    wait(CAMS[det] + "Acquire", 0)
            elif args["pv"] in MOTORS:
                epics.caput(args["pv"], args["value"], wait=True)
                wait(args["pv"] + ".DMOV", 1)
            else:
                epics.caput(args["pv"], args["value"], wait=True)
        print(json.dumps("done"))
    """)


def _key(channel: str, value: Any, meta: Any) -> tuple[Any, ...]:
    return (channel, value, (meta or {}).get("requested"))


def compare(local: list[Event], remote: list[dict[str, Any]]) -> dict[str, Any]:
    """Same events and values, TEMP samples aside (their values depend on when the heater went on); the
    largest time difference, both traces measured from their first event."""
    ours = [(e.channel, e.value, e.t, e.meta) for e in local if e.channel != pvs.LINKAM_TEMP]
    theirs = [(e["channel"], e["value"], e["timestamp"], e["meta"]) for e in remote if e["channel"] != pvs.LINKAM_TEMP]
    same = [_key(c, v, m) for c, v, _, m in ours] == [_key(c, v, m) for c, v, _, m in theirs]
    shift = max((abs((a[2] - ours[0][2]) - (b[2] - theirs[0][2])) for a, b in zip(ours, theirs, strict=False)),
                default=0.0)
    temps = [e["value"] for e in remote if e["channel"] == pvs.LINKAM_TEMP]
    local_temps = [e.value for e in local if e.channel == pvs.LINKAM_TEMP]
    return {"same": same, "events": len(ours), "remote_events": len(theirs), "max_shift": shift,
            "temp_samples": (len(local_temps), len(temps))}
