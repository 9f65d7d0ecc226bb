"""`twinbench check plan.py`: run a plan in the twin before it runs on the instrument."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from twinbench.cli.app import app, console
from twinbench.errors import InputError
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


def _show(result: RunResult) -> None:
    trace = Table(title="Trace", show_lines=False)
    for column in ("t (s)", "channel", "value"):
        trace.add_column(column)
    for e in result.trace:
        trace.add_row(f"{e.t:.3f}", e.channel, str(e.value))
    console.print(trace)
    state = Table(title="Final device state")
    state.add_column("PV")
    state.add_column("value")
    for pv, value in result.final_state.items():
        state.add_row(pv, str(value))
    console.print(state)
    console.print(f"Simulated duration: {result.duration:.3f} s (wall {result.wall_seconds:.3f} s)")
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    for e in result.safety:
        console.print(f"[bold red]safety violation[/] at t={e.t:.3f} s: {e.value}", highlight=False)
    if result.error:
        where = f" (line {result.error.line})" if result.error.line else ""
        console.print(f"[red]error[/]{where}: {result.error.type}: {result.error.message}", highlight=False)
    if result.output:
        console.print("Program output:\n" + result.output, highlight=False, markup=False)
    colour = "green" if result.outcome is Outcome.OK else "red"
    console.print(f"Outcome: [{colour}]{result.outcome.value}[/] {result.detail}", highlight=False)


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
        typer.echo(json.dumps(result.to_obj(), indent=1))  # plain: Rich's print_json takes minutes on 100k events
    else:
        _show(result)
    raise typer.Exit(0 if result.outcome is Outcome.OK else 1)
