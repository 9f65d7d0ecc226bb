"""Command-line interface: `twinbench <command>`."""

from __future__ import annotations

import sys

from rich.markup import escape

from twinbench.cli import analyze, check, imports, judge, models, run, runs, score, suite  # noqa: F401  (each registers its commands)
from twinbench.cli.app import app, err_console
from twinbench.errors import InputError


def main() -> None:
    """Run the CLI: bad input ends as one line on stderr and exit code 2."""
    try:
        app(prog_name="twinbench")
    except InputError as exc:
        err_console.print("[bold red]error:[/] " + escape(str(exc)), highlight=False, soft_wrap=True)
        sys.exit(2)
