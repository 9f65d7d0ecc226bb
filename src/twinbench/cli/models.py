"""`twinbench models test SPEC`: one prompt to one model; prints the answer, latency and tokens."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twinbench.cli.app import app, console, err_console
from twinbench.cli.options import model_specs, text_file

if TYPE_CHECKING:
    from twinbench.models import CallRecord, ModelSpec

models_app = typer.Typer(help="Model providers: check that a model answers.", no_args_is_help=True)
app.add_typer(models_app, name="models")

SPEC_HELP = "PROVIDER:MODEL, PROVIDER:MODEL@URL, or a name from --models-file; default local:smollm2."


async def _ask(spec: ModelSpec, prompt: str) -> CallRecord:
    from twinbench.models import CallKey, Message, generate, make_provider

    provider = make_provider(spec)
    try:
        return await generate(provider, [Message(role="user", content=prompt)], CallKey(task="models-test"))
    finally:
        await provider.aclose()


@models_app.command("test")
def test_model(
    spec: Annotated[str | None, typer.Argument(help=SPEC_HELP, callback=model_specs)] = None,
    prompt: Annotated[str, typer.Option("--prompt", "-p")] = "Write a Python function that adds two numbers.",
    models_file: Annotated[
        Path | None, typer.Option("--models-file", "-m", help="YAML file of named models.", callback=text_file)
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", min=1, help="Override max_tokens.")
    ] = None,
) -> None:
    """Send one prompt; exit 1 if the call failed after its retries."""
    import asyncio

    from rich.table import Table

    from twinbench.models import resolve_spec

    model = resolve_spec(spec, models_file)
    if max_tokens is not None:
        model = model.model_copy(
            update={"settings": model.settings.model_copy(update={"max_tokens": max_tokens})}
        )
    record = asyncio.run(_ask(model, prompt))  # a missing extra is an InputError: main() prints the command
    if record.error is not None:
        err_console.print(
            f"[bold red]failed[/] after {record.attempts} attempt(s): "
            f"{record.error.kind}: {record.error.reason}",
            highlight=False,
        )
        raise typer.Exit(1)
    console.print(record.text, highlight=False, markup=False)
    table = Table(show_header=False, box=None)
    for name, value in [
        ("model", record.model),
        ("latency", f"{record.latency_s:.2f} s"),
        ("tokens in", str(record.tokens_in)),
        ("tokens out", str(record.tokens_out)),
        ("retries", str(record.retries)),
        ("cost", "unknown" if record.cost_usd is None else f"${record.cost_usd:.6f}"),
    ]:
        table.add_row(name, value)
    console.print(table)
