"""`twinbench api [COMMAND]`: the command reference a twin shows models, whole or one command of it."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from twinbench.cli.app import app, console
from twinbench.cli.options import TwinOption


@app.command("api")
def api(
    command: Annotated[str | None, typer.Argument(help="one command, e.g. sam.measure or measure")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the commands (and the whole text) as JSON")] = False,
    twin: TwinOption = None,
) -> None:
    """The command reference models see in their prompt (the twin's API), or the commands named COMMAND."""
    from rich.padding import Padding

    from twinbench.errors import InputError
    from twinbench.report.text import literal
    from twinbench.twins import DEFAULT_TWIN, get_twin
    from twinbench.twins.apidoc import commands, similar

    chosen = get_twin(twin or DEFAULT_TWIN)
    reference = chosen.api_reference()
    known = commands(reference)
    picked = known if command is None else [c for c in known if command in (c.name, c.leaf)]
    if command is not None and not picked:
        near = similar(command, known)
        hint = f"did you mean {' or '.join(near)}?" if near else f"`twinbench api --twin {chosen.name}` lists them"
        raise InputError(f"twin {chosen.name!r}", f"no command {command!r}; {hint}")
    if as_json:
        payload = {"twin": chosen.name, "commands": [asdict(c) for c in picked]}
        typer.echo(json.dumps(payload if command is not None else {**payload, "reference": reference}, indent=1))
    elif command is not None:
        for c in picked:
            console.print(literal(c.signature, "bold"))
            console.print(Padding(literal(c.doc), (0, 0, 0, 4)))
    else:
        typer.echo(reference.rstrip("\n"))
