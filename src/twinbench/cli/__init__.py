"""Command-line interface: `twinbench <command>`.

Command modules import only typer and the standard library at the top; each command imports what it
needs when it runs, so `--help` and argument errors answer without loading the heavy stacks. A command
line loads the module of the command it names, and only that one (every module when it names none).
"""

from __future__ import annotations

import importlib
import sys

import typer

from twinbench.cli.app import app, err_console
from twinbench.errors import InputError, resume_hint

MODULES = ("analyze", "api", "check", "imports", "judge", "models", "report", "run", "runs", "score", "serve",
           "suite", "twins", "view")  # list order
COMMANDS = {"analyze": "analyze", "api": "api", "check": "check", "import": "imports", "judge": "judge",
            "leaderboard": "run", "models": "models", "report": "report", "run": "run", "runs": "runs",
            "score": "score", "serve": "serve", "suite": "suite", "twins": "twins", "view": "view"}


def load(argv: list[str] | None = None) -> typer.Typer:
    """The application, with the command `argv` starts with registered (its module registers it), or every
    command when `argv` starts with none (`--help`, a misspelt command)."""
    names = [COMMANDS[argv[0]]] if argv and argv[0] in COMMANDS else MODULES
    for name in names:
        importlib.import_module(f"{__name__}.{name}")
    return app


def main(argv: list[str] | None = None) -> None:
    """Run the CLI on `argv` (default: the command line): bad input ends as one line on stderr and exit 2."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        load(argv)(args=argv, prog_name="twinbench")
    except InputError as exc:
        from rich.markup import escape

        err_console.print("[bold red]error:[/] " + escape(str(exc)), highlight=False, soft_wrap=True)
        sys.exit(2)
    except SystemExit as exc:  # typer turns a Ctrl-C inside a command into a silent exit 130: say how to resume
        if exc.code == 130 and isinstance(getattr(exc.__context__, "__cause__", None), KeyboardInterrupt):
            sys.stderr.write(resume_hint() + "\n")
        raise
