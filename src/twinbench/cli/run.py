"""`twinbench run` (the benchmark) and `twinbench leaderboard` (its results)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twinbench.cli.app import app, console
from twinbench.cli.options import DEFAULT_STORE, StoreOption, model_specs, open_store, text_file
from twinbench.errors import InputError

if TYPE_CHECKING:
    from twinbench.report.leaderboard import Format
    from twinbench.store import Store


@app.command()
def run(
    suite: Annotated[str, typer.Option("--suite", help="Built-in suite name or a suite folder.")] = "beamline",
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
) -> None:
    """Generate, execute in the twin, score and store every (model, task, sample) cell; resumable."""
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from twinbench.models import resolve_spec
    from twinbench.runner.benchmark import (
        Tally,
        default_run_id,
        reference_traces,
        run_cells,
        run_config,
        select_tasks,
    )
    from twinbench.runner.prompting import system_prompt
    from twinbench.sandbox import Sandbox
    from twinbench.store import Cell
    from twinbench.tasks import load_suite

    loaded = load_suite(suite)
    chosen = select_tasks(loaded, tasks)
    if not chosen:
        raise InputError(suite, f"no task matches {tasks}", field="--tasks")
    specs = [resolve_spec(m, models_file) for m in (model or [None])]
    system = system_prompt(loaded.meta.twin)
    config = run_config(loaded, chosen, specs, samples, system)
    run_id = run_id or default_run_id(config)
    cells = [Cell(model=s.name, task=t.id, sample=i) for s in specs for t in chosen for i in range(samples)]
    store = open_store(store_path)
    store.put_blob(system.encode())  # the exact system prompt; the user message is the task's instruction
    resumed = not store.create_run(run_id, config, cells)
    pending = len(store.pending_cells(run_id))
    console.print(f"run [bold]{run_id}[/]: {len(cells)} cells ({len(chosen)} tasks x {len(specs)} models x "
                  f"{samples} samples){f', resuming with {pending} left' if resumed else ''}; store {store_path}")
    with console.status("reference traces (cached per twin version)"):
        references = reference_traces(chosen, loaded.meta.twin)
    tally = Tally()
    progress = Progress(TextColumn("[bold]cells"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.fields[stats]}"), console=console, transient=False)
    with progress, Sandbox(loaded.meta.twin) as sandbox:
        bar = progress.add_task("cells", total=pending, stats="")

        def on_cell(cell: Cell, result) -> None:
            tally.add(result)
            rate = tally.passed / tally.done
            progress.update(bar, advance=1, stats=f"pass {rate:.0%}  errors {tally.errors}  spend ${tally.spend:.4f}")

        asyncio.run(run_cells(store, run_id, chosen, specs, references, system, sandbox, on_cell))
    if show_leaderboard:
        _print_board(store, run_id, "table")


def _print_board(store: Store, run_id: str, fmt: Format) -> None:
    from rich.console import Console

    from twinbench.report.leaderboard import leaderboard, render

    tasks = store.run(run_id).config["tasks"]  # category and difficulty were stored with the run
    meta = {task_id: (t["category"], t["difficulty"]) for task_id, t in tasks.items()}
    board = leaderboard(store.result_rows(run_id), meta)
    out = render(board, fmt)
    if isinstance(out, list):
        wide = Console(width=max(console.width, 132))  # the tables stay readable when piped
        for table in out:
            wide.print(table)
    else:
        typer.echo(out, nl=False)


@app.command(name="leaderboard")
def leaderboard_command(
    run_id: Annotated[str | None, typer.Argument(help="Run id (default: the latest run).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json | markdown")] = "table",
    store_path: StoreOption = DEFAULT_STORE,
) -> None:
    """Per model: mean full score with a bootstrap 95% CI, pass rate, pass@k, per category, difficulty and
    dimension, outcome shares, and CodeBLEU / edit similarity beside them."""
    if fmt not in ("table", "csv", "json", "markdown"):
        raise InputError("--format", f"unknown format {fmt!r}: table, csv, json or markdown")
    store = open_store(store_path, must_exist=True)
    runs = store.runs()
    if not runs:
        raise InputError(str(store_path), "the store holds no run")
    _print_board(store, run_id or max(runs, key=lambda r: r.created_at).run_id, fmt)  # type: ignore[arg-type]
