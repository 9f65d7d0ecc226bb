"""Twin + sandbox speed: median wall time per typical program (sandbox start-up included) and a
one-hour (virtual) temperature-ramp-and-measure program, against a bare `python -c pass` start.

Run: python benchmarks/twin.py [--no-docs]  (writes its table into docs/benchmarks.md unless --no-docs)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from _docs import markdown_table, write_section
from twinbench.sandbox import Outcome, Sandbox

KINDS = {
    "moves": "sam.xabs({i} * 0.1)\nsam.yr(0.5)\nsam.thabs(0.12)\nsam.phir(5)\nwsam()\n",
    "measurements": "sam.measure({i} % 5 + 1)\nsam.measureIncidentAngles([0.1, 0.2], exposure_time=2)\n",
    "scans": "RE(bp.scan([pilatus2M], smx, -1, 1, {n}))\n",
    "time series": "sam.measureTimeSeries(exposure_time=1, num_frames={n}, wait_time=10)\n",
    "temperature loop": (
        "sam.setLinkamRate(10)\nsam.setLinkamOn()\nfor T in range(30, 30 + 5 * {n}, 5):\n"
        "    sam.setLinkamTemperature(T)\n    while sam.linkamTemperature() < T:\n        time.sleep(1)\n"
        "    sam.measure(1)\n"
    ),
}
HOUR = """
sam.setLinkamRate(2)
sam.setLinkamTemperature(145)
sam.setLinkamOn()
for _ in range(60):
    sam.measure(10)
    time.sleep(50)
"""


def typical_programs(count: int = 100) -> list[str]:
    templates = list(KINDS.values())
    return [templates[i % len(templates)].format(i=i, n=3 + i % 5) for i in range(count)]


def median_wall(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    baseline = median_wall(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 20)
    with Sandbox() as sandbox:
        sandbox.run("pass")  # start the zygote (once per worker)
        walls = []
        for source in typical_programs():
            start = time.perf_counter()
            result = sandbox.run(source)
            walls.append(time.perf_counter() - start)
            assert result.outcome is Outcome.OK, (result.detail, source)
        hour = sandbox.run(HOUR)
        assert hour.outcome is Outcome.OK and hour.duration == 3600.0
        hour_wall = median_wall(lambda: sandbox.run(HOUR), 5)
        isolation = sandbox.isolation
    median = statistics.median(walls)
    p90 = statistics.quantiles(walls, n=10)[-1]
    table = markdown_table(["measure", "wall", "vs bare start"], [
        ["bare `python -c pass` subprocess (median of 20)", f"{baseline * 1000:.1f} ms", "1.00x"],
        ["typical program, sandbox start-up included (median of 100)", f"{median * 1000:.1f} ms",
         f"{median / baseline:.2f}x"],
        ["typical program, p90", f"{p90 * 1000:.1f} ms", f"{p90 / baseline:.2f}x"],
        [f"one-hour ramp-and-measure program ({len(hour.trace)} events; "
         f"{hour.duration / hour_wall:,.0f}x real time)", f"{hour_wall * 1000:.1f} ms", f"{hour_wall / baseline:.2f}x"],
    ])
    text = f"Isolation: {isolation}. Typical programs: moves, measurements, scans, time series, temperature loops.\n\n"
    print(text + table)
    if not args.no_docs:
        write_section("benchmarks.md", "twin", text + table)


if __name__ == "__main__":
    main()
