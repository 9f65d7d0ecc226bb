"""The readable report of `twinbench score`: scores, sub-figures, and the aligned table."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from twinbench.report.text import literal, plain, wrap_name
from twinbench.trace.scoring import BestOfResult, ScoreResult

_KIND_STYLE = {"match": "", "substitution": "bold red", "mismatch": "bold red", "missing": "yellow",
               "inserted": "magenta"}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return f"{len(value)} listed"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items() if not isinstance(v, dict)) + "}"
    return str(value)


def _verdict(passed: bool) -> str:
    return "[bold green]PASS[/]" if passed else "[bold red]FAIL[/]"


def metrics_table(result: ScoreResult) -> Table:
    table = Table(title="Metrics", title_justify="left")
    for col in ("metric", "score", "pass", "weight", "details"):
        table.add_column(col, overflow="fold")
    for name, metric in result.metrics.items():
        details = dict(metric.details)
        if "channels" in details:  # continuous: one line per channel
            details = {ch: r["details"] | {"score": r["score"], "pass": r["passed"]}
                       for ch, r in details["channels"].items()}
        text = "\n".join(f"{k}={_fmt(v)}" for k, v in details.items())
        table.add_row(name, f"{metric.score:.3f}", _verdict(metric.passed),
                      f"{result.weights.get(name, 0.0):g}", literal(text))
    return table


_KIND_LABEL = {"substitution": "subst."}


def _channel(row: dict[str, Any]) -> str:
    """One channel cell: the name once when both sides agree, else `ref -> pred`, each wrapped at delimiters."""
    names = [ev["channel"] for ev in (row["gt"], row["pred"]) if ev is not None]
    if len(set(names)) == 1:
        return wrap_name(names[0])
    return wrap_name(names[0]) + "\n-> " + wrap_name(names[1])


def _side(ev: dict[str, Any] | None) -> tuple[str, str]:
    return ("", "") if ev is None else (_fmt(ev["value"]), f"{ev['t']:.3f}")


def alignment_table(result: ScoreResult, max_rows: int) -> tuple[Table, int]:
    """The aligned rows; past `max_rows`, only rows that differ are shown. Returns the table and hidden count."""
    rows = result.aligned_rows()
    shown = list(enumerate(rows))
    if len(shown) > max_rows:
        shown = [(i, r) for i, r in shown if r["kind"] != "match"][:max_rows]
    table = Table(title="Aligned events (reference | prediction)", title_justify="left", box=box.SIMPLE_HEAD)
    for col in ("#", "kind", "channel", "ref value", "ref t", "pred value", "pred t"):
        table.add_column(col, overflow="fold", min_width=22 if col == "channel" else None)
    for i, row in shown:
        style = _KIND_STYLE[row["kind"]]
        cells = (str(i), _KIND_LABEL.get(row["kind"], row["kind"]), _channel(row), *_side(row["gt"]),
                 *_side(row["pred"]))
        table.add_row(*(literal(c) for c in cells), style=style or None)
    return table, len(rows) - len(shown)


def render_score(outcome: BestOfResult, console: Console, max_rows: int = 60) -> None:
    best = outcome.chosen
    console.print(f"[bold]full score[/] {best.full_score:.4f}   {_verdict(best.passed)}   "
                  f"preset [cyan]{escape(best.preset)}[/]   reference {escape(plain(best.reference or '-'))}")
    if len(outcome.results) > 1:
        refs = Table(title="References", title_justify="left")
        for col in ("#", "reference", "full score", "pass", "best"):
            refs.add_column(col)
        for i, r in enumerate(outcome.results):
            refs.add_row(str(i), literal(r.reference or "-"), f"{r.full_score:.4f}", _verdict(r.passed),
                         "*" if i == outcome.best else "")
        console.print(refs)
    console.print(metrics_table(best))
    table, hidden = alignment_table(best, max_rows)
    console.print(table)
    if hidden:
        console.print(f"[dim]{hidden} more rows not shown (matching rows are hidden first; --rows to change)[/]")

