"""`twinbench view [RUN ...]`: browse stored runs in a local web page."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from twinbench.cli.app import app, err_console
from twinbench.cli.options import DEFAULT_STORE, StoreOption, open_store


@app.command()
def view(
    run_ids: Annotated[list[str] | None, typer.Argument(help="Runs to show (default: every benchmark run).")] = None,
    store_path: StoreOption = DEFAULT_STORE,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0: a free one).")] = 0,
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open the page in a browser when one is "
                                          "available.")] = True,
) -> None:
    """Serve the report's pages over the results store on 127.0.0.1 until Ctrl-C.

    The same pages as `twinbench report`, each run's page and each cell's data made when asked."""
    from twinbench.errors import InputError
    from twinbench.report.server import ViewServer
    from twinbench.store.records import BENCHMARK

    store = open_store(store_path, must_exist=True)
    benchmark = [r.run_id for r in store.runs() if r.config.get("kind") == BENCHMARK]
    for run_id in run_ids or []:
        if run_id not in benchmark:
            store.run(run_id)  # an unknown run is named as such
            raise InputError(str(store_path), "not a benchmark run (judge and chain runs have no report)",
                             item=run_id)
    shown = run_ids or benchmark
    if not shown:
        raise InputError(str(store_path), "the store holds no benchmark run")
    store.close()
    try:
        server = ViewServer(store_path, shown, port)  # listens now; reads its runs once it serves
    except OSError as exc:
        raise InputError("--port", f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    err_console.print(escape(f"serving {len(shown)} run(s) of {store_path} at {server.url} (Ctrl-C to stop)"),
                      soft_wrap=True, highlight=False)
    if browser:
        _open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _open(url: str) -> None:
    """Open `url` in the default browser, when this machine has one."""
    import webbrowser

    try:
        webbrowser.get().open(url)
    except webbrowser.Error:
        err_console.print("no browser found: open the address above", highlight=False)
