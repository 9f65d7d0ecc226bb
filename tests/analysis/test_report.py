"""analyze() on a small hand-built table: units, turn filters, AUROC only for counts, deltas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from twinbench.analysis import ScoreTable, analyze
from twinbench.analysis.report import turn_deltas
from twinbench.analysis.table import ScoreRow

# 4 models x 2 tasks x 2 turns; `pass` is per (model, task) like SimBench's counts
PASS = {
    ("a", "x"): 0,
    ("a", "y"): 1,
    ("b", "x"): 2,
    ("b", "y"): 1,
    ("c", "x"): 0,
    ("c", "y"): 0,
    ("d", "x"): 2,
    ("d", "y"): 2,
}
JUDGE = {
    ("a", "x"): (10, 40),
    ("a", "y"): (20, 50),
    ("b", "x"): (30, 90),
    ("b", "y"): (15, 60),
    ("c", "x"): (5, 10),
    ("c", "y"): (40, 20),
    ("d", "x"): (25, 95),
    ("d", "y"): (35, 70),
}


def table() -> ScoreTable:
    rows = []
    for (model, task), grades in JUDGE.items():
        for turn, grade in zip((1, 2), grades, strict=True):
            rows.append(
                ScoreRow(
                    model,
                    task,
                    turn,
                    0,
                    {"judge": grade, "pass": PASS[(model, task)], "len": float(turn * 3 + len(model))},
                )
            )
    return ScoreTable(rows)


def test_model_level_uses_per_model_means():
    report = analyze(table(), "pass", ["judge"], levels=["model"], n_boot=200)
    [row] = report.correlations
    models = sorted({m for m, _ in JUDGE})
    x = [np.mean([g for (m, _), gs in JUDGE.items() if m == model for g in gs]) for model in models]
    y = [np.mean([p for (m, _), p in PASS.items() if m == model]) for model in models]
    assert row.n == 4 and row.auroc is None
    assert row.spearman.value == pytest.approx(stats.spearmanr(x, y).statistic)
    assert row.pearson.value == pytest.approx(stats.pearsonr(x, y).statistic)


def test_instance_level_with_a_turn_filter_and_auroc_for_counts():
    report = analyze(table(), "pass", ["judge"], levels=["instance"], turns=[2], n_boot=200)
    [row] = report.correlations
    keys = sorted(JUDGE)
    x = [JUDGE[k][1] for k in keys]
    y = [PASS[k] for k in keys]
    assert row.n == 8
    assert row.kendall.value == pytest.approx(stats.kendalltau(x, y).statistic)
    pos = [a for a, b in zip(x, y, strict=True) if b > 0]
    neg = [a for a, b in zip(x, y, strict=True) if b == 0]
    assert row.auroc.value == pytest.approx(np.mean([p > n for p in pos for n in neg]))


def test_cell_unit_and_comparisons():
    report = analyze(
        table(), "pass", ["judge", "len"], levels=["instance"], unit="cell", compare=[("judge", "len")], n_boot=200
    )
    assert [r.n for r in report.correlations] == [16, 16]
    [comp] = report.comparisons
    rho = {r.score: r.spearman.value for r in report.correlations}
    assert comp.difference.value == pytest.approx(rho["judge"] - rho["len"])


def test_turn_deltas_pair_turns_within_each_chain():
    [delta] = turn_deltas(table(), "judge")
    diffs = [b - a for a, b in JUDGE.values()]
    assert (delta.from_turn, delta.to_turn, delta.n) == (1, 2, 8)
    assert delta.mean == pytest.approx(np.mean(diffs))
    assert delta.share_improving == pytest.approx(np.mean(np.array(diffs) > 0))
    report = analyze(table(), "pass", ["judge"], levels=["model"], deltas=["judge"], n_boot=0)
    assert report.deltas["judge"][0] == delta
