"""`twinbench report RUN -o report.html`: a stored run as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from twinbench.cli.app import app, err_console
from twinbench.cli.options import DEFAULT_STORE, StoreOption, open_store, writable_target
from twinbench.errors import InputError


@app.command()
def report(
    run_id: Annotated[str | None, typer.Argument(help="Run id (default: the latest run with results).")] = None,
    out: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.",
                                      callback=writable_target)] = Path("report.html"),
    store_path: StoreOption = DEFAULT_STORE,
) -> None:
    """Write a run's report as one HTML file that opens offline (every script and style inlined).

    The leaderboard with CI error bars and pass@k, heatmaps by category and difficulty, outcome shares, text
    similarity against trace score; each task with the models compared on it; every cell with its answer, program,
    output and aligned trace (drawn when opened); filters by model, category, outcome and pass."""
    from rich.progress import Progress

    from twinbench.cli.run import latest_benchmark
    from twinbench.report.html import run_page, script_json
    from twinbench.report.run_data import RunData

    store = open_store(store_path, must_exist=True)
    data = RunData(store, run_id or latest_benchmark(store))
    with err_console.status("reference traces (cached per twin version)"):
        data.load_references()
    cells = {}
    with Progress(console=err_console, transient=True) as progress:
        bar = progress.add_task("cells", total=len(data.rows))
        for row in data.rows:
            cells[row["cell_id"]] = script_json(data.cell(row["cell_id"]))  # kept as text: a large run fits
            progress.advance(bar)
    tasks = {task_id: script_json(data.task(task_id)) for task_id in dict.fromkeys(r["task"] for r in data.rows)}
    page = run_page(data, cells, tasks=tasks)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(str(out), f"cannot write the report: {exc.strerror}") from None
    err_console.print(escape(f"run {data.run_id}: {len(cells)} cells, {len(page.encode()) / 1e6:.1f} MB in {out}"),
                      soft_wrap=True, highlight=False)
