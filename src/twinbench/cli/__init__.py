"""Command-line interface: `twinbench <command>`."""

from __future__ import annotations

import sys

from twinbench.cli import check, score, suite  # noqa: F401  (each registers its commands)
from twinbench.cli.app import app, err_console
from twinbench.errors import InputError


def main() -> None:
    """Entry point: bad input ends as one line on stderr and exit code 2."""
    try:
        app()
    except InputError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
