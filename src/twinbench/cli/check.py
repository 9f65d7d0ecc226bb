"""`twinbench check plan.py`: run a plan in the twin before it runs on the instrument."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twinbench.cli.app import app, console
from twinbench.cli.options import TwinOption, check_text, positive_number, positive_seconds, text_file
from twinbench.errors import InputError

SUMMARY_EVENTS = 200  # a longer trace shows each channel sampled more than LONG_CHANNEL times as one row
LONG_CHANNEL = 20

if TYPE_CHECKING:
    from rich.table import Table

    from twinbench.sandbox import RunResult


def _read_state(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    import yaml

    try:
        state = yaml.safe_load(check_text(path, "task state"))
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"cannot read the task state: {exc}") from None
    if not isinstance(state, dict):
        raise InputError(str(path), "the task state must be a mapping")
    return state


def _named_table(title: str, head: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    """Names (channels, PVs) are kept whole when they fit in 60 columns; values fold; everything is literal."""
    from rich import box
    from rich.table import Table

    from twinbench.report.text import literal

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    name_at = head.index("channel") if "channel" in head else 0
    longest = max((len(r[name_at]) for r in rows), default=0)
    for i, column in enumerate(head):
        table.add_column(column, overflow="fold", min_width=min(longest, 60) if i == name_at else None)
    for row in rows:
        table.add_row(*(literal(cell) for cell in row))
    return table


def _sampled(result: RunResult) -> dict[str, list[float]]:
    """In a long trace, the channels sampled many times with numbers (shown one row each)."""
    if len(result.trace) <= SUMMARY_EVENTS:
        return {}
    values: dict[str, list] = {}
    for e in result.trace:
        values.setdefault(e.channel, []).append(e.value)
    return {ch: v for ch, v in values.items() if len(v) > LONG_CHANNEL
            and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)}


def _show(result: RunResult) -> None:
    from rich.text import Text

    from twinbench.report.text import literal
    from twinbench.sandbox import Outcome

    sampled = _sampled(result)
    console.print(_named_table("Trace", ("t (s)", "channel", "value"), [
        (f"{e.t:.3f}", e.channel, str(e.value)) for e in result.trace if e.channel not in sampled]))
    if sampled:
        times = {ch: [e.t for e in result.trace if e.channel == ch] for ch in sampled}
        console.print(_named_table("Sampled channels", ("channel", "n", "t (s)", "min", "max", "last"), [
            (ch, str(len(v)), f"{times[ch][0]:.4g}-{times[ch][-1]:.4g}", f"{min(v):.4g}", f"{max(v):.4g}",
             f"{v[-1]:.4g}") for ch, v in sampled.items()]))
    console.print(_named_table("Final device state", ("PV", "value"), [
        (pv, str(value)) for pv, value in result.final_state.items() if pv not in sampled]))
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
    plans: Annotated[list[Path], typer.Argument(help="Python plans to validate (one sandbox runs them all).")],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON (a list for several plans)")] = (
        False
    ),
    state: Annotated[
        Path | None, typer.Option(help="task initial state and limits (YAML or JSON)", callback=text_file)
    ] = None,
    wall_seconds: Annotated[float, typer.Option(help="wall-clock timeout", callback=positive_seconds)] = 20.0,
    budget: Annotated[
        float | None,
        typer.Option("--budget", "--virtual-seconds", help="the twin's budget in its own unit (`twinbench twins "
                     "list`); default: the twin's", callback=positive_number),
    ] = None,
    twin: TwinOption = None,
) -> None:
    """Run plans in a twin; exit 0 when every one is safe and error-free, 1 otherwise."""
    sources = [check_text(plan, "plan") for plan in plans]
    task_state = _read_state(state)
    from twinbench.sandbox import Limits, Outcome, Sandbox
    from twinbench.twins import DEFAULT_TWIN

    results = []
    with Sandbox(twin or DEFAULT_TWIN) as sandbox:  # its zygote boots while the rest is prepared
        limits = Limits(wall_seconds=wall_seconds, budget=budget)
        for plan, source in zip(plans, sources, strict=True):
            result = sandbox.run(source, task_state, limits)
            results.append(result)
            if not as_json:
                if len(plans) > 1:
                    from rich.text import Text

                    console.rule(Text(str(plan)), characters="=")
                _show(result)
    if as_json:
        objs = [result.to_obj() for result in results]
        payload = objs[0] if len(plans) == 1 else [{"plan": str(p), **o} for p, o in zip(plans, objs, strict=True)]
        typer.echo(json.dumps(payload, indent=1))  # plain: Rich's print_json takes minutes on 100k events
    raise typer.Exit(0 if all(r.outcome is Outcome.OK for r in results) else 1)
