"""`twinbench check plan.py`: run a plan in the twin before it runs on the instrument."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twinbench.cli.app import app, console
from twinbench.cli.options import (
    TwinOption,
    check_text,
    positive_number,
    positive_seconds,
    text_file,
    writable_target,
)
from twinbench.errors import InputError

WALL_PER_HOUR = 60.0  # wall-clock seconds a check adds per hour of the twin's clock
HARNESS_CPU = 60.0  # harness CPU seconds a check may spend serving one plan (a twelve-hour polling plan takes ~20)

if TYPE_CHECKING:
    from twinbench.cli.checked import Checked
    from twinbench.sandbox import Limits, RunResult, Sandbox
    from twinbench.twins import Twin


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


def _checked(twin: Twin, source: str, result: RunResult, state: dict[str, Any] | None) -> Checked:
    """The run with its pre-flight report and, for a misspelt name, the commands it may have meant."""
    from twinbench.cli.checked import Checked
    from twinbench.sandbox import Outcome
    from twinbench.twins.apidoc import commands, missing_name, similar
    from twinbench.twins.preflight import PlanRun, preflight_of

    lines = result.event_lines or [None] * len(result.trace)
    finished = result.error is None and result.outcome in (Outcome.OK, Outcome.SAFETY)
    report = preflight_of(twin, PlanRun(result.trace.events, lines, result.final_state, result.duration, state,
                                        finished))
    name = missing_name(result.error.type, result.error.message) if result.error else None
    return Checked(source, result, report, similar(name, commands(twin.api_reference())) if name else [])


def _limits(pairs: list[str] | None, wall_seconds: float | None, budget: float | None) -> Limits:
    """The run's limits: `--limit` pairs, then the wall-clock and budget flags, and (unless given) 60 s of wall
    clock more per hour of the twin's clock and 60 s of harness CPU, so a long plan is not cut short."""
    from twinbench.sandbox import Limits

    limits = Limits.from_pairs(pairs or [])
    given = {"wall_seconds": wall_seconds, "budget": budget}
    update = {name: value for name, value in given.items() if value is not None}
    defaults = {"wall_seconds_per_hour": WALL_PER_HOUR, "harness_cpu_seconds": HARNESS_CPU}
    update |= {name: value for name, value in defaults.items() if name not in limits.model_fields_set}
    return limits.model_copy(update=update)


def _sandbox(twin: str | None, epics: bool, speed: float) -> Sandbox:
    """The sandbox of the twin (with --epics: serving it over Channel Access); InputError when it cannot."""
    from twinbench.sandbox import Sandbox
    from twinbench.twins import DEFAULT_TWIN

    if not epics:
        return Sandbox(twin or DEFAULT_TWIN)
    try:
        return Sandbox(twin or DEFAULT_TWIN, network="epics", speed=speed)
    except (ValueError, RuntimeError) as exc:
        raise InputError("--epics", str(exc)) from None


