"""How `twinbench check` shows a run: the pre-flight summary first, the raw events on request, all of it as JSON.

Everything a program controls (its output, its error, the values it sent) is printed literally. Tables keep to
the terminal's width (80 columns when piped); long tables, finding lists and outputs are cut with a note saying
which flag shows the rest.
"""

from __future__ import annotations

import fnmatch
import json
from typing import TYPE_CHECKING, Any

from rich import box
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from twinbench.cli.app import console
from twinbench.cli.checked import Checked, View
from twinbench.report.text import duration_text, literal
from twinbench.twins.preflight import Finding, number
from twinbench.twins.preflight import Table as ReportTable
from twinbench.twins.recorder import SAFETY_CHANNEL

if TYPE_CHECKING:
    from twinbench.sandbox import RunResult

FINDINGS_PER_RULE = 3
LIMIT_FLAGS = {"wall_seconds": "--wall-seconds", "budget": "--budget"}


def _cut(rows: list[list[str]], cap: int) -> tuple[list[list[str]], int]:
    """At most `cap` rows (0: all): the first three quarters and the last quarter, with a '…' row between."""
    if not cap or len(rows) <= cap:
        return rows, 0
    tail = max(cap // 4, 1)
    head = cap - tail
    return [*rows[:head], ["…"] * len(rows[0]), *rows[-tail:]], len(rows) - cap


def _table(spec: ReportTable, cap: int) -> Table:
    """A report table; the name column keeps names whole when they fit in 60 columns, the rest folds."""
    rows, hidden = _cut(spec.rows, cap)
    caption = f"{hidden} of {len(spec.rows)} rows not shown (--rows 0 shows all)" if hidden else None
    table = Table(title=spec.title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, caption=caption,
                  caption_justify="left")
    longest = max((len(r[spec.name_column]) for r in rows), default=0) if spec.name_column is not None else 0
    for i, column in enumerate(spec.columns):
        table.add_column(column, overflow="fold", min_width=min(longest, 60) if i == spec.name_column else None)
    for row in rows:
        table.add_row(*(literal(cell) for cell in row))
    return table


def _matches(patterns: tuple[str, ...], *names: str) -> bool:
    """A channel matches a pattern by glob (`*TEMP`), else by case-insensitive substring, on any of its names."""
    for pattern in patterns:
        p = pattern.lower()
        for name in (n.lower() for n in names):
            if (fnmatch.fnmatchcase(name, p) if any(c in p for c in "*?[") else p in name):
                return True
    return not patterns


def _value(value: Any, digits: int | None) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(", ", ": "))
    return number(value, digits)


def _events(checked: Checked, view: View) -> None:
    result, report = checked.result, checked.report
    lines = result.event_lines or [None] * len(result.trace)
    picked = [(e, line) for e, line in zip(result.trace, lines, strict=True)
              if _matches(view.channels, e.channel, report.labels.get(e.channel, ""))]
    shown = picked if not view.max_events else picked[:view.max_events]
    rows = [[number(e.t, 3), str(line or "-"), e.channel, _value(e.value, report.digits.get(e.channel))]
            for e, line in shown]
    title = f"Events ({len(picked)} of {len(result.trace)})" if view.channels else f"Events ({len(result.trace)})"
    console.print(_table(ReportTable(title, ["t (s)", "line", "channel", "value"], rows, name_column=2), 0))
    if len(shown) < len(picked):
        console.print(f"{len(picked) - len(shown)} more events not shown (--max-events N, 0 for all; or --json)")


def _source_line(source: str, line: int | None) -> Text | None:
    lines = source.splitlines()
    if line is None or not 0 < line <= len(lines):
        return None
    return Text.assemble(f"  {line:>4} | ", literal(lines[line - 1].strip()), style="dim", overflow="ellipsis",
                         no_wrap=True)


STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _finding(f: Finding, source: str) -> None:
    where = f" line {f.line}" if f.line else ""
    console.print(Text.assemble((f.severity, STYLES[f.severity]), where, f" [{f.rule}] ", literal(f.message)))
    if (code := _source_line(source, f.line)) is not None:
        console.print(code)
    if f.explain:
        console.print(Padding(literal(f.explain, "italic"), (0, 0, 0, 9)))


def _findings(checked: Checked) -> None:
    by_rule: dict[str, list[Finding]] = {}
    for f in checked.report.findings:
        by_rule.setdefault(f.rule, []).append(f)
    for rule, findings in by_rule.items():
        for f in findings[:FINDINGS_PER_RULE]:
            _finding(f, checked.source)
        if len(findings) > FINDINGS_PER_RULE:
            rest = [str(f.line) for f in findings[FINDINGS_PER_RULE:] if f.line]
            at = f" at lines {', '.join(rest[:10])}{', …' if len(rest) > 10 else ''}" if rest else ""
            console.print(f"… {len(findings) - FINDINGS_PER_RULE} more [{rule}]{at} (--json lists all)",
                          markup=False, highlight=False)


def _refusals(checked: Checked) -> None:
    result = checked.result
    lines = result.event_lines or [None] * len(result.trace)
    for e, line in zip(result.trace, lines, strict=True):
        if e.channel == SAFETY_CHANNEL:
            where = f" line {line}" if line else ""
            console.print(Text.assemble(("safety violation", "bold red"), f"{where} (t={number(e.t, 3)} s): ",
                                        literal(e.value)))
            if (code := _source_line(checked.source, line)) is not None:
                console.print(code)


def _output(result: RunResult, cap: int) -> None:
    lines = result.output.splitlines()
    shown = lines if not cap else lines[:cap]
    console.print(Text.assemble(f"Program output ({len(lines)} lines):\n", literal("\n".join(shown))))
    notes = []
    if len(shown) < len(lines):
        notes.append(f"{len(lines) - len(shown)} more lines not shown (--output-lines N, 0 for all)")
    if result.output_truncated:
        notes.append("the sandbox kept only the start of the output (--limit output_bytes=N keeps more)")
    for note in notes:
        console.print(note, markup=False, highlight=False)


def limit_hint(result: RunResult) -> str:
    """Which flag raises the limit that stopped the program, if one does."""
    if result.limit is None or result.limit == "size":
        return ""
    flag = LIMIT_FLAGS.get(result.limit, f"--limit {result.limit}=N")
    return f"; raise it with {flag}"


def show(checked: Checked, view: View) -> None:
    """The plan's check as text: duration, summary, refusals and findings, error, output, outcome."""
    from twinbench.sandbox import Outcome

    result, report = checked.result, checked.report
    console.print(f"Simulated duration: {duration_text(result.duration)} (wall {result.wall_seconds:.3f} s)",
                  highlight=False)
    for fact in report.facts:
        console.print(literal(fact))
    for spec in report.tables:
        console.print()
        console.print(_table(spec, view.rows))
    console.print()
    if view.events:
        _events(checked, view)
    for w in result.warnings:
        console.print(Text.assemble(("sandbox: ", "yellow"), literal(w)))
    _refusals(checked)
    _findings(checked)
    if result.error:
        where = f" (line {result.error.line})" if result.error.line else ""
        meant = f"; did you mean {' or '.join(checked.suggestions)}?" if checked.suggestions else ""
        console.print(Text.assemble(("error", "red"), f"{where}: ",
                                    literal(f"{result.error.type}: {result.error.message}{meant}")))
        if (code := _source_line(checked.source, result.error.line)) is not None:
            console.print(code)
    if result.output:
        _output(result, view.output_lines)
    counts = {"refused command": len(result.safety), **checked.counts()}
    tally = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counts.items() if n)
    colour = "green" if result.outcome is Outcome.OK else "red"
    shown = result.detail and (result.outcome is not Outcome.SAFETY or result.error is not None)
    detail = f" {result.detail}{limit_hint(result)}" if shown else ""
    console.print(Text.assemble("Outcome: ", (result.outcome.value, colour), literal(detail),
                                f" ({tally})" if tally else ""))
