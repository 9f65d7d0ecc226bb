"""Alignment speed and memory: twinbench's optimal aligner against EnvTrace's difflib on the same pairs.

For each size (default 1k, 10k, 100k events), kind (random, periodic) and edit rate (2 %, 30 %) it builds
one synthetic pair (twinbench.trace.synthetic, EnvTrace's own benchmark design), then times
  - ours: the optimal alignment of the canonical traces (best of --repeat), and the whole `score_traces`;
  - difflib: `SequenceMatcher(None, gt_channels, pred_channels, autojunk=False).get_opcodes()` in a
    child process stopped after --difflib-cap seconds (then the ratio is a lower bound, printed with >);
and prints the ratio, the discrete score each method gives, and the peak memory of scoring the largest
pairs (RSS growth of a fresh process); the table goes into docs/benchmarks.md unless --no-docs.
Usage: python benchmarks/alignment.py [--sizes 1000 10000] [--json F] [--no-docs]
"""

from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing as mp
import time

from rich.console import Console
from rich.table import Table

from _docs import markdown_table, write_section
from twinbench.trace.align import align_optimal
from twinbench.trace.canonical import canonicalize
from twinbench.trace.config import ScoringConfig
from twinbench.trace.scoring import score_traces
from twinbench.trace.synthetic import pair

CONFIG = ScoringConfig.build("default")


def _difflib_child(n: int, kind: str, edits: float, out) -> None:
    gt, pred = pair(n, kind, edits)
    a, b = [e.channel for e in gt], [e.channel for e in pred]
    start = time.perf_counter()
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    elapsed = time.perf_counter() - start
    rows = matches = 0
    for _tag, i1, i2, j1, j2 in opcodes:  # EnvTrace's rows: replace blocks zipped, values checked after
        for k in range(max(i2 - i1, j2 - j1)):
            rows += 1
            i, j = i1 + k, j1 + k
            if i < i2 and j < j2 and a[i] == b[j] and abs(float(gt[i].value) - float(pred[j].value)) < 1e-3:
                matches += 1
    out.send((elapsed, matches / rows))


def time_difflib(n: int, kind: str, edits: float, cap: float) -> tuple[float | None, float | None]:
    """Seconds and EnvTrace discrete score, or (None, None) when stopped at `cap` seconds."""
    recv, send = mp.Pipe(duplex=False)
    child = mp.get_context("fork").Process(target=_difflib_child, args=(n, kind, edits, send))
    child.start()
    got = recv.poll(cap + 5.0)
    result = recv.recv() if got else (None, None)
    child.kill()
    child.join()
    return result


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def _memory_child(n: int, kind: str, edits: float, out) -> None:
    gt, pred = pair(n, kind, edits)
    score_traces(*pair(100, kind, edits), CONFIG)  # load the compiled kernel
    with open("/proc/self/clear_refs", "w") as f:  # reset the peak (VmHWM) to the current RSS
        f.write("5")
    baseline = _status_mb("VmRSS")
    score_traces(gt, pred, CONFIG)
    peak = _status_mb("VmHWM")
    out.send((peak - baseline, peak))


def peak_memory(n: int, kind: str, edits: float) -> tuple[float, float]:
    """(MB scoring added on top of the process holding both traces, MB peak RSS of the whole process)."""
    recv, send = mp.Pipe(duplex=False)
    child = mp.get_context("spawn").Process(target=_memory_child, args=(n, kind, edits, send))
    child.start()
    result = recv.recv()
    child.join()
    return result


