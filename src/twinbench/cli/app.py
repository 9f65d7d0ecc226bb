"""The root Typer application; each command module registers itself on it."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="twinbench",
    help="Judge LLM-written control code by what it does in a digital twin.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)
