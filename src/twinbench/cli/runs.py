"""`twinbench runs list|show|export`: look into the results store."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from twinbench.cli.app import app, console
from twinbench.cli.options import DEFAULT_STORE, StoreOption, open_store, writable_target
from twinbench.errors import InputError

if TYPE_CHECKING:
    from twinbench.store import RunSummary, Store

runs_app = typer.Typer(help="Runs in the results store.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")



JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _open(path: Path) -> Store:
    return open_store(path, must_exist=True)


def _cost(value: float | None) -> str:
    return "-" if value is None else f"${value:.4f}"


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


def _summary(r: RunSummary, with_config: bool) -> dict[str, Any]:
    return r.model_dump(exclude=set() if with_config else {"config"}) | {"pending": r.pending}


def _table(head: list[str], rows: list[list[str]], cut_first: bool) -> Table:
    """Readable at 80 columns: numbers right-aligned, long headers wrap; the first column is a run id (never cut
    nor wrapped) or a name (`cut_first`: wraps)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column(head[0], overflow="fold", no_wrap=not cut_first)
    for column in head[1:]:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


@runs_app.command("list")
def list_runs(store: StoreOption = DEFAULT_STORE, as_json: JsonOption = False) -> None:
    """Every run with its progress, oldest first (`--json` adds creation time and tokens)."""
    runs = _open(store).runs()
    if as_json:
        typer.echo(json.dumps([_summary(r, with_config=False) for r in runs], indent=1))
        return
    rows = [[r.run_id, str(r.cells), str(r.ok), str(r.failed), str(r.pending), _cost(r.cost_usd)] for r in runs]
    head = ["run", "cells", "ok", "failed", "pending", "cost"]
    console.print(_table(head, rows, cut_first=False) if runs else "no runs")


@runs_app.command("show")
def show_run(run_id: str, store: StoreOption = DEFAULT_STORE, as_json: JsonOption = False) -> None:
    """One run: config, totals and a per-model breakdown."""
    db = _open(store)
    summary: RunSummary = db.run(run_id)
    per_model: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in db.result_rows(run_id):
        counts = per_model[row["model"]]
        counts[row["status"]] += 1
        counts["tokens_in"] += row["tokens_in"] or 0
        counts["tokens_out"] += row["tokens_out"] or 0
        counts["cost_usd"] += row["cost_usd"] or 0.0
    models = {m: {k: c[k] if k == "cost_usd" else int(c[k])
                  for k in ("ok", "failed", "pending", "tokens_in", "tokens_out", "cost_usd")}
              for m, c in per_model.items()}
    if as_json:
        typer.echo(json.dumps(_summary(summary, with_config=True) | {"models": models}, indent=1))
        return
    console.print(
        Text(f"{run_id} created {_when(summary.created_at)}: {summary.cells} cells, "
             f"{summary.ok} ok, {summary.failed} failed, {summary.pending} pending; "
             f"tokens {summary.tokens_in} in / {summary.tokens_out} out; cost {_cost(summary.cost_usd)}")
    )
    console.print_json(json.dumps(summary.config))
    rows = [[m, *(str(c[k]) for k in ("ok", "failed", "pending", "tokens_in", "tokens_out")), _cost(c["cost_usd"])]
            for m, c in models.items()]
    console.print(_table(["model", "ok", "failed", "pending", "tokens in", "tokens out", "cost"], rows, cut_first=True))


@runs_app.command("export")
def export(
    run_id: str,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, jsonl or parquet.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Default: RUN_ID.FORMAT here.", callback=writable_target)
    ] = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """One row per manifest cell: coordinates, status, answer, tokens, cost, execution, scores."""
    from typing import get_args

    from twinbench.store import ExportFormat, export_run

    if fmt not in get_args(ExportFormat):
        raise InputError("--format", f"unknown format {fmt!r}: {', '.join(get_args(ExportFormat))}")
    out = writable_target(output or Path(f"{run_id}.{fmt}"))
    rows = export_run(_open(store), run_id, fmt, out)
    console.print(f"wrote {rows} rows to {out}")