def ours(n: int, kind: str, edits: float, repeat: int) -> dict:
    gt, pred = pair(n, kind, edits)
    cg, cp = canonicalize(gt, CONFIG), canonicalize(pred, CONFIG)
    best_align = best_score = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        alignment = align_optimal(cg, cp, CONFIG.comparators)
        best_align = min(best_align, time.perf_counter() - start)
        start = time.perf_counter()
        result = score_traces(gt, pred, CONFIG)
        best_score = min(best_score, time.perf_counter() - start)
    return {"align_s": best_align, "score_s": best_score, "cost": alignment.cost,
            "discrete": result.metrics["discrete"].score}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--difflib-cap", type=float, default=600.0, help="seconds before difflib is stopped")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    console = Console(width=170)
    score_traces(*pair(100, "periodic", 0.02), CONFIG)  # load the compiled kernel once
    table = Table(title="Alignment: twinbench (optimal) vs difflib (EnvTrace), same pairs")
    for col in ("events", "kind", "edits", "ours align", "ours full score", "difflib", "speed-up",
                "discrete ours", "discrete EnvTrace"):
        table.add_column(col, justify="right")
    rows = []
    for n in args.sizes:
        for kind in ("random", "periodic"):
            for edits in (0.02, 0.30):
                mine = ours(n, kind, edits, args.repeat if n < 100_000 else max(1, args.repeat // 2))
                d_time, d_discrete = time_difflib(n, kind, edits, args.difflib_cap)
                ratio = (d_time or args.difflib_cap) / mine["align_s"]
                row = {"events": n, "kind": kind, "edits": edits, **mine, "difflib_s": d_time,
                       "difflib_capped": d_time is None, "speedup": ratio, "discrete_envtrace": d_discrete}
                rows.append(row)
                table.add_row(f"{n:,}", kind, f"{edits:.0%}", f"{mine['align_s'] * 1e3:.1f} ms",
                              f"{mine['score_s'] * 1e3:.1f} ms",
                              f"{d_time:.3f} s" if d_time is not None else f"> {args.difflib_cap:.0f} s",
                              f"{'>' if d_time is None else ''}{ratio:,.0f}x", f"{mine['discrete']:.3f}",
                              "-" if d_discrete is None else f"{d_discrete:.3f}")
                console.print(f"[dim]{n:,} {kind} {edits:.0%}: ours {mine['align_s']:.4f} s, "
                              f"difflib {d_time if d_time is not None else '>' + str(args.difflib_cap)} s[/]")
    console.print(table)
    largest = max(args.sizes)
    memory = {}
    for kind in ("random", "periodic"):
        for edits in (0.02, 0.30):
            added, total = peak_memory(largest, kind, edits)
            memory[f"{kind}-{edits:.0%}"] = {"added_mb": added, "process_peak_mb": total}
            console.print(f"peak memory scoring {largest:,} events ({kind}, {edits:.0%} edits): "
                          f"+{added:.0f} MB during scoring, {total:.0f} MB whole process")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "memory": memory}, f, indent=1)
    if not args.no_docs:
        write_section("benchmarks.md", "alignment", _markdown(rows, memory, args.difflib_cap, largest))


def _markdown(rows: list[dict], memory: dict, cap: float, largest: int) -> str:
    body = [[f"{r['events']:,}", r["kind"], f"{r['edits']:.0%}", f"{r['align_s'] * 1e3:.1f} ms",
             f"{r['score_s'] * 1e3:.1f} ms", f"> {cap:.0f} s" if r["difflib_capped"] else f"{r['difflib_s']:.3f} s",
             f"{'> ' if r['difflib_capped'] else ''}{r['speedup']:,.0f}x", f"{r['discrete']:.3f}",
             "-" if r["discrete_envtrace"] is None else f"{r['discrete_envtrace']:.3f}"] for r in rows]
    table = markdown_table(["events", "kind", "edits", "ours, align", "ours, full score", "difflib", "speed-up",
                            "discrete ours", "discrete EnvTrace"], body)
    peaks = "; ".join(f"{k} +{v['added_mb']:.0f} MB ({v['process_peak_mb']:.0f} MB in all)" for k, v in memory.items())
    return f"{table}\n\nPeak memory scoring {largest:,}-event pairs: {peaks}."


if __name__ == "__main__":
    main()
