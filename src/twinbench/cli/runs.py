"""`twinbench runs list|show|export`: look into the results store."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from twinbench.cli.app import app, console
from twinbench.cli.options import DEFAULT_STORE, StoreOption, open_store, writable_target
from twinbench.errors import InputError

if TYPE_CHECKING:
    from twinbench.store import RunSummary

runs_app = typer.Typer(help="Runs in the results store.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


def _open(path: Path):
    return open_store(path, must_exist=True)


def _cost(value: float | None) -> str:
    return "-" if value is None else f"${value:.4f}"


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


@runs_app.command("list")
def list_runs(store: StoreOption = DEFAULT_STORE) -> None:
    """Every run with its progress."""
    runs = _open(store).runs()
    table = Table("run", "created", "cells", "ok", "failed", "pending", "tokens in", "tokens out", "cost")
    for r in runs:
        table.add_row(
            r.run_id,
            _when(r.created_at),
            str(r.cells),
            str(r.ok),
            str(r.failed),
            str(r.pending),
            str(r.tokens_in),
            str(r.tokens_out),
            _cost(r.cost_usd),
        )
    console.print(table if runs else "no runs")


@runs_app.command("show")
def show_run(run_id: str, store: StoreOption = DEFAULT_STORE) -> None:
    """One run: config, totals and a per-model breakdown."""
    db = _open(store)
    summary: RunSummary = db.run(run_id)
    console.print(
        f"[bold]{run_id}[/] created {_when(summary.created_at)}: {summary.cells} cells, "
        f"{summary.ok} ok, {summary.failed} failed, {summary.pending} pending; "
        f"tokens {summary.tokens_in} in / {summary.tokens_out} out; cost {_cost(summary.cost_usd)}",
        soft_wrap=True,
    )
    console.print_json(json.dumps(summary.config))
    per_model: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in db.result_rows(run_id):
        counts = per_model[row["model"]]
        counts[row["status"]] += 1
        counts["tokens_in"] += row["tokens_in"] or 0
        counts["tokens_out"] += row["tokens_out"] or 0
        counts["cost"] += row["cost_usd"] or 0.0
    table = Table("model", "ok", "failed", "pending", "tokens in", "tokens out", "cost")
    for model, c in per_model.items():
        table.add_row(
            model,
            *(str(int(c[k])) for k in ("ok", "failed", "pending", "tokens_in", "tokens_out")),
            f"${c['cost']:.4f}",
        )
    console.print(table)


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
