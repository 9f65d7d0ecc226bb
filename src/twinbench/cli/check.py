"""`twinbench check plan.py`: run a plan in the twin before it runs on the instrument."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich import box
from rich.table import Table
from rich.text import Text

from twinbench.cli.app import app, console
from twinbench.errors import InputError
from twinbench.report.text import literal
from twinbench.sandbox import Limits, Outcome, RunResult, Sandbox


def _read_plan(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def _read_state(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        state = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(str(path), f"cannot read the task state: {exc}") from None
    if not isinstance(state, dict):
        raise InputError(str(path), "the task state must be a mapping")
    return state


def _named_table(title: str, head: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    """Names (channels, PVs) are kept whole when they fit in 60 columns; values fold; everything is literal."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    name_at = head.index("channel") if "channel" in head else 0
    longest = max((len(r[name_at]) for r in rows), default=0)
    for i, column in enumerate(head):
        table.add_column(column, overflow="fold", min_width=min(longest, 60) if i == name_at else None)
    for row in rows:
        table.add_row(*(literal(cell) for cell in row))
    return table


def _show(result: RunResult) -> None:
    console.print(_named_table("Trace", ("t (s)", "channel", "value"),
                               [(f"{e.t:.3f}", e.channel, str(e.value)) for e in result.trace]))
    console.print(_named_table("Final device state", ("PV", "value"),
                               [(pv, str(value)) for pv, value in result.final_state.items()]))
    console.print(f"Simulated duration: {result.duration:.3f} s (wall {result.wall_seconds:.3f} s)")
    for w in result.warnings:
        console.print(Text.assemble(("warning: ", "yellow"), literal(w)))
    for e in result.safety:
        console.print(Text.assemble(("safety violation", "bold red"), f" at t={e.t:.3f} s: ", literal(e.value)))
    if result.error:
        where = f" (line {result.error.line})" if result.error.line else ""
        console.print(Text.assemble(("error", "red"), f"{where}: ", literal(f"{result.error.type}: "
                                                                           f"{result.error.message}")))
    if result.output:
        console.print(Text.assemble("Program output:\n", literal(result.output)))
    colour = "green" if result.outcome is Outcome.OK else "red"
    console.print(Text.assemble("Outcome: ", (result.outcome.value, colour), " ", literal(result.detail)))


@app.command()
def check(
    plan: Annotated[Path, typer.Argument(help="Python plan to validate")],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    state: Annotated[Path | None, typer.Option(help="task initial state and limits (YAML or JSON)")] = None,
    wall_seconds: Annotated[float, typer.Option(help="wall-clock timeout")] = 20.0,
    virtual_seconds: Annotated[float, typer.Option(help="simulated-time budget")] = 12 * 3600.0,
) -> None:
    """Run a plan in the beamline twin; exit 0 when it is safe and error-free, 1 otherwise."""
    source = _read_plan(plan)
    limits = Limits(wall_seconds=wall_seconds, virtual_seconds=virtual_seconds)
    with Sandbox() as sandbox:
        result = sandbox.run(source, _read_state(state), limits)
    if as_json:
        console.print_json(json.dumps(result.to_obj()))
    else:
        _show(result)
    raise typer.Exit(0 if result.outcome is Outcome.OK else 1)
