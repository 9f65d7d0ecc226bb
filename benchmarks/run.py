"""The full benchmark runner on a built-in suite with a replay model: wall time and cells per second.

Every (task, sample) cell is generated (replay), its code extracted, run in the sandboxed twin, scored
against every reference, scored for CodeBLEU and edit similarity, and written to a fresh SQLite store.
Reference traces are computed first (not cached, so the figure includes them) and timed separately.
A multi-turn suite (`--suite physics`) runs the first `--chains` exercises with all their turns, each later turn
prompted with the program of the turn before (`--chain`, default own: a chain's cells run in turn order).
Baseline in the same run: one bare `python -c pass` subprocess, to read the figures against.
`--cluster ADDRESS` runs the same cells again on a dask.distributed cluster (`local:N`: once on each LocalCluster of
1 to N worker processes), each run into a fresh store and compared with the run without a cluster (same leaderboard),
then measures the store's write rate alone (the results of the run without a cluster written again into a fresh
store, through the pool) and the coordinator's CPU time per cell on the cluster: the ceilings of one coordinator.
The load average at the start and at the end is part of the figures: measure on a quiet machine (a warning says
when the machine is busy at the start).
Usage: python benchmarks/run.py [--suite beamline|physics] [--samples 5] [--tasks PATTERN] [--chains 60]
       [--chain own|expert] [--cluster local:N|ADDRESS] [--no-docs]
       (writes docs/benchmarks.md; with --cluster also the capacity plan in docs/runs.md)
Where the cluster saturates a machine of C cores, in one run (this process, then local:1 ... local:C+1):
       python benchmarks/run.py --cluster local:3        (C = 2: the full beamline suite, 895 cells a run)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from _docs import markdown_table, write_section
from twinbench.models import ModelSpec, make_provider, parse_spec
from twinbench.report.leaderboard import ModelRow, leaderboard, render
from twinbench.runner.benchmark import RunPlan, plan_run, reference_traces, run_cells, select_tasks
from twinbench.runner.chains import multi_turn, task_turns
from twinbench.runner.cluster import ClusterExecution, local_workers
from twinbench.runner.execution import Execution, open_execution
from twinbench.runner.pool import Pool
from twinbench.runner.prompting import system_prompt
from twinbench.runner.replay_answers import write_replay
from twinbench.store import Cell, CellResult, Store
from twinbench.tasks import Suite, Task, load_suite
from twinbench.trace.model import Trace

CAPACITY_CELLS = 54_000  # 30 models x (180 beamline tasks + 60 x 3 physics turns) x 5 samples


def first_chains(suite: Suite, tasks: list[Task], n: int) -> list[Task]:
    """The tasks of the first `n` exercises (turn-1 tasks in suite order), every turn included."""
    kept = [t.id for t in tasks if t.follows is None][:n]
    return [t for t in tasks if suite.turns(t)[0].id in kept]


class KeepingPool(Pool):
    """A pool that also keeps every result it stores, to write them again when measuring the store alone."""

    def __init__(self, store: Store, run_id: str):
        super().__init__(store, run_id)
        self.kept: dict[str, tuple[CellResult, list[bytes]]] = {}

    def finish(self, cell: Cell, result: CellResult, blobs: Iterable[bytes] = ()) -> None:
        self.kept[cell.id] = (result, list(blobs))
        super().finish(cell, result, self.kept[cell.id][1])


@dataclass
class Measured:
    """One run of every cell: how many, wall seconds, the coordinator's CPU seconds, the leaderboard, and the
    worker threads that executed the cells."""

    done: int
    seconds: float
    cpu: float
    board: list[ModelRow]
    threads: int

    def same_board(self, other: Measured) -> bool:
        return render(self.board, "json") == render(other.board, "json")


def fresh_store(path: Path, system: str, plan: RunPlan) -> Store:
    store = Store.open(path)
    store.put_blob(system.encode())
    store.create_run("bench", plan.config, plan.cells)
    return store


async def run_on(pool: Pool, tasks: list[Task], spec: ModelSpec, references: dict[str, list[Trace]], system: str,
                 plan: RunPlan, twin: str, cluster: str | None) -> Measured:
    """Every cell of the run executed here (`cluster` None) or on the cluster; timed once the execution is ready
    and warm (`warm_up`)."""
    provider = make_provider(spec)
    providers = {spec.name: provider}
    try:
        async with open_execution(twin, references, cluster=cluster) as execution:
            await warm_up(pool.store, plan, tasks, providers, system, execution)
            started, cpu = time.perf_counter(), time.process_time()
            done = await run_cells(pool, tasks, providers, system, execution, chains=plan.chains)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            threads = execution.threads if isinstance(execution, ClusterExecution) else 1
    finally:
        await provider.aclose()
    board = leaderboard(pool.store.result_rows("bench"), {t.id: (t.category, t.difficulty) for t in tasks},
                        turns=task_turns(plan.config))
    return Measured(done, seconds, cpu, board, threads)


async def warm_up(store: Store, plan: RunPlan, tasks: list[Task], providers: dict, system: str,
                  execution: Execution) -> None:
    """The first cells of the run, as many as the execution keeps in flight, into a run of their own: every sandbox
    started and every worker's scoring stack loaded before the timing starts, here as on a cluster."""
    store.create_run("warm", plan.config | {"warm": True}, plan.cells[:execution.in_flight])
    await run_cells(Pool(store, "warm"), tasks, providers, system, execution)


