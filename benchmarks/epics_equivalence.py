"""The beamline twin's two front ends on every reference of the built-in beamline suite: each reference runs in the
sandbox against the in-process twin while the twin keeps the commands it receives; each command stream a pyepics
program can write (put, read, expose, sleep) is rendered as one and run over Channel Access against
`twinbench serve --speed SPEED`, and its trace compared with the same steps in process (same events and values,
TEMP samples aside; times from each trace's first event). The table goes into docs/benchmarks.md unless --no-docs.

Usage: python benchmarks/epics_equivalence.py [--speed 100] [--jobs 6] [--no-docs]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

from _docs import markdown_table, write_section
from twinbench.tasks.suite import load_suite
from twinbench.twins.beamline.epics_equivalence import (
    LATENCY_BOUND,
    Captured,
    Equivalence,
    capture,
    check_plans,
)


def cause(result: dict) -> str:
    """Why the events over CA differ, for the differences the two front ends can show."""
    ours, theirs = result["first_difference"]
    if ours and theirs and ours[0].endswith("Acquire") and theirs[0].endswith("Acquire"):
        return ("over CA the detectors' Acquire puts reach the server one after the other, and when the gap times "
                "the speed is longer than the exposure one frame ends before the next starts (in process one "
                "`expose` starts them at one instant)")
    return "not explained: compare the two traces"


def differences(captured: list[Captured], results: dict[str, Equivalence], speed: float) -> list[str]:
    """One line per difference between the front ends, with its cause."""
    lines = []
    calls = [c for c in captured if c.calls]
    if calls:
        named = Counter(name for c in calls for name in dict.fromkeys(c.calls))
        lines.append(f"{len(calls)} references not writable: they issue {', '.join(sorted(named))} (call events "
                     f"that no PV carries, so no Channel Access put can make them): "
                     + ", ".join(c.name for c in calls))
    writable = [c for c in captured if not c.calls]
    for c in writable:
        e = results[c.plan]
        if not e.faithful:
            lines.append(f"{c.name}: its steps in process do not give its sandboxed trace (not explained)")
        if not e.result["same"]:
            ours, theirs = e.result["first_difference"]
            lines.append(f"{c.name}: first different event: in process {ours}, over CA {theirs}: {cause(e.result)}")
        elif not e.monitored:
            lines.append(f"{c.name}: the outside monitor's trace differs from the server's own (not explained)")
        elif not e.timely:
            lines.append(f"{c.name}: {e.result['step_shift']:.2f} s late per step (> {e.bound:g} s) or "
                         f"{e.result['ahead']:.2g} s ahead: not explained")
    late = max(writable, key=lambda c: results[c.plan].result["max_shift"])
    shift = results[late.plan].result
    lines.append(f"times, all {len(writable)} writable references: later over CA, never ahead, by up to "
                 f"{shift['max_shift']:.1f} s ({late.name}, {len(late.steps)} steps): in process a command costs "
                 f"`control.round_trip` (0.002 s) of twin time, over CA a step costs its wall latency times the speed "
                 f"({speed:g}), and the lateness adds up step by step. A put with completion (pyepics `caput(wait="
                 f"True)`) takes most of it: the reply is back in about 1 ms, but libca's send and receive threads "
                 f"and the Python callback that marks the put done each wait for the CPU and the GIL (tens of ms on a "
                 f"loaded machine); a move or an exposure also waits for the next 2 ms poll of DMOV or Acquire")
    temps = [c for c in writable if len(set(results[c.plan].result["temp_samples"])) > 1]
    lines.append(f"TEMP samples are left out of the comparison: their values follow the twin time the heater went "
                 f"on and their number the run's length, both later over CA; {len(temps)} references have another "
                 f"number of samples")
    return lines


def summary(captured: list[Captured], results: dict[str, Equivalence], speed: float) -> list[list[str]]:
    writable = [c for c in captured if not c.calls]
    of = [results[c.plan] for c in writable]
    equivalent = sum(e.equivalent for e in of)
    step = max(e.result["step_shift"] for e in of)
    median = statistics.median(e.result["step_shift"] for e in of)
    return [["all, in the sandbox", str(len(captured))],
            ["writable with pyepics (put, read, expose, sleep)", f"{len(writable)} ({len(results)} distinct plans)"],
            ["steps in process = the sandboxed run", str(sum(e.faithful for e in of))],
            ["same events and values over CA", str(sum(e.result["same"] for e in of))],
            ["an outside CA monitor (`serve --monitor`) recorded the server's trace", str(sum(bool(e.monitored)
                                                                                          for e in of))],
            [f"equivalent (also late by < {speed * LATENCY_BOUND:g} s per step)",
             f"{equivalent} ({equivalent / len(writable):.0%})"],
            ["max time shift (twin time)", f"{max(e.result['max_shift'] for e in of):.1f} s"],
            ["max late per step", f"{step:.2f} s ({step / speed * 1000:.0f} ms wall)"],
            ["late per step, median of the plans' max", f"{median:.2f} s ({median / speed * 1000:.0f} ms wall)"],
            ["max ahead of in process", f"{max(0.0, *(e.result['ahead'] for e in of)):.3f} s"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=100.0, help="twin seconds per wall second (serve's default)")
    parser.add_argument("--jobs", type=int, default=6, help="servers at a time (they wait more than they compute)")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    suite = load_suite("beamline")
    print(f"running the {sum(len(t.references) for t in suite.tasks)} references of {suite.name} in the sandbox")
    captured = capture(suite)
    plans = {c.plan for c in captured if not c.calls}
    print(f"running {len(plans)} distinct plans over CA at speed {args.speed:g}, {args.jobs} at a time")
    lock, count, start = threading.Lock(), [0], time.perf_counter()

    def done(c: Captured, e: Equivalence) -> None:
        with lock:
            count[0] += 1
            print(f"[{count[0]}/{len(plans)} {time.perf_counter() - start:.0f} s] {c.name}: "
                  f"{'equivalent' if e.equivalent else 'DIFFERENT'}, shift {e.result['max_shift']:.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        results = check_plans(captured, args.speed, Path(tmp), args.jobs, done=done)
    wall = time.perf_counter() - start
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    text = "\n\n".join([
        f"At speed {args.speed:g} ({args.jobs} servers at a time, {wall:.0f} s wall; load average at the end "
        f"{load} on {os.cpu_count()} cores):",
        markdown_table(["references", "count"], summary(captured, results, args.speed)),
        "Every difference and its cause:",
        "\n".join(textwrap.fill(line, 110, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False)
                  for line in differences(captured, results, args.speed)),
    ])
    print(text)
    if not args.no_docs:
        write_section("benchmarks.md", "epics_equivalence", text)


if __name__ == "__main__":
    main()
