"""The full benchmark runner on the built-in suite with a replay model: wall time and cells per second.

Every (task, sample) cell is generated (replay), its code extracted, run in the sandboxed twin, scored
against every reference, scored for CodeBLEU and edit similarity, and written to a fresh SQLite store.
Reference traces are computed first (not cached, so the figure includes them) and timed separately.
Baseline in the same run: one bare `python -c pass` subprocess, to read the figures against.
Usage: python benchmarks/run.py [--samples 5] [--tasks PATTERN] [--no-docs]  (writes docs/benchmarks.md)
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _docs import write_section
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
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    baseline = time.perf_counter() - start

    suite = load_suite("beamline")
    tasks = select_tasks(suite, args.tasks)
    with tempfile.TemporaryDirectory() as tmp:
        replay = write_replay(tasks, args.samples, Path(tmp) / "answers.jsonl", suite.twin)
        spec = parse_spec(f"replay:{replay}")
        system = system_prompt(suite.twin)
        store = Store.open(Path(tmp) / "bench.sqlite")
        store.put_blob(system.encode())
        cells = [Cell(model=spec.name, task=t.id, sample=s) for t in tasks for s in range(args.samples)]
        store.create_run("bench", run_config(suite, tasks, [spec], args.samples, system), cells)

        started = time.perf_counter()
        references = reference_traces(tasks, suite.twin, cached=False)
        ref_seconds = time.perf_counter() - started
        with Sandbox(suite.twin) as sandbox:
            sandbox.run("pass")  # start the zygote before timing cells
            started = time.perf_counter()
            done = asyncio.run(run_cells(store, "bench", tasks, [spec], references, system, sandbox,
                                         lambda cell, result: None))
            cell_seconds = time.perf_counter() - started
        total = ref_seconds + cell_seconds
        board = leaderboard(store.result_rows("bench"), {t.id: (t.category, t.difficulty) for t in tasks})
        print(render(board, "markdown"))
    text = (
        f"{len(tasks)} tasks x {args.samples} samples = {done} cells, replay model (references, a wrong variant, "
        f"an unfenced answer, a refusal), fresh store, reference traces computed without cache: "
        f"{ref_seconds:.1f} s for the {sum(len(t.references) for t in tasks)} reference programs, "
        f"{cell_seconds:.1f} s for the cells ({done / cell_seconds:.1f} cells/s, {1000 * cell_seconds / done:.1f} ms "
        f"per cell = {cell_seconds / done / baseline:.2f}x a bare python start measured in the same run, "
        f"{1000 * baseline:.1f} ms); {total:.1f} s in all."
    )
    print(text)
    if not args.no_docs:
        write_section("benchmarks.md", "run", text)


if __name__ == "__main__":
    main()
