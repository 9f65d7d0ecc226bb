"""Correlations with bootstrap CIs, AUROC, paired differences of correlations, turn deltas (scores and passes),
Krippendorff's alpha."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel

Method = Literal["spearman", "kendall", "pearson"]
METHODS: tuple[Method, ...] = ("spearman", "kendall", "pearson")


class Estimate(BaseModel):
    """A statistic with its percentile-bootstrap 95% CI (None when undefined, e.g. a constant input)."""

    value: float | None
    lo: float | None = None
    hi: float | None = None
    n: int


def _finite(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


def _rank_rows(a: np.ndarray) -> np.ndarray:
    from scipy import stats  # scipy is loaded by the tests that need it, not by every page and leaderboard

    return stats.rankdata(a, axis=-1)


def _pearson_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row-wise Pearson r of 2-D arrays; NaN for a constant row."""
    xc = x - x.mean(axis=-1, keepdims=True)
    yc = y - y.mean(axis=-1, keepdims=True)
    den = np.sqrt((xc**2).sum(axis=-1) * (yc**2).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (xc * yc).sum(axis=-1) / den
    r[den <= 1e-12 * np.maximum(1.0, np.abs(xc).max(axis=-1) * np.abs(yc).max(axis=-1))] = np.nan
    return np.clip(r, -1.0, 1.0)


def _kendall_rows(x: np.ndarray, y: np.ndarray, chunk: int = 128) -> np.ndarray:
    """Row-wise Kendall tau-b (as scipy.stats.kendalltau) of 2-D arrays, in chunks of rows."""
    out = np.empty(len(x))
    iu = np.triu_indices(x.shape[1], k=1)
    for start in range(0, len(x), chunk):
        xs, ys = x[start : start + chunk], y[start : start + chunk]
        dx = np.sign(xs[:, :, None] - xs[:, None, :])[:, iu[0], iu[1]]
        dy = np.sign(ys[:, :, None] - ys[:, None, :])[:, iu[0], iu[1]]
        num = (dx * dy).sum(axis=1)
        den = np.sqrt((dx != 0).sum(axis=1) * (dy != 0).sum(axis=1).astype(float))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + chunk] = np.where(den > 0, num / den, np.nan)
    return out


def correlation_rows(x: np.ndarray, y: np.ndarray, method: Method) -> np.ndarray:
    """Row-wise correlation of 2-D arrays (one resample per row); NaN where a row is constant."""
    if method == "spearman":
        return _pearson_rows(_rank_rows(x), _rank_rows(y))
    if method == "kendall":
        return _kendall_rows(x, y)
    return _pearson_rows(x, y)


def correlation(x: np.ndarray, y: np.ndarray, method: Method) -> float:
    """Spearman, Kendall (tau-b) or Pearson; NaN when either side is constant or has fewer than 2 values."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 2:
        return math.nan
    return float(correlation_rows(x[None, :], y[None, :], method)[0])


def auroc_rows(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Row-wise AUROC (Mann-Whitney U / n1 n0, ties one half); NaN for a row without both classes."""
    labels = labels.astype(bool)
    ranks = _rank_rows(scores)
    n_pos = labels.sum(axis=-1)
    n_neg = labels.shape[-1] - n_pos
    u = (ranks * labels).sum(axis=-1) - n_pos * (n_pos + 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n_pos > 0) & (n_neg > 0), u / (n_pos * n_neg), np.nan)


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    """P(score of a positive > score of a negative), ties counting one half; NaN without both classes."""
    return float(auroc_rows(np.asarray(scores, float)[None, :], np.asarray(labels, bool)[None, :])[0])


def bootstrap_indices(n: int, n_boot: int, seed: int) -> np.ndarray:
    """`n_boot` resamples (rows) of `n` units with replacement; fixed by `seed`."""
    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def estimate(statistic: Callable[[np.ndarray], np.ndarray], n: int, n_boot: int = 2000, seed: int = 0) -> Estimate:
    """`statistic(index_rows)` -> one value per row: on all units, and 2.5/97.5 percentiles over resamples."""
    value = _finite(float(statistic(np.arange(n)[None, :])[0])) if n else None
    if value is None or n_boot <= 0:
        return Estimate(value=value, n=n)
    draws = statistic(bootstrap_indices(n, n_boot, seed))
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return Estimate(value=value, n=n)
    lo, hi = np.percentile(draws, [2.5, 97.5])
    return Estimate(value=value, lo=float(lo), hi=float(hi), n=n)