def _write_html(path: Path, plans: list[Path], checked: list[Checked]) -> None:
    from twinbench.report.check_page import plan_view
    from twinbench.report.html import check_page

    views = [plan_view(str(p), c.source, c.result, c.report, c.suggestions) for p, c in zip(plans, checked,
                                                                                             strict=True)]
    try:
        path.write_text(check_page(views), encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot write the page: {exc.strerror}") from None
    typer.echo(f"wrote {path}", err=True)


@app.command()
def check(
    plans: Annotated[list[Path], typer.Argument(help="Python plans to validate (one sandbox runs them all).")],
    as_json: Annotated[bool, typer.Option("--json", help="print everything as JSON (a list for several plans): the "
                                          "run, its trace with each event's line, the pre-flight report")] = False,
    state: Annotated[
        Path | None, typer.Option(help="task initial state and limits (YAML or JSON); the beamline's also takes "
                                  "`preflight: {rules: ...}` to change the rules", callback=text_file)
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="a warning fails the check (exit 1)")] = False,
    stop_at_first: Annotated[bool, typer.Option("--stop-at-first", help="a refused command ends the plan (as in "
                                                "a benchmark run); by default it is skipped and the plan goes on")] = (
        False
    ),
    events: Annotated[bool, typer.Option("--events", help="also print the raw trace, with program lines")] = False,
    channel: Annotated[list[str] | None, typer.Option("--channel", help="with --events: only channels matching "
                                                      "this glob or substring (PV or device name); repeat")] = None,
    max_events: Annotated[int, typer.Option("--max-events", min=0, help="with --events: at most this many "
                                            "(0: all)")] = 200,
    rows: Annotated[int, typer.Option("--rows", min=0, help="rows per summary table (0: all)")] = 20,
    output_lines: Annotated[int, typer.Option("--output-lines", min=0, help="lines of program output shown "
                                              "(0: all)")] = 20,
    wall_seconds: Annotated[float | None, typer.Option(help="wall-clock limit in seconds before the plan's own "
                                                       "share (default 20, plus 60 per hour of the twin's clock)",
                                                       callback=positive_seconds)] = None,
    budget: Annotated[
        float | None,
        typer.Option("--budget", "--virtual-seconds", help="the twin's budget in its own unit (`twinbench twins "
                     "list`); default: the twin's", callback=positive_number),
    ] = None,
    limit: Annotated[list[str] | None, typer.Option("--limit", help="sandbox limit NAME=VALUE, e.g. cpu_seconds=30 "
                                                    "or wall_seconds_per_hour=0; repeat")] = None,
    twin: TwinOption = None,
    epics: Annotated[bool, typer.Option("--epics", help="run unmodified pyepics/ophyd/bluesky code over EPICS "
                                        "Channel Access: each plan reaches a private server of the twin on "
                                        "127.0.0.1:5064 of its sandbox (needs bubblewrap and root)")] = False,
    speed: Annotated[float, typer.Option(min=0.001, help="with --epics: twin seconds per wall-clock "
                                         "second")] = 100.0,
    html: Annotated[Path | None, typer.Option("--html", help="also write the check as one self-contained HTML page: "
                                              "device timelines, temperature profile, final state, findings",
                                              callback=writable_target)] = None,
) -> None:
    """Check plans in a twin before they run on the instrument: summary, refusals, warnings.

    A summary of each plan, then every refused command and every warning of the twin's rules, each with its
    program line. Exit 0 when every plan is safe and error-free (--strict: and without warnings), 1 otherwise,
    2 on bad input."""
    sources = [check_text(plan, "plan") for plan in plans]
    task_state = _read_state(state)
    if epics and stop_at_first:
        raise InputError("--stop-at-first", "not with --epics: the server refuses a command as the IOC would, "
                         "and the plan goes on")
    checked = []
    with _sandbox(twin, epics, speed) as sandbox:  # its zygote boots while the rest is prepared
        limits = _limits(limit, wall_seconds, budget)
        from twinbench.cli.checked import View

        view = View(rows, events, tuple(channel or ()), max_events, output_lines)
        for plan, source in zip(plans, sources, strict=True):
            try:
                result = sandbox.run(source, task_state, limits, lines=True, skip_refused=not stop_at_first)
            except InputError as exc:  # the state does not fit the twin: name the file
                raise InputError(str(state), exc.message, exc.item, exc.field) from None
            checked.append(_checked(sandbox.twin, source, result, task_state))
            if not as_json:
                from twinbench.cli.check_report import show

                if len(plans) > 1:  # the whole path on one line, never cut: it is what the reader copies
                    console.print(f"=== {plan}", markup=False, highlight=False, soft_wrap=True)
                show(checked[-1], view)
    if html is not None:
        _write_html(html, plans, checked)
    if as_json:
        objs = [c.to_obj() for c in checked]
        payload = objs[0] if len(plans) == 1 else [{"plan": str(p), **o} for p, o in zip(plans, objs, strict=True)]
        typer.echo(json.dumps(payload, indent=1))  # plain: Rich's print_json takes minutes on 100k events
    raise typer.Exit(1 if any(c.failed(strict) for c in checked) else 0)
