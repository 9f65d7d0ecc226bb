"""`twinbench score`: compare a predicted trace with one or more reference traces."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twinbench.cli.app import app, console
from twinbench.cli.options import text_file
from twinbench.errors import InputError

if TYPE_CHECKING:
    from twinbench.trace.model import Trace


def _nonempty(path: Path) -> Trace:
    from twinbench.trace.io import read_trace

    trace = read_trace(path)
    if not len(trace):
        raise InputError(str(path), "the trace has no events", field="events")
    return trace


@app.command()
def score(
    gt: Annotated[list[Path], typer.Option("--gt", help="Reference trace (JSON or JSONL); repeat for several.")],
    pred: Annotated[Path, typer.Option("--pred", help="Predicted trace (JSON or JSONL).")],
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Scoring config (JSON/YAML; EnvTrace's format is accepted).", callback=text_file),
    ] = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help="default | envtrace (overrides the config's preset).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of the report.")] = False,
    rows: Annotated[int, typer.Option("--rows", min=0, help="Aligned rows to show before only differences are.")] = 60,
    twin: Annotated[str | None, typer.Option("--twin", help="The twin whose scoring defaults (continuous channels, "
                                             "...) apply; default: the default twin.")] = None,
) -> None:
    """Score PRED against each reference (the best is kept) and report every metric.

    Exit code 0 when it scored (pass or fail), 2 on bad input.
    """
    from twinbench.trace.config import ScoringConfig, load_config
    from twinbench.trace.scoring import score_best_of
    from twinbench.twins import DEFAULT_TWIN, get_twin

    defaults = get_twin(twin or DEFAULT_TWIN).scoring_defaults()
    cfg = (load_config(config, preset, defaults) if config  # type: ignore[arg-type]
           else ScoringConfig.build(preset, defaults=defaults))  # type: ignore[arg-type]
    references = [_nonempty(path) for path in gt]
    outcome = score_best_of(references, _nonempty(pred), cfg)
    if as_json:
        typer.echo(outcome.json_text())
    else:
        from twinbench.report.score_report import render_score

        render_score(outcome, console, rows)