def correlation_ci(
    x: Sequence[float], y: Sequence[float], method: Method, n_boot: int = 2000, seed: int = 0
) -> Estimate:
    """Correlation of x with y and its bootstrap 95% CI over resampled (x, y) pairs."""
    xa, ya = np.asarray(x, float), np.asarray(y, float)
    return estimate(lambda i: correlation_rows(xa[i], ya[i], method), len(xa), n_boot, seed)


def auroc_ci(scores: Sequence[float], labels: Sequence[bool], n_boot: int = 2000, seed: int = 0) -> Estimate:
    sa, la = np.asarray(scores, float), np.asarray(labels, bool)
    return estimate(lambda i: auroc_rows(sa[i], la[i]), len(sa), n_boot, seed)


def paired_difference_ci(
    x1: Sequence[float],
    x2: Sequence[float],
    y: Sequence[float],
    method: Method,
    n_boot: int = 2000,
    seed: int = 0,
) -> Estimate:
    """corr(x1, y) - corr(x2, y) on the same units, with a CI from resampling those units jointly."""
    a, b, ya = (np.asarray(v, float) for v in (x1, x2, y))
    return estimate(
        lambda i: correlation_rows(a[i], ya[i], method) - correlation_rows(b[i], ya[i], method), len(ya), n_boot, seed
    )


class TurnDelta(BaseModel):
    """Change of a score from one turn to the next over paired instances."""

    from_turn: int
    to_turn: int
    n: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    share_improving: float | None
    share_declining: float | None
    wilcoxon_p: float | None


def turn_delta(before: Sequence[float], after: Sequence[float], from_turn: int, to_turn: int) -> TurnDelta:
    """Mean/median/IQR of after - before, shares up and down, and the Wilcoxon signed-rank p (zeros dropped)."""
    d = np.asarray(after, float) - np.asarray(before, float)
    if not len(d):
        return TurnDelta(
            from_turn=from_turn,
            to_turn=to_turn,
            n=0,
            mean=None,
            median=None,
            q1=None,
            q3=None,
            share_improving=None,
            share_declining=None,
            wilcoxon_p=None,
        )
    from scipy import stats

    p = float(stats.wilcoxon(d).pvalue) if np.any(d != 0) else None
    q1, med, q3 = np.percentile(d, [25, 50, 75])
    return TurnDelta(
        from_turn=from_turn,
        to_turn=to_turn,
        n=len(d),
        mean=float(d.mean()),
        median=float(med),
        q1=float(q1),
        q3=float(q3),
        share_improving=float(np.mean(d > 0)),
        share_declining=float(np.mean(d < 0)),
        wilcoxon_p=p,
    )


class PassChange(BaseModel):
    """Change of the pass rate from one turn to the next over paired instances (same chain, same sample)."""

    from_turn: int
    to_turn: int
    n: int
    gained: int
    lost: int
    change: float | None
    mcnemar_p: float | None


def pass_change(before: Sequence[bool], after: Sequence[bool], from_turn: int, to_turn: int) -> PassChange:
    """after - before as a share of the pairs, and the exact McNemar p: a two-sided binomial test of the pairs that
    gained a pass against those that lost one (1 when none changed; None without pairs)."""
    b, a = np.asarray(before, bool), np.asarray(after, bool)
    gained, lost = int(np.sum(a & ~b)), int(np.sum(b & ~a))
    from scipy import stats

    p = None if not len(a) else 1.0 if gained + lost == 0 else float(stats.binomtest(gained, gained + lost).pvalue)
    return PassChange(from_turn=from_turn, to_turn=to_turn, n=len(a), gained=gained, lost=lost,
                      change=(gained - lost) / len(a) if len(a) else None, mcnemar_p=p)


def krippendorff_alpha(ratings: np.ndarray, level: Literal["nominal", "ordinal", "interval"] = "ordinal") -> float:
    """Krippendorff's alpha (the `krippendorff` package); `ratings` is raters x units, NaN for missing."""
    import krippendorff

    ratings = np.asarray(ratings, float)
    if np.sum(np.isfinite(ratings).sum(axis=0) >= 2) < 2 or len(np.unique(ratings[np.isfinite(ratings)])) < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=ratings, level_of_measurement=level))


def bin_grades(grades: Sequence[float], width: float = 20.0, top: float = 100.0) -> np.ndarray:
    """0..100 grades into bins 0..top/width-1 (100 joins the last bin); NaN stays NaN."""
    g = np.asarray(grades, float)
    n_bins = int(math.ceil(top / width))
    return np.where(np.isfinite(g), np.minimum(np.floor(g / width), n_bins - 1), np.nan)
