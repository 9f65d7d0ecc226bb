"""Command-line interface: `twinbench <command>`.

Command modules import only typer and the standard library at the top; each command imports what it
needs when it runs, so `--help` and argument errors answer without loading the heavy stacks.
"""

from __future__ import annotations

import sys

from rich.markup import escape

from twinbench.cli import analyze, api, check, imports, judge, models, run, runs, score, suite, twins  # noqa: F401  (each registers its commands)
from twinbench.cli.app import app, err_console
from twinbench.errors import InputError, resume_hint


def main(argv: list[str] | None = None) -> None:
    """Run the CLI on `argv` (default: the command line): bad input ends as one line on stderr and exit 2."""
    try:
        app(args=argv, prog_name="twinbench")
    except InputError as exc:
        err_console.print("[bold red]error:[/] " + escape(str(exc)), highlight=False, soft_wrap=True)
        sys.exit(2)
    except SystemExit as exc:  # typer turns a Ctrl-C inside a command into a silent exit 130: say how to resume
        if exc.code == 130 and isinstance(getattr(exc.__context__, "__cause__", None), KeyboardInterrupt):
            sys.stderr.write(resume_hint() + "\n")
        raise
