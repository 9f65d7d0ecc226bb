"""`analyze()`: every score against one outcome, at the model and the instance level, plus turn deltas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from twinbench.analysis.stats import (
    METHODS,
    Estimate,
    Method,
    TurnDelta,
    auroc_ci,
    correlation_ci,
    paired_difference_ci,
    turn_delta,
)
from twinbench.analysis.table import ScoreTable, Unit

Level = Literal["model", "instance"]


class CorrelationRow(BaseModel):
    """One score against the outcome at one level."""

    score: str
    level: Level
    n: int
    spearman: Estimate
    kendall: Estimate
    pearson: Estimate
    auroc: Estimate | None = None


class Comparison(BaseModel):
    """corr(a, outcome) - corr(b, outcome) on the same units, with its CI."""

    a: str
    b: str
    level: Level
    method: Method
    difference: Estimate


class AnalysisReport(BaseModel):
    outcome: str
    turns: list[int] | None
    unit: str
    n_boot: int
    seed: int
    correlations: list[CorrelationRow] = Field(default_factory=list)
    comparisons: list[Comparison] = Field(default_factory=list)
    deltas: dict[str, list[TurnDelta]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


def _paired(table: ScoreTable, scores: Sequence[str], outcome: str, by: str, turns) -> tuple[list[Unit], dict]:
    """Units having every given score and the outcome; outcome averaged over all turns, scores over `turns`."""
    values = {s: table.means(s, by, turns) for s in scores}
    target = table.means(outcome, by if by == "model" else "task", None)
    units = sorted(set.intersection(*(set(v) for v in values.values())))
    if by == "model":
        units = [u for u in units if u in target]
        out = {s: [values[s][u] for u in units] for s in scores} | {outcome: [target[u] for u in units]}
    else:
        keyed = [(u, u[:2] + u[-1:]) for u in units]  # cell units look their outcome up by (model, task, sample)
        keyed = [(u, k) for u, k in keyed if k in target]
        units = [u for u, _ in keyed]
        out = {s: [values[s][u] for u in units] for s in scores} | {outcome: [target[k] for _, k in keyed]}
    return units, out


def _is_binary_count(y: Sequence[float]) -> bool:
    arr = np.asarray(y)
    return len(arr) > 0 and bool(np.all(arr >= 0) and np.all(arr == np.round(arr)))


def analyze(
    table: ScoreTable,
    outcome: str,
    scores: Sequence[str],
    *,
    levels: Sequence[Level] = ("model", "instance"),
    turns: Sequence[int] | None = None,
    unit: Literal["task", "cell"] = "task",
    compare: Sequence[tuple[str, str]] = (),
    deltas: Sequence[str] = (),
    n_boot: int = 2000,
    seed: int = 0,
) -> AnalysisReport:
    """Correlate each score with `outcome`.

    Model level: per-model means of the score (over `turns`, default all) and of the outcome. Instance level:
    per (model, task, sample) with `unit="task"` (scores averaged over `turns`), or per cell with `unit="cell"`.
    AUROC is given at the instance level when the outcome is a count or 0/1 (positive = outcome > 0).
    """
    report = AnalysisReport(outcome=outcome, turns=list(turns) if turns else None, unit=unit, n_boot=n_boot, seed=seed)
    for level in levels:
        by = "model" if level == "model" else unit
        for score in scores:
            units, data = _paired(table, [score], outcome, by, turns)
            x, y = data[score], data[outcome]
            ests = {m: correlation_ci(x, y, m, n_boot, seed) for m in METHODS}
            roc = None
            if level == "instance" and _is_binary_count(y):
                roc = auroc_ci(x, [v > 0 for v in y], n_boot, seed)
            report.correlations.append(CorrelationRow(score=score, level=level, n=len(units), auroc=roc, **ests))
            if len(units) < 3:
                report.notes.append(f"{score} at the {level} level: only {len(units)} units")
        for a, b in compare:
            units, data = _paired(table, [a, b], outcome, by, turns)
            diff = paired_difference_ci(data[a], data[b], data[outcome], "spearman", n_boot, seed)
            report.comparisons.append(Comparison(a=a, b=b, level=level, method="spearman", difference=diff))
    for score in deltas:
        report.deltas[score] = turn_deltas(table, score)
    return report


def turn_deltas(table: ScoreTable, score: str) -> list[TurnDelta]:
    """Consecutive-turn changes of `score` over (model, task, sample) chains having both turns."""
    chains = table.by_turn(score)
    turns = sorted({t for chain in chains.values() for t in chain})
    out = []
    for a, b in zip(turns, turns[1:], strict=False):
        pairs = [(c[a], c[b]) for c in chains.values() if a in c and b in c]
        out.append(turn_delta([p[0] for p in pairs], [p[1] for p in pairs], a, b))
    return out
