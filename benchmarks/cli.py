"""Command-line start-up and warm paths, as ratios to a bare `python -c pass` measured in the same run.

Every command runs as a fresh process `--repeat` times (median wall time and the largest peak resident
memory, after one unmeasured run that fills the caches: bytecode too, even where PYTHONDONTWRITEBYTECODE
would keep every run compiling twinbench anew), in an empty folder, its output going to a file.
Then, in this process: how long the first score of a fresh process takes against a later one, the warm
path (`twinbench.trace.scorer.Scorer`) per pair, and reading a 100,000-event trace (JSON and `.npz`).
The table goes into docs/benchmarks.md unless --no-docs.
Usage: python benchmarks/cli.py [--repeat 5] [--no-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _docs import markdown_table, write_section
from twinbench.trace.io import read_trace, write_trace
from twinbench.trace.kernel import load
from twinbench.trace.scorer import Scorer
from twinbench.trace.synthetic import pair

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TB = [sys.executable, "-m", "twinbench"]
TIME = "/usr/bin/time"  # GNU time
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
FIRST_SCORE = """
import json, sys, time
start = time.perf_counter()
from twinbench.trace.io import read_trace
from twinbench.trace.scoring import score_traces
imported = time.perf_counter()
gt, pred = read_trace(sys.argv[1]), read_trace(sys.argv[2])
score_traces(gt, pred)
first = time.perf_counter()
score_traces(gt, pred)
second = time.perf_counter()
print(json.dumps({"import": imported - start, "first": first - imported, "second": second - first}))
"""


def timed(cmd: list[str], cwd: Path) -> tuple[int, float, float]:
    """Exit code, wall seconds and peak resident memory (MB) of one run of `cmd`.

    GNU time reports the peak: a child of this (large) process would count this process's memory as its own
    (Linux keeps the high-water mark of the memory a process had before `exec`).
    """
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        code = subprocess.run([TIME, "-q", "-f", "%M", "-o", peak.name, *cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=out, stderr=out, env=ENV).returncode
        wall = time.perf_counter() - start
        return code, wall, int(peak.read().split()[-1]) / 1024


def median_wall(cmd: list[str], repeat: int, cwd: Path, expect: int) -> tuple[float, float]:
    """Median wall seconds and largest peak memory (MB) over `repeat` runs."""
    timed(cmd, cwd)  # caches (pyc, kernel, references) are filled once
    times, peaks = [], []
    for _ in range(repeat):
        code, wall, peak = timed(cmd, cwd)
        times.append(wall)
        peaks.append(peak)
        if code != expect:
            raise SystemExit(f"{' '.join(cmd)} exited {code}, expected {expect}")
    return statistics.median(times), max(peaks)


def commands(work: Path, plans: list[Path]) -> list[tuple[str, list[str], int]]:
    gt, pred = EXAMPLES / "gt.json", EXAMPLES / "pred.json"
    uncached = ["env", f"TWINBENCH_CACHE={work / 'bin.json'}"]  # a file: no help text is kept
    return [
        ("`twinbench --help`", [*TB, "--help"], 0),
        ("`twinbench --help`, rendered (no help cache)", [*uncached, *TB, "--help"], 0),
        ("`twinbench score --help`", [*TB, "score", "--help"], 0),
        ("argument error: `check plan.py --wall-seconds nan`", [*TB, "check", str(plans[0]), "--wall-seconds", "nan"],
         2),
        ("input error: `score` with a binary `--pred`",
         [*TB, "score", "--gt", str(gt), "--pred", str(work / "bin.json")], 2),
        ("`score --gt examples/gt.json --pred examples/pred.json --json`",
         [*TB, "score", "--gt", str(gt), "--pred", str(pred), "--json"], 0),
        ("`score` of two 10,000-event traces (`--json`)",
         [*TB, "score", "--gt", str(work / "mid_gt.json"), "--pred", str(work / "mid_pred.json"), "--json"], 0),
        ("`score` of two 100,000-event traces (`--json`)",
         [*TB, "score", "--gt", str(work / "big_gt.json"), "--pred", str(work / "big_pred.json"), "--json"], 0),
        ("`check` of a two-line plan (`--json`)", [*TB, "check", str(plans[0]), "--json"], 0),
        ("`check examples/plan.py --json`", [*TB, "check", str(EXAMPLES / "plan.py"), "--json"], 0),
        (f"`check` of {len(plans)} plans in one process (`--json`)", [*TB, "check", *map(str, plans), "--json"], 0),
    ]


def in_process(work: Path, repeat: int) -> dict[str, float]:
    """First vs later score of a fresh process; the warm path per pair; reading a 100,000-event trace from
    JSON and from the binary form."""
    command = [sys.executable, "-c", FIRST_SCORE, str(EXAMPLES / "gt.json"), str(EXAMPLES / "pred.json")]
    subprocess.run(command, capture_output=True, check=True, env=ENV)  # bytecode written
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=ENV).stdout
    figures = json.loads(out)
    scorer = Scorer()
    gt, pred = read_trace(EXAMPLES / "gt.json"), read_trace(EXAMPLES / "pred.json")
    list(scorer.score_many([(gt, pred)] * 10))
    start = time.perf_counter()
    list(scorer.score_many([(gt, pred)] * 200))
    figures["warm"] = (time.perf_counter() - start) / 200
    for form in ("json", "npz"):
        reads = []
        for _ in range(repeat):
            start = time.perf_counter()
            read_trace(work / f"big_gt.{form}")
            reads.append(time.perf_counter() - start)
        figures[form] = min(reads)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plans", type=int, default=10, help="plans for the one-process `check`")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "bin.json").write_bytes(b"\xff\xfe\x00binary")
        for name, n in (("mid", 10_000), ("big", 100_000)):
            ref, pred = pair(n, "random", 0.02)
            write_trace(ref, work / f"{name}_gt.json")
            write_trace(pred, work / f"{name}_pred.json")
        write_trace(read_trace(work / "big_gt.json"), work / "big_gt.npz")
        plans = []
        for i in range(args.plans):
            plans.append(work / f"plan{i}.py")
            plans[-1].write_text(f"sam.xabs({i} * 0.1)\nsam.measure(1)\n")
        baseline, peak = median_wall([sys.executable, "-c", "pass"], args.repeat, work, 0)
        rows = [["bare `python -c pass`", f"{baseline * 1000:.0f} ms", "1.0x", f"{peak:.0f} MB"]]
        for label, cmd, expect in commands(work, plans):
            wall, peak = median_wall(cmd, args.repeat, work, expect)
            rows.append([label, f"{wall * 1000:.0f} ms", f"{wall / baseline:.1f}x", f"{peak:.0f} MB"])
            print(f"{label}: {wall * 1000:.0f} ms = {wall / baseline:.1f}x baseline, {peak:.0f} MB", flush=True)
        figures = in_process(work, args.repeat)
    table = markdown_table(["command (fresh process, median of " + str(args.repeat) + ")", "wall", "vs bare start",
                            "peak memory"], rows)
    notes = (
        f"In one process: the first `score_traces` of a fresh process takes {figures['first'] * 1000:.1f} ms and "
        f"the next {figures['second'] * 1000:.1f} ms (the aligner's core: {load().__name__}; importing the "
        f"scoring stack takes {figures['import'] * 1000:.0f} ms). The warm path (`Scorer.score_many`) scores the "
        f"example pair in {figures['warm'] * 1000:.2f} ms per pair. Reading a 100,000-event trace takes "
        f"{figures['json'] * 1000:.0f} ms from JSON and {figures['npz'] * 1000:.0f} ms from the binary `.npz` form."
    )
    print(table + "\n\n" + notes)
    if not args.no_docs:
        write_section("benchmarks.md", "cli", table + "\n\n" + notes)


if __name__ == "__main__":
    main()
