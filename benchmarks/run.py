"""The full benchmark runner on the built-in suite with a replay model: wall time and cells per second.

Every (task, sample) cell is generated (replay), its code extracted, run in the sandboxed twin, scored
against every reference, scored for CodeBLEU and edit similarity, and written to a fresh SQLite store.
Reference traces are computed first (not cached, so the figure includes them) and timed separately.
Baseline in the same run: one bare `python -c pass` subprocess, to read the figures against.
Usage: python benchmarks/run.py [--samples 5] [--tasks PATTERN]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from twinbench.models import parse_spec
from twinbench.report.leaderboard import leaderboard, render
from twinbench.runner.benchmark import reference_traces, run_cells, run_config, select_tasks
from twinbench.runner.prompting import system_prompt
from twinbench.runner.replay_answers import write_replay
from twinbench.sandbox import Sandbox
from twinbench.store import Cell, Store
from twinbench.tasks import load_suite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--tasks", nargs="*")
    args = parser.parse_args()

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    baseline = time.perf_counter() - start

    suite = load_suite("beamline")
    tasks = select_tasks(suite, args.tasks)
    with tempfile.TemporaryDirectory() as tmp:
        replay = write_replay(tasks, args.samples, Path(tmp) / "answers.jsonl")
        spec = parse_spec(f"replay:{replay}")
        system = system_prompt()
        store = Store.open(Path(tmp) / "bench.sqlite")
        store.put_blob(system.encode())
        cells = [Cell(model=spec.name, task=t.id, sample=s) for t in tasks for s in range(args.samples)]
        store.create_run("bench", run_config(suite, tasks, [spec], args.samples, system), cells)

        started = time.perf_counter()
        references = reference_traces(tasks, suite.meta.twin, cached=False)
        ref_seconds = time.perf_counter() - started
        with Sandbox(suite.meta.twin) as sandbox:
            sandbox.run("pass")  # start the zygote before timing cells
            started = time.perf_counter()
            done = asyncio.run(run_cells(store, "bench", tasks, [spec], references, system, sandbox,
                                         lambda cell, result: None))
            cell_seconds = time.perf_counter() - started
        total = ref_seconds + cell_seconds
        board = leaderboard(store.result_rows("bench"), {t.id: (t.category, t.difficulty) for t in tasks})
        print(render(board, "markdown"))
    print(f"tasks {len(tasks)}, samples {args.samples}, cells {done}")
    print(f"reference traces: {ref_seconds:.1f} s ({sum(len(t.references) for t in tasks)} programs)")
    print(f"cells: {cell_seconds:.1f} s, {done / cell_seconds:.1f} cells/s, {1000 * cell_seconds / done:.1f} ms/cell "
          f"({cell_seconds / done / baseline:.2f}x a bare python start, {1000 * baseline:.1f} ms)")
    print(f"total wall time: {total:.1f} s (target: 150 tasks x 5 samples under 120 s)")


if __name__ == "__main__":
    main()
