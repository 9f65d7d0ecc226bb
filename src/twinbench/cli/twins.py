"""`twinbench twins list`: the registered twins (entry-point group `twinbench.twins`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from twinbench.cli.app import app, console

twins_app = typer.Typer(help="Twins: the registered plugins programs run in.", no_args_is_help=True)
app.add_typer(twins_app, name="twins")


def twin_rows() -> list[dict[str, Any]]:
    """One dict per registered twin; a twin that cannot load is listed with its error."""
    from twinbench.errors import InputError
    from twinbench.twins import get_twin, twin_names

    rows: list[dict[str, Any]] = []
    for name in twin_names():
        try:
            twin = get_twin(name)
        except InputError as exc:
            rows.append({"name": name, "error": exc.message})
            continue
        rows.append({"name": name, "description": twin.description, "package": twin.package, "client": twin.client,
                     "budget": {"default": twin.budget.default, "unit": twin.budget.unit},
                     "prompt_version": twin.prompt_version})
    return rows


@twins_app.command("list")
def list_twins(as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False) -> None:
    """Every registered twin: name, default budget, prompt version and description."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    rows = twin_rows()
    if as_json:
        typer.echo(json.dumps(rows, indent=1))
        return
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("twin", "budget", "prompt", "description"):
        table.add_column(column, overflow="fold")
    for row in rows:
        if "error" in row:
            table.add_row(escape(row["name"]), "", "", f"[red]cannot load:[/] {escape(row['error'])}")
        else:
            budget = row["budget"]
            cells = (row["name"], f"{budget['default']:g} {budget['unit']}", row["prompt_version"], row["description"])
            table.add_row(*map(escape, cells))
    console.print(table)
