"""`twinbench run` (the benchmark) and `twinbench leaderboard` (its results)."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from twinbench.cli.app import app, console, err_console
from twinbench.cli.options import (
    DEFAULT_STORE,
    SUITE_HELP,
    StoreOption,
    TwinOption,
    chain_mode,
    check_store,
    cluster_address,
    model_specs,
    open_store,
    text_file,
)
from twinbench.errors import InputError

if TYPE_CHECKING:
    from twinbench.report.leaderboard import Format
    from twinbench.store import Store


def cells_left(store: Store | None, run_id: str | None) -> str:
    """Where an interrupted run stands, for the closing message."""
    left = {r.run_id: r.pending for r in store.runs()}.get(run_id) if store and run_id else None
    if left is None:
        return "no cell was stored"
    return f"run {run_id} keeps every finished cell; {left} cells pending (cells in flight were dropped)"


@contextmanager
def stopping_cleanly(where: Callable[[], str]) -> Iterator[None]:
    """A stop signal or a failing store ends the command with one line on stderr, saying how to resume."""
    import sqlite3

    from twinbench.runner.cluster import ClusterError
    from twinbench.runner.pool import Interrupted, WriterError, stop_signals_raise

    resume = "twinbench " + shlex.join(sys.argv[1:])
    try:
        with stop_signals_raise():
            yield
    except Interrupted as stop:
        err_console.print(escape(f"interrupted: {where()}. Run the same command to resume: {resume}"),
                          soft_wrap=True)
        raise typer.Exit(stop.exit_code) from None
    except (WriterError, ClusterError, sqlite3.OperationalError) as exc:  # the store could not be written, ...
        err_console.print(escape(f"error: {exc}; the cells stored so far are kept. Run the same command to "
                                 f"resume: {resume}"), soft_wrap=True)
        raise typer.Exit(1) from None


@app.command()
def run(
    suite: Annotated[str | None, typer.Option("--suite", help=SUITE_HELP)] = None,
    twin: TwinOption = None,
    model: Annotated[list[str] | None, typer.Option("--model", help="Model spec or models-file entry; repeat. "
                                                     "Default: the embedded local model.",
                                                     callback=model_specs)] = None,
    models_file: Annotated[Path | None, typer.Option("--models-file", help="YAML file of named models.",
                                                     callback=text_file)] = None,
    samples: Annotated[int, typer.Option("--samples", min=1, help="Samples per task.")] = 1,
    tasks: Annotated[list[str] | None, typer.Option("--tasks", help="Glob on task id or category; repeat.")] = None,
    run_id: Annotated[str | None, typer.Option("--run-id", help="Default: derived from the run's settings, "
                                                "so the same command resumes.")] = None,
    store_path: StoreOption = DEFAULT_STORE,
    show_leaderboard: Annotated[bool, typer.Option("--leaderboard/--no-leaderboard")] = True,
    limit: Annotated[list[str] | None, typer.Option("--limit", help="Sandbox limit NAME=VALUE for every program, "
                                                    "e.g. wall_seconds=5; repeat. Part of the run's identity.")] = None,
    chain: Annotated[str, typer.Option("--chain", help="A later turn starts from: expert (the reference of the turn "
                                       "before) or own (the model's own program of the turn before, same sample).",
                                       callback=chain_mode)] = "expert",
    cluster: Annotated[str | None, typer.Option("--cluster", help="Execute and score cells on a dask.distributed "
                                                "cluster: its scheduler's address, or local:N for N local worker "
                                                "processes (the cluster extra).", callback=cluster_address)] = None,
    cluster_timeout: Annotated[float | None, typer.Option("--cluster-timeout", min=0.1, help="Seconds for the "
                                                          "scheduler at --cluster to answer (default 10).")] = None,
) -> None:
    """Generate, execute in the twin, score and store every (model, task, sample) cell; resumable."""
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from twinbench.models import make_provider, resolve_spec
    from twinbench.runner.benchmark import (
        Tally,
        default_run_id,
        plan_run,
        reference_traces,
        run_cells,
        select_tasks,
        tasks_blob,
    )
    from twinbench.runner.execution import Execution, open_execution
    from twinbench.runner.pool import Pool
    from twinbench.runner.prompting import TURN_TEMPLATE, system_prompt
    from twinbench.sandbox import Limits
    from twinbench.store import Cell
    from twinbench.tasks import load_suite
    from twinbench.tasks.suite import DEFAULT_SUITE

    store: Store | None = None
    with stopping_cleanly(lambda: cells_left(store, run_id)):
        loaded = load_suite(suite or DEFAULT_SUITE, twin)
        chosen = select_tasks(loaded, tasks)
        if not chosen:
            raise InputError(suite or DEFAULT_SUITE, f"no task matches {tasks}", field="--tasks")
        limits = Limits.from_pairs(limit or [])
        specs = [resolve_spec(m, models_file) for m in (model or [None])]
        system = system_prompt(loaded.twin)
        plan = plan_run(loaded, chosen, specs, samples, system, limits, chain)  # type: ignore[arg-type]
        config, cells, chains = plan.config, plan.cells, plan.chains
        run_id = run_id or default_run_id(config)
        check_store(store_path)  # created once cells can be executed: a failing start leaves no store behind
        with console.status("reference traces (cached per twin version)"):
            references = reference_traces(chosen, loaded.twin)
        providers = {s.name: make_provider(s) for s in specs}  # a model that cannot start leaves no run behind

        async def session() -> None:
            nonlocal store
            try:  # a cluster that cannot be reached leaves no run behind
                async with open_execution(loaded.twin, references, limits, cluster, cluster_timeout) as execution:
                    store = open_store(store_path)
                    await run_session(execution, store)
            finally:
                for provider in providers.values():
                    await provider.aclose()

        async def run_session(execution: Execution, store: Store) -> None:
            with store.writing():
                store.put_blob(system.encode())  # the exact system prompt; the user message is the instruction
                store.put_blob(tasks_blob(loaded, chosen))
                if chains is not None:
                    store.put_blob(TURN_TEMPLATE.encode())  # how a later turn's user message is made
                resumed = not store.create_run(run_id, config, cells)
            pending = len(store.pending_cells(run_id))
            start = "the model's own program" if chain == "own" else "the expert's program"
            chained = f", each later turn starting from {start} of the turn before" if chains is not None else ""
            left = f", resuming with {pending} left" if resumed else ""
            console.print(escape(f"run {run_id}: {len(cells)} cells ({len(chosen)} tasks x {len(specs)} models "
                                 f"x {samples} samples{chained}){left}; store {store_path}"), soft_wrap=True)
            tally = Tally()
            progress = Progress(TextColumn("[bold]cells"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("{task.fields[stats]}", markup=False),
                                console=console)
            with progress:
                bar = progress.add_task("cells", total=pending, stats="")

                def on_cell(cell: Cell, result) -> None:
                    tally.add(result)
                    progress.update(bar, advance=1, stats=tally.line())

                await run_cells(Pool(store, run_id, on_cell), chosen, providers, system, execution, chains=chains)

        asyncio.run(session())
        if show_leaderboard:
            _print_board(store, run_id, "table")


def _print_board(store: Store, run_id: str, fmt: Format) -> None:
    from twinbench.report.leaderboard import leaderboard, render
    from twinbench.runner.chains import task_turns
    from twinbench.store.records import BENCHMARK

    summary = store.run(run_id)
    if summary.config.get("kind") != BENCHMARK:
        raise InputError(str(store.path), "not a benchmark run (judge and chain runs have no leaderboard)",
                         item=run_id)
    tasks = summary.config["tasks"]  # category and difficulty were stored with the run
    meta = {task_id: (t["category"], t["difficulty"]) for task_id, t in tasks.items()}
    board = leaderboard(store.result_rows(run_id), meta, turns=task_turns(summary.config))
    out = render(board, fmt)
    if isinstance(out, list):
        for renderable in out:
            console.print(renderable)
    else:
        typer.echo(out, nl=False)


def latest_benchmark(store: Store) -> str:
    """The most recent benchmark run with a finished cell (else the most recent benchmark run)."""
    from twinbench.store.records import BENCHMARK

    runs = [r for r in store.runs() if r.config.get("kind") == BENCHMARK]
    if not runs:
        raise InputError(str(store.path), "the store holds no benchmark run")
    started = [r for r in runs if r.ok + r.failed] or runs
    return max(started, key=lambda r: r.created_at).run_id


@app.command(name="leaderboard")
def leaderboard_command(
    run_id: Annotated[str | None, typer.Argument(help="Run id (default: the latest run with results).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json | markdown")] = "table",
    store_path: StoreOption = DEFAULT_STORE,
) -> None:
    """Per model: mean full score (95% CI), pass rate, pass@k, categories, dimensions, outcomes, similarity.

    Scores come with a bootstrap 95% CI by task; per category, difficulty, dimension and (multi-turn runs) turn;
    outcome shares; CodeBLEU and edit similarity against the closest reference beside them."""
    if fmt not in ("table", "csv", "json", "markdown"):
        raise InputError("--format", f"unknown format {fmt!r}: table, csv, json or markdown")
    store = open_store(store_path, must_exist=True)
    shown = run_id or latest_benchmark(store)
    summary = store.run(shown)
    err_console.print(escape(f"run {shown} ({summary.ok + summary.failed} of {summary.cells} cells finished"
                             f"{'' if run_id else ', the latest run with results'}) in {store_path}"),
                      soft_wrap=True, highlight=False)
    _print_board(store, shown, fmt)  # type: ignore[arg-type]
