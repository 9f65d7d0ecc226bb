"""`twinbench serve` speed and equivalence: start-up time, a one-hour plan over Channel Access at the default
speed (wall time, events recorded, none lost against the in-process run), what an outside CA monitor keeps of a
flood of puts, and the CA vs in-process traces of the equivalence plans.

Run: python benchmarks/serve.py [--no-docs]  (writes its tables into docs/benchmarks.md unless --no-docs)
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from _docs import markdown_table, write_section
from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.epics_run import (
    PLANS,
    TWINBENCH,
    ca_program,
    compare,
    epics_env,
    free_port,
    in_process,
    serve,
)
from twinbench.twins.recorder import SAFETY_CHANNEL

SPEED = 100.0  # the default of `twinbench serve`
EQUIVALENCE_SPEED = 20.0
HOUR = [("put", {"pv": pvs.LINKAM_RATE, "value": 2.0}), ("put", {"pv": pvs.LINKAM_SETPOINT, "value": 145.0}),
        ("put", {"pv": pvs.LINKAM_HEATER, "value": 1}),
        ("put", {"pv": pvs.cam("pilatus2M", "AcquireTime"), "value": 10.0})]
HOUR += [step for _ in range(60) for step in (("expose", {"detectors": ["pilatus2M"]}), ("sleep", {"seconds": 50.0}))]


def startup(runs: int = 5) -> float:
    """Median seconds from spawning `twinbench serve` to its TCP port accepting."""
    times = []
    for _ in range(runs):
        port = free_port()
        start = time.perf_counter()
        proc = subprocess.Popen([str(TWINBENCH), "serve"], env=epics_env(port), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.005)
        times.append(time.perf_counter() - start)
        proc.terminate()
        proc.wait()
    return statistics.median(times)


def _kept(own: list[dict], seen: list[dict]) -> tuple[int, int, float]:
    """Of the server's own events (refusals aside, which change no PV), how many the monitor recorded (each
    channel's changes matched in order, value by value); and the largest time difference of a matched pair."""
    own = [e for e in own if e["channel"] != SAFETY_CHANNEL]
    times: dict[tuple, list[float]] = defaultdict(list)
    for event in reversed(seen):
        times[event["channel"], json.dumps(event["value"])].append(event["timestamp"])
    kept, shift = 0, 0.0
    for event in own:
        waiting = times.get((event["channel"], json.dumps(event["value"])))
        if waiting:
            kept, shift = kept + 1, max(shift, abs(waiting.pop() - event["timestamp"]))
    return kept, len(own), shift


def hour(workdir: Path) -> list[str]:
    with serve(workdir, SPEED) as served:
        start = time.perf_counter()
        served.run(ca_program(HOUR, SPEED))
        wall = time.perf_counter() - start
    remote = served.trace()
    result = compare(in_process(HOUR), remote)
    kept, total, shift = _kept(remote, served.monitor())
    temps = result["temp_samples"]
    return [f"{wall:.1f} s", f"{len(remote)}", f"{len(remote) / wall:.0f}", "yes" if result["same"] else "NO",
            f"{temps[1]} / {temps[0]}", f"{result['max_shift']:.2f} s", f"{kept} / {total}", f"{shift:.1e} s"]


FLOOD = """
import json, time
import epics
pv, n, rate = {pv!r}, {n}, {rate}
epics.caget(pv)
start = time.perf_counter()
for i in range(n):
    if rate:
        while time.perf_counter() - start < i / rate:
            pass
    epics.caput(pv, 0.25 + 0.5 * (i % 1000) / 1000 + 1e-7 * i, wait=False)
epics.caget(pv, use_monitor=False)
print(json.dumps(time.perf_counter() - start))
"""


def flood(workdir: Path, n: int, rate: int) -> list[str]:
    """`n` puts to one PV at `rate` per second (0: as fast as the client sends them), each a new value."""
    with serve(workdir, SPEED) as served:
        wall = served.run(FLOOD.format(pv=pvs.TRANSMISSION, n=n, rate=rate))
    own = served.trace()
    kept, total, _ = _kept(own, served.monitor())
    return [f"{rate}/s" if rate else "unpaced", f"{n}", f"{total}", f"{total / wall:.0f}", f"{kept}",
            f"{100 * kept / total:.1f} %"]


def equivalence(workdir: Path) -> list[list[str]]:
    rows = []
    for name, steps in PLANS.items():
        with serve(workdir, EQUIVALENCE_SPEED) as served:
            served.run(ca_program(steps, EQUIVALENCE_SPEED))
        result = compare(in_process(steps), served.trace())
        rows.append([name, str(result["events"]), "yes" if result["same"] else "NO", f"{result['max_shift']:.2f} s",
                     "{} / {}".format(*reversed(result["temp_samples"]))])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        up = startup()
        hour_row = hour(work)
        flood_rows = [flood(work, n, rate) for n, rate in ((5000, 500), (10000, 2000), (20000, 0))]
        rows = equivalence(work)
    same = sum(row[2] == "yes" for row in rows)
    text = "\n\n".join([
        f"Start-up, spawn to TCP accepting (median of 5): {up * 1000:.0f} ms.",
        f"One-hour plan over CA at the default speed ({SPEED:g}x): Linkam ramp, 60 x (10 s exposure, 50 s wait).",
        markdown_table(["wall", "events", "events/s", "same as in process", "TEMP samples CA / in process",
                        "max time shift", "kept by the monitor", "monitor time error"], [hour_row]),
        "A client floods one PV (transmission) with puts, each a new value; the monitor (`serve --monitor`, a CA "
        "client in the server's process) against the server's own trace:",
        markdown_table(["put rate", "puts", "events in the twin", "events/s", "kept by the monitor", "kept"],
                       flood_rows),
        f"Equivalence at {EQUIVALENCE_SPEED:g}x: {same} of {len(rows)} plans give the same events and values "
        "(TEMP samples aside) through CA and in process; times measured from each trace's first event.",
        markdown_table(["plan", "events", "same", "max time shift", "TEMP samples CA / in process"], rows),
    ])
    print(text)
    if not args.no_docs:
        write_section("benchmarks.md", "serve", text)


if __name__ == "__main__":
    main()