async def write_again(store: Store, kept: dict[str, tuple[CellResult, list[bytes]]]) -> float:
    """Seconds to store every kept result again, through a pool, as a coordinator does: the store's own ceiling."""

    async def compute(cell: Cell) -> tuple[CellResult, list[bytes]]:
        return kept[cell.id]

    started = time.perf_counter()
    await Pool(store, "bench").each_pending(compute, 1)
    return time.perf_counter() - started


def cluster_addresses(cluster: str) -> list[str]:
    """`local:N` -> local:1 ... local:N (where the speed-up saturates); a scheduler address as it is."""
    n = local_workers(cluster)
    return [cluster] if n is None else [f"local:{i}" for i in range(1, n + 1)]


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def busy_warning() -> str | None:
    """A warning when the machine is busy (1-minute load average above half its cores): the figures would be low."""
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load <= cores / 2:
        return None
    return f"busy machine: load average {load:.1f} on {cores} cores at the start; the figures are low"


def saturation(local: Measured, runs: dict[str, Measured]) -> str:
    """Where adding worker processes stops paying: the fastest run, and what the next one added."""
    rates = {address: m.done / m.seconds for address, m in runs.items()}
    best = max(rates, key=lambda a: rates[a])
    text = (f"Fastest: `--cluster {best}`, {rates[best]:.2f} cells/s = {rates[best] * local.seconds / local.done:.2f}x "
            f"this process, on {os.cpu_count()} cores")
    later = list(rates)[list(rates).index(best) + 1:]
    if later:
        text += (f"; `{later[0]}` adds no speed ({rates[later[0]] / rates[best]:.2f}x `{best}`): the worker "
                 "processes only share the cores")
    return text + "."


