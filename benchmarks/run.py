"""The full benchmark runner on a built-in suite with a replay model: wall time and cells per second.

Every (task, sample) cell is generated (replay), its code extracted, run in the sandboxed twin, scored
against every reference, scored for CodeBLEU and edit similarity, and written to a fresh SQLite store.
Reference traces are computed first (not cached, so the figure includes them) and timed separately.
A multi-turn suite (`--suite physics`) runs the first `--chains` exercises with all their turns, each later turn
prompted with the program of the turn before (`--chain`, default own: a chain's cells run in turn order).
Baseline in the same run: one bare `python -c pass` subprocess, to read the figures against.
Usage: python benchmarks/run.py [--suite beamline|physics] [--samples 5] [--tasks PATTERN] [--chains 60]
       [--chain own|expert] [--no-docs]  (writes docs/benchmarks.md)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _docs import write_section
from twinbench.models import make_provider, parse_spec
from twinbench.report.leaderboard import leaderboard, render
from twinbench.runner.benchmark import plan_run, reference_traces, run_cells, select_tasks
from twinbench.runner.chains import Chains, multi_turn, task_turns
from twinbench.runner.pool import Pool
from twinbench.runner.prompting import system_prompt
from twinbench.runner.replay_answers import write_replay
from twinbench.sandbox import Sandbox
from twinbench.store import Store
from twinbench.tasks import Suite, Task, load_suite


def first_chains(suite: Suite, tasks: list[Task], n: int) -> list[Task]:
    """The tasks of the first `n` exercises (turn-1 tasks in suite order), every turn included."""
    kept = [t.id for t in tasks if t.follows is None][:n]
    return [t for t in tasks if suite.turns(t)[0].id in kept]


async def run_all(store: Store, tasks: list[Task], spec, references, system: str, sandbox: Sandbox,
                  chains: Chains | None) -> int:
    provider = make_provider(spec)
    try:
        return await run_cells(Pool(store, "bench"), tasks, {spec.name: provider}, references, system, sandbox,
                               chains=chains)
    finally:
        await provider.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="beamline")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--tasks", nargs="*")
    parser.add_argument("--chains", type=int, default=60, help="exercises of a multi-turn suite (all their turns)")
    parser.add_argument("--chain", choices=["own", "expert"], default="own")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    baseline = time.perf_counter() - start

    suite = load_suite(args.suite)
    tasks = select_tasks(suite, args.tasks)
    chained = multi_turn(tasks)
    if chained:
        tasks = first_chains(suite, tasks, args.chains)
    with tempfile.TemporaryDirectory() as tmp:
        replay = write_replay(tasks, args.samples, Path(tmp) / "answers.jsonl", suite.twin)
        spec = parse_spec(f"replay:{replay}")
        system = system_prompt(suite.twin)
        store = Store.open(Path(tmp) / "bench.sqlite")
        store.put_blob(system.encode())
        plan = plan_run(suite, tasks, [spec], args.samples, system, chain=args.chain)
        store.create_run("bench", plan.config, plan.cells)

        started = time.perf_counter()
        references = reference_traces(tasks, suite.twin, cached=False)
        ref_seconds = time.perf_counter() - started
        with Sandbox(suite.twin) as sandbox:
            sandbox.run("pass")  # start the zygote before timing cells
            started = time.perf_counter()
            done = asyncio.run(run_all(store, tasks, spec, references, system, sandbox, plan.chains))
            cell_seconds = time.perf_counter() - started
        total = ref_seconds + cell_seconds
        board = leaderboard(store.result_rows("bench"), {t.id: (t.category, t.difficulty) for t in tasks},
                            turns=task_turns(plan.config))
        print(render(board, "markdown"))
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    shape = (f"{len({suite.turns(t)[0].id for t in tasks})} systems x {len({t.turn for t in tasks})} turns "
             f"({len(tasks)} tasks, `--chain {args.chain}`)" if chained else f"{len(tasks)} tasks")
    text = (
        f"`{args.suite}`: {shape} x {args.samples} samples = {done} cells, replay model (references, a wrong "
        f"variant, an unfenced answer, a refusal), fresh store, reference traces computed without cache: "
        f"{ref_seconds:.1f} s for the {sum(len(t.references) for t in tasks)} reference programs, "
        f"{cell_seconds:.1f} s for the cells ({done / cell_seconds:.1f} cells/s, {1000 * cell_seconds / done:.1f} ms "
        f"per cell = {cell_seconds / done / baseline:.2f}x a bare python start measured in the same run, "
        f"{1000 * baseline:.1f} ms); {total:.1f} s in all. Load average at the end (1 / 5 / 15 min): {load} on "
        f"{os.cpu_count()} cores."
    )
    print(text)
    if not args.no_docs and args.suite == "beamline":
        write_section("benchmarks.md", "run", text)
    elif not args.no_docs:
        write_section("benchmarks.md", f"run_{args.suite}", text, command=f"run.py --suite {args.suite}")


if __name__ == "__main__":
    main()
