"""Command-line start-up and warm paths, as ratios to a bare `python -c pass` measured in the same run.

Every command runs as a fresh process `--repeat` times (median wall time and the largest peak resident
memory, after one unmeasured run that fills the caches), in an empty folder, its output going to a file.
Then, in this process: how long the first score of a fresh process takes against a later one (no
compilation when the kernel's on-disk cache is used), and the warm path (`twinbench.trace.scorer.Scorer`)
per pair. The table goes into docs/benchmarks.md unless --no-docs.
Usage: python benchmarks/cli.py [--repeat 5] [--no-docs]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _docs import markdown_table, write_section
from twinbench.trace.io import read_trace, write_trace
from twinbench.trace.scorer import Scorer
from twinbench.trace.synthetic import pair

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TB = [sys.executable, "-m", "twinbench"]
TIME = "/usr/bin/time"  # GNU time
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
                              stdout=out, stderr=out).returncode
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
    return [
        ("`twinbench --help`", [*TB, "--help"], 0),
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


def in_process(work: Path, repeat: int) -> tuple[dict[str, float], float, float]:
    """First vs later score of a fresh process; the warm path per pair; reading a 100,000-event file."""
    out = subprocess.run([sys.executable, "-c", FIRST_SCORE, str(EXAMPLES / "gt.json"), str(EXAMPLES / "pred.json")],
                         capture_output=True, text=True, check=True).stdout
    first = json.loads(out)
    scorer = Scorer()
    gt, pred = read_trace(EXAMPLES / "gt.json"), read_trace(EXAMPLES / "pred.json")
    list(scorer.score_many([(gt, pred)] * 10))
    start = time.perf_counter()
    list(scorer.score_many([(gt, pred)] * 200))
    warm = (time.perf_counter() - start) / 200
    reads = []
    for _ in range(repeat):
        start = time.perf_counter()
        read_trace(work / "big_gt.json")
        reads.append(time.perf_counter() - start)
    return first, warm, min(reads)


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
        first, warm, read = in_process(work, args.repeat)
    table = markdown_table(["command (fresh process, median of " + str(args.repeat) + ")", "wall", "vs bare start",
                            "peak memory"], rows)
    notes = (
        f"In one process: the first `score_traces` of a fresh process takes {first['first'] * 1000:.1f} ms and "
        f"the next {first['second'] * 1000:.1f} ms (the aligner is loaded from its on-disk cache, not compiled; "
        f"importing the scoring stack takes {first['import'] * 1000:.0f} ms). The warm path "
        f"(`Scorer.score_many`) scores the example pair in {warm * 1000:.2f} ms per pair; reading a 100,000-event "
        f"JSON trace takes {read * 1000:.0f} ms."
    )
    print(table + "\n\n" + notes)
    if not args.no_docs:
        write_section("benchmarks.md", "cli", table + "\n\n" + notes)


if __name__ == "__main__":
    main()