def cluster_report(local: Measured, runs: dict[str, Measured], written: float, suite: str,
                   command: str, load_at_start: str) -> tuple[str, str]:
    """The table for docs/benchmarks.md and the capacity plan for docs/runs.md."""

    def row(name: str, m: Measured) -> list[str]:
        return [name, f"{m.seconds:.1f}", f"{m.done / m.seconds:.2f}", f"{local.seconds / m.seconds:.2f}x",
                f"{1000 * m.cpu / m.done:.1f}", "yes" if m.same_board(local) else "NO"]

    rows = [row("this process, one sandbox", local), *(row(f"`--cluster {a}`", m) for a, m in runs.items())]
    table = markdown_table(["cells executed and scored", "s", "cells/s", "speed-up", "coordinator CPU ms/cell",
                            "same leaderboard"], rows)
    write_rate = local.done / written
    first = next(iter(runs.values()))  # local:1 for local:N
    per_core = first.done / first.seconds / first.threads
    best = max(runs.values(), key=lambda m: m.done / m.seconds)
    cpu_ms = 1000 * best.cpu / best.done
    ceiling = min(write_rate, 1000 / cpu_ms)
    hours = CAPACITY_CELLS / per_core / 3600
    cores = ceiling / per_core  # beyond this many worker cores the coordinator is the limit
    floor = CAPACITY_CELLS / ceiling / 3600
    text = (f"{table}\n\n{saturation(local, runs)} The store alone (the results above written again into a fresh "
            f"store through the pool, as the coordinator writes them): {written:.2f} s for {local.done} cells = "
            f"{write_rate:.0f} cells/s. Load average (1 / 5 / 15 min) at the start: {load_at_start}, at the end: "
            f"{load_average()} on {os.cpu_count()} cores.")
    plan = (f"Measured on a {os.cpu_count()}-core machine (`python benchmarks/{command}`, table in "
            f"[benchmarks.md](benchmarks.md)): one worker process of one thread finishes {per_core:.2f} cells/s of the "
            f"`{suite}` suite (replayed answers); the coordinator stores {write_rate:.0f} cells/s and spends "
            f"{cpu_ms:.1f} ms of CPU per cell sent to the cluster (client, and for `local:N` the scheduler), so one "
            f"coordinator keeps up with about {ceiling:.0f} cells/s, the work of some {cores:.0f} worker cores. At "
            f"these rates the {CAPACITY_CELLS:,} cells of the example are {hours:.1f} worker-core hours: "
            f"{max(hours / 4, floor):.2f} h on 4 worker cores, and never less than {floor:.2f} h however many "
            f"(beyond about {cores:.0f} cores, a second coordinator on another store is the way to go faster). "
            f"Physics turns simulate longer than beamline plans (see benchmarks.md), and real generation adds API "
            f"latency: then the endpoints' concurrency caps, not the cluster, set the pace.")
    return text, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="beamline")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--tasks", nargs="*")
    parser.add_argument("--chains", type=int, default=60, help="exercises of a multi-turn suite (all their turns)")
    parser.add_argument("--chain", choices=["own", "expert"], default="own")
    parser.add_argument("--cluster", help="also run on this cluster (local:N: on 1 to N local worker processes)")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    addresses = cluster_addresses(args.cluster) if args.cluster else []
    load_at_start, warning = load_average(), busy_warning()
    if warning:
        print(f"warning: {warning}", file=sys.stderr)

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
        plan = plan_run(suite, tasks, [spec], args.samples, system, chain=args.chain)

        started = time.perf_counter()
        references = reference_traces(tasks, suite.twin, cached=False)
        ref_seconds = time.perf_counter() - started

        def store(name: str) -> Store:
            return fresh_store(Path(tmp) / f"{name}.sqlite", system, plan)

        def measure(pool: Pool, cluster: str | None = None) -> Measured:
            return asyncio.run(run_on(pool, tasks, spec, references, system, plan, suite.twin, cluster))

        keeping = KeepingPool(store("bench"), "bench")
        local = measure(keeping)
        print(render(local.board, "markdown"))
        runs = {address: measure(Pool(store(f"cluster{i}"), "bench"), address) for i, address in enumerate(addresses)}
        written = asyncio.run(write_again(store("again"), keeping.kept)) if addresses else 0.0
    done, cell_seconds = local.done, local.seconds
    total = ref_seconds + cell_seconds
    load = load_average()
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
    if addresses:
        command = shlex.join(["run.py", *(a for a in sys.argv[1:] if a != "--no-docs")])
        table, capacity = cluster_report(local, runs, written, args.suite, command, load_at_start)
        table = f"`{args.suite}`, {shape} x {args.samples} samples = {done} cells, same replay answers:\n\n{table}"
        print(table, capacity, sep="\n\n")
        if not args.no_docs:
            write_section("benchmarks.md", "run_cluster", table, command=command)
            write_section("runs.md", "capacity", capacity, command=command)
    elif not args.no_docs and args.suite == "beamline":
        write_section("benchmarks.md", "run", text)
    elif not args.no_docs:
        write_section("benchmarks.md", f"run_{args.suite}", text, command=f"run.py --suite {args.suite}")


if __name__ == "__main__":
    main()
