"""The root Typer application; each command module registers itself on it."""

from __future__ import annotations

from typing import Any

import typer

app = typer.Typer(
    name="twinbench",
    help="Judge LLM-written control code by what it does in a digital twin.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _group() -> None:
    # A group even while one command is registered (typer would run a lone command as the application itself).
    pass


class LazyConsole:
    """A rich `Console` made on first use: a command that prints only JSON never loads rich. Attributes and the
    context manager (`with console:`, as rich's live displays use it) are the console's."""

    def __init__(self, **options: Any):
        self._options = options
        self._console = None

    def _made(self) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    def __enter__(self) -> Any:
        return self._made().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._made().__exit__(*exc)


console: Any = LazyConsole()
err_console: Any = LazyConsole(stderr=True)
