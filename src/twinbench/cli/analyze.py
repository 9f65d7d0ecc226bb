"""`twinbench analyze`: how far each score tracks an outcome (model and instance level), and turn deltas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from twinbench.cli.app import app
from twinbench.cli.app import console as _console
from twinbench.cli.options import DEFAULT_STORE, StoreOption, open_store
from twinbench.errors import InputError

if TYPE_CHECKING:
    from twinbench.analysis import AnalysisReport, Estimate
    from twinbench.analysis.table import ScoreTable

INPUT_ONLY = {"turn_input"}


def _select_runs(store, runs: list[str] | None, prefix: str | None, outcome: str) -> tuple[list[str], ScoreTable]:
    """The named runs, else those under PREFIX, else every run with the outcome; runs without it are dropped."""
    from twinbench.analysis import load_table
    from twinbench.analysis.table import ScoreTable

    ids = runs or [r.run_id for r in store.runs() if prefix is None or r.run_id.startswith(prefix)]
    kept, rows = [], []
    for run_id in ids:
        table = load_table(store, [run_id])
        if any(outcome in r.scores for r in table.rows):
            kept.append(run_id)
            rows.extend(table.rows)
    if not kept:
        raise InputError(str(store.path), f"no run has the outcome '{outcome}' (see --outcome)")
    return kept, ScoreTable(rows)


def _varies_by_turn(table: ScoreTable, score: str) -> bool:
    return any(len(set(chain.values())) > 1 for chain in table.by_turn(score).values())


def _turns(value: str | None) -> list[int] | None:
    if not value:
        return None
    try:
        return [int(t) for t in value.split(",")]
    except ValueError:
        raise InputError("--turns", f"'{value}' is not a comma-separated list of turn numbers") from None


@app.command("analyze")
def analyze_cmd(
    outcome: Annotated[str, typer.Option("--outcome", "-o", help="Outcome scorer (e.g. pass, trace).")] = "pass",
    score: Annotated[
        list[str], typer.Option("--score", help="Scores to correlate (default: all but the outcome).")
    ] = None,  # type: ignore[assignment]
    run: Annotated[list[str], typer.Option("--run", help="Runs to pool (default: every run with the outcome).")] = None,  # type: ignore[assignment]
    prefix: Annotated[str | None, typer.Option("--prefix", help="Only runs whose id starts with this.")] = None,
    level: Annotated[str, typer.Option("--level", help="model, instance or both.")] = "both",
    turns: Annotated[str | None, typer.Option("--turns", help="Average scores over these turns, e.g. 2,3.")] = None,
    unit: Annotated[str, typer.Option("--unit", help="Instance unit: task (model x task) or cell.")] = "task",
    compare: Annotated[list[str], typer.Option("--compare", help="A:B, the paired difference of correlations.")] = None,  # type: ignore[assignment]
    deltas: Annotated[
        list[str], typer.Option("--deltas", help="Scores for turn deltas (default: those that change).")
    ] = None,  # type: ignore[assignment]
    boot: Annotated[int, typer.Option("--boot", min=1, help="Bootstrap resamples.")] = 2000,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Spearman, Kendall and Pearson with bootstrap 95% CIs (plus AUROC for counts), paired differences, deltas."""
    if level not in ("model", "instance", "both") or unit not in ("task", "cell"):
        raise InputError("--level/--unit", "level is model, instance or both; unit is task or cell")
    from twinbench.analysis import analyze

    db = open_store(store, must_exist=True)
    run_ids, table = _select_runs(db, run, prefix, outcome)
    known = table.scorers()
    scores = score or [s for s in known if s != outcome and s not in INPUT_ONLY]
    pairs = []
    for spec in compare or []:
        a, sep, b = spec.partition(":")
        if not sep:
            raise InputError("--compare", f"'{spec}' is not A:B")
        pairs.append((a, b))
    for name in [*scores, *(s for p in pairs for s in p), *(deltas or [])]:
        if name not in known:
            raise InputError("--score", f"no score '{name}' in the selected runs (have: {', '.join(known)})")
    delta_scores = deltas if deltas is not None else [s for s in scores if _varies_by_turn(table, s)]
    levels = ["model", "instance"] if level == "both" else [level]
    report = analyze(
        table,
        outcome,
        scores,
        levels=levels,
        turns=_turns(turns),
        unit=unit,  # type: ignore[arg-type]
        compare=pairs,
        deltas=delta_scores,
        n_boot=boot,
        seed=seed,
    )
    if json_out:
        _console.print_json(report.model_dump_json())
        return
    _print(report, run_ids)


def _est(e: Estimate | None) -> str:
    if e is None or e.value is None:
        return "-"
    return f"{e.value:+.3f}" + ("" if e.lo is None else f" [{e.lo:+.2f}, {e.hi:+.2f}]")


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1%}"


def _print(report: AnalysisReport, run_ids: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    # tables 150 columns wide unless a terminal says otherwise, so the CIs do not wrap in files and pipes
    console = _console if _console.is_terminal else Console(width=150)
    console.print(
        f"outcome [bold]{report.outcome}[/] over {len(run_ids)} runs; bootstrap {report.n_boot} "
        f"resamples, seed {report.seed}; 95% CIs in brackets",
        soft_wrap=True,
    )
    table = Table("score", "level", "n", "Spearman", "Kendall", "Pearson", "AUROC (outcome > 0)")
    for row in report.correlations:
        table.add_row(
            row.score, row.level, str(row.n), _est(row.spearman), _est(row.kendall), _est(row.pearson), _est(row.auroc)
        )
    console.print(table)
    if report.comparisons:
        comp = Table("A - B (Spearman)", "level", "difference")
        for c in report.comparisons:
            comp.add_row(f"{c.a} - {c.b}", c.level, _est(c.difference))
        console.print(comp)
    if report.deltas:
        dt = Table("score", "turns", "n", "mean delta", "median [IQR]", "improving", "declining", "Wilcoxon p")
        for name, rows in report.deltas.items():
            for d in rows:
                iqr = "-" if d.median is None else f"{d.median:+.3g} [{d.q1:+.3g}, {d.q3:+.3g}]"
                dt.add_row(
                    name,
                    f"{d.from_turn}->{d.to_turn}",
                    str(d.n),
                    "-" if d.mean is None else f"{d.mean:+.3f}",
                    iqr,
                    _pct(d.share_improving),
                    _pct(d.share_declining),
                    "-" if d.wilcoxon_p is None else f"{d.wilcoxon_p:.2g}",
                )
        console.print(dt)
    for note in report.notes:
        console.print(f"note: {note}", soft_wrap=True)
