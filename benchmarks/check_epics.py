"""`twinbench check --epics`: a pyepics plan in the sandbox against a private Channel Access server in the
sandbox's network namespace, against the same moves through the in-process twin (`check`), each a fresh
process (median of `--repeat`, after one unmeasured run that fills the caches); then ten plans in one
process, and two checks at once. The table goes into docs/benchmarks.md unless --no-docs.

Usage: python benchmarks/check_epics.py [--repeat 5] [--no-docs]  (as root, with bubblewrap)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _docs import markdown_table, write_section

CHECK = [sys.executable, "-m", "twinbench", "check", "--json"]
CA_PLAN = """import time
import epics
X = "XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr"
epics.caput(X, 3.0, wait=True)
while epics.caget(X + ".DMOV", use_monitor=False) != 1:
    time.sleep(0.01)
"""
IN_PROCESS_PLAN = "sam.xabs(3)\n"


def wall(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds


def median_wall(cmd: list[str], cwd: Path, repeat: int) -> float:
    wall(cmd, cwd)  # the stage and bytecode caches are filled once
    return statistics.median(wall(cmd, cwd) for _ in range(repeat))


def together(cmd: list[str], cwd: Path, count: int = 2) -> float:
    """Seconds until `count` copies of `cmd` started at once have all ended."""
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(count)]
    if any(p.wait() != 0 for p in procs):
        raise SystemExit(f"{' '.join(cmd)} failed when run {count} at once")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "ca.py").write_text(CA_PLAN)
        (work / "plan.py").write_text(IN_PROCESS_PLAN)
        ca = [*CHECK, "--epics", "ca.py"]
        bare = median_wall([sys.executable, "-c", "pass"], work, args.repeat)
        in_process = median_wall([*CHECK, "plan.py"], work, args.repeat)
        epics = median_wall(ca, work, args.repeat)
        ten = median_wall([*CHECK, "--epics", *["ca.py"] * 10], work, 1)
        two = together(ca, work)
    rows = [["bare `python -c pass`", f"{bare * 1000:.0f} ms", "1.0x"],
            ["`check plan.py` (in-process twin: `sam.xabs(3)`)", f"{in_process * 1000:.0f} ms",
             f"{in_process / bare:.1f}x"],
            ["`check --epics ca.py` (pyepics caput, wait for DMOV)", f"{epics * 1000:.0f} ms",
             f"{epics / bare:.1f}x"],
            ["`check --epics` of 10 plans in one process", f"{ten * 1000:.0f} ms", f"{ten / bare:.1f}x"],
            ["two `check --epics ca.py` at once (both ended)", f"{two * 1000:.0f} ms", f"{two / bare:.1f}x"]]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    text = "\n\n".join([
        markdown_table([f"command (fresh process, median of {args.repeat})", "wall", "vs bare start"], rows),
        f"Load average at the end (1 / 5 / 15 min): {load} on {os.cpu_count()} cores.",
    ])
    print(text)
    if not args.no_docs:
        write_section("benchmarks.md", "check_epics", text)


if __name__ == "__main__":
    main()
