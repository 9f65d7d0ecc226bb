"""`twinbench score`'s report: readable at 80 columns, names kept whole or wrapped at their delimiters, every
string from a trace printed literally."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from twinbench.report.score_report import render_score
from twinbench.trace.io import read_trace
from twinbench.trace.model import Event, Trace
from twinbench.trace.scoring import score_best_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def report(references: list[Trace], pred: Trace) -> str:
    out = io.StringIO()
    render_score(score_best_of(references, pred), Console(file=out, width=80))
    return out.getvalue()


def test_aligned_table_fits_80_columns_with_names_wrapped_whole():
    text = report([read_trace(EXAMPLES / "gt.json")], read_trace(EXAMPLES / "pred.json"))
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    aligned = lines[next(i for i, line in enumerate(lines) if line.startswith("Aligned events")):]
    for piece in ("XF:11BMB-ES{Det:PIL2M}", ":cam1:AcquirePeriod", "XF:11BMB-ES{Chm:", "Smpl-Ax:X}Mtr"):
        assert any(piece in line for line in aligned), piece


def test_markup_and_escapes_in_a_trace_are_printed_literally():
    odd = "[bold]pv[/] \x1b[2J"
    trace = Trace([Event(odd, 0.0, "[/]"), Event(odd, 1.0, 2.0)], "t")
    text = report([trace], trace)
    assert "\x1b" not in text
    assert "[bold]pv[/] \\x1b[2J" in text.replace("\n", "") and "[/]" in text
