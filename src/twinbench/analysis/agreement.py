"""The judge held against execution: per judge score and judge model, answer-level AUROC and accuracy of the
judge's pass decision against the outcome, model-level Spearman/Kendall, calibration bins and the answers whose
pass decision is wrong by the widest margin; each figure per split (a calibration set's dev/held-out, else `all`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
from pydantic import BaseModel

from twinbench.analysis.stats import Estimate, auroc_ci, correlation_ci, estimate
from twinbench.store import Store

Unit = tuple[str, str, int]  # (model, task, sample): turns averaged
STORED = "(stored)"


class Bin(BaseModel):
    lo: float
    hi: float
    n: int
    mean_grade: float | None
    pass_rate: float | None


class Disagreement(BaseModel):
    model: str
    task: str
    sample: int
    grade: float
    outcome: float


class AgreementRow(BaseModel):
    """One (score, judge model, split)."""

    score: str
    judge: str
    split: str
    answers: int
    positives: int
    auroc: Estimate
    accuracy: Estimate
    models: int
    spearman: Estimate | None
    kendall: Estimate | None
    bins: list[Bin]
    worst: list[Disagreement]


class Coverage(BaseModel):
    """How many answers a judge was asked about and how many of its answers gave a grade."""

    score: str
    judge: str
    judged: int
    graded: int


class AgreementReport(BaseModel):
    outcome: str
    threshold: float
    turns: list[int] | None
    n_boot: int
    seed: int
    rows: list[AgreementRow]
    coverage: list[Coverage]


def _mean_by_unit(values: Iterable[tuple[str, str, int, int, float | None]], turns: set[int] | None
                  ) -> dict[Unit, float]:
    """Mean per (model, task, sample) over the wanted turns; a missing grade (None) is left out."""
    groups: dict[Unit, list[float]] = defaultdict(list)
    for model, task, turn, sample, v in values:
        if v is not None and (turns is None or turn in turns):
            groups[(model, task, sample)].append(v)
    return {u: float(np.mean(v)) for u, v in groups.items()}


Graded = list[tuple[str, str, int, int, float | None]]


def judge_grades(store: Store, run_ids: list[str]) -> dict[tuple[str, str], Graded]:
    """(score, judge model) -> (model, task, turn, sample, grade or None) over the runs: each judge's own grade from
    the judge runs made of them (None where its answer gave none), and a judge score with no judge run (e.g. grades
    imported from a release) as judge `(stored)`."""
    out: dict[tuple[str, str], list] = defaultdict(list)
    judged: set[tuple[str, str]] = set()
    for summary in store.runs():
        config = summary.config
        if config.get("kind") != "judge" or config.get("source_run") not in run_ids:
            continue
        scorer = config["scorer"]
        judged.add((config["source_run"], scorer))
        for row in store.result_rows(summary.run_id):
            if row["status"] != "pending":
                model, _, task = row["task"].partition(" | ")
                grade = row.get(f"score.{scorer}")
                out[(scorer, row["model"])].append((model, task, row["turn"], row["sample"],
                                                    None if grade is None else float(grade)))
    for run_id in run_ids:
        for row in store.result_rows(run_id):
            for key, v in row.items():
                scorer = key.removeprefix("score.")
                if key.startswith("score.judge.") and v is not None and (run_id, scorer) not in judged:
                    out[(scorer, STORED)].append((row["model"], row["task"], row["turn"], row["sample"], float(v)))
    return out


def outcomes(store: Store, run_ids: list[str], outcome: str) -> list[tuple[str, str, int, int, float]]:
    return [(r["model"], r["task"], r["turn"], r["sample"], float(r[f"score.{outcome}"]))
            for run_id in run_ids for r in store.result_rows(run_id) if r.get(f"score.{outcome}") is not None]


def splits(store: Store, run_ids: list[str]) -> dict[str, str]:
    """task -> split, from the runs' configs (a calibration set's); tasks without one are `all`."""
    out: dict[str, str] = {}
    for run_id in run_ids:
        out.update(store.run(run_id).config.get("splits") or {})
    return out


def _bins(g: np.ndarray, y: np.ndarray, width: float = 20.0) -> list[Bin]:
    out = []
    for lo in np.arange(0.0, 100.0, width):
        inside = (g >= lo) & ((g < lo + width) | ((lo + width >= 100) & (g <= 100)))
        n = int(inside.sum())
        out.append(Bin(lo=float(lo), hi=float(lo + width), n=n, mean_grade=float(g[inside].mean()) if n else None,
                       pass_rate=float((y[inside] > 0).mean()) if n else None))
    return out


def _row(score: str, judge: str, split: str, units: list[Unit], g: np.ndarray, y: np.ndarray, threshold: float,
         n_boot: int, seed: int, worst: int) -> AgreementRow:
    label = y > 0
    decision = g >= threshold
    per_model: dict[str, list[int]] = defaultdict(list)
    for i, u in enumerate(units):
        per_model[u[0]].append(i)
    models = sorted(per_model)
    spearman = kendall = None
    if len(models) >= 3:
        mg = [float(g[per_model[m]].mean()) for m in models]
        my = [float(y[per_model[m]].mean()) for m in models]
        spearman = correlation_ci(mg, my, "spearman", n_boot, seed)
        kendall = correlation_ci(mg, my, "kendall", n_boot, seed)
    wrong = np.flatnonzero(decision != label)
    order = wrong[np.argsort(-np.abs(g[wrong] / 100.0 - np.minimum(y[wrong], 1.0)), kind="stable")][:worst]
    return AgreementRow(
        score=score, judge=judge, split=split, answers=len(units), positives=int(label.sum()),
        auroc=auroc_ci(g, label, n_boot, seed),
        accuracy=estimate(lambda i: (decision[i] == label[i]).mean(axis=-1), len(units), n_boot, seed),
        models=len(models), spearman=spearman, kendall=kendall, bins=_bins(g, y),
        worst=[Disagreement(model=units[i][0], task=units[i][1], sample=units[i][2], grade=float(g[i]),
                            outcome=float(y[i])) for i in order],
    )


def judge_agreement(
    grades: Mapping[tuple[str, str], Graded],
    outcome_values: list[tuple[str, str, int, int, float]],
    task_splits: Mapping[str, str],
    outcome: str = "pass",
    threshold: float = 50.0,
    turns: list[int] | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    worst: int = 5,
) -> AgreementReport:
    """Each judge's grades (mean over `turns` per answer) against the outcome, per split and over all answers."""
    wanted = set(turns) if turns else None
    truth = _mean_by_unit(outcome_values, wanted)
    rows, coverage = [], []
    for (score, judge), values in sorted(grades.items()):
        graded = _mean_by_unit(values, wanted)
        judged = {(m, t, n) for m, t, turn, n, _ in values if wanted is None or turn in wanted}
        coverage.append(Coverage(score=score, judge=judge, judged=len(judged), graded=len(graded)))
        units = sorted(u for u in graded if u in truth)
        names = sorted({task_splits.get(u[1], "all") for u in units})
        for split in names:
            chosen = [u for u in units if task_splits.get(u[1], "all") == split]
            g = np.array([graded[u] for u in chosen], float)
            y = np.array([truth[u] for u in chosen], float)
            rows.append(_row(score, judge, split, chosen, g, y, threshold, n_boot, seed, worst))
    return AgreementReport(outcome=outcome, threshold=threshold, turns=turns, n_boot=n_boot, seed=seed, rows=rows,
                           coverage=coverage)
