"""Continuous channels (e.g. a measured temperature) compared as profiles.

`timeseries`: both series are interpolated on the union of their sample times (values held before the
first and after the last sample); MAE is the time-weighted mean absolute difference, `final` the
difference of the last values, and the ramp rate (median |slope| while the value moves) must agree
within `rate_tol`. score = 0.6·exp(-MAE/mae_scale) + 0.2·exp(-final/final_scale) + 0.2·(1 - rate error).
`index`: EnvTrace's rule: values only, index by index, the shorter padded with its last value;
score = 0.7·exp(-MAE/mae_scale) + 0.3·exp(-final/final_scale).
`resampled`: both series interpolated on the union of their sample times up to the earlier end; the error is
the `quantile` of |difference| (robust to brief offsets, such as a bounce a step earlier), the tolerance
`abs_tol + rel_tol·(reference range)`; passes when error <= tolerance and the ends differ by at most
`end_tol` seconds; score = exp(-error / (4·tolerance)), 0 when the ends differ more. With `smooth` = w > 0 both
are compared as their means over the window [t - w/2, t + w/2] (cut at the ends); the range stays the raw
reference's (a noisier signal gets the wider tolerance).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from twinbench.trace.canonical import Series
from twinbench.trace.config import ContinuousChannel
from twinbench.trace.metrics.result import MetricResult


def ramp_rate(s: Series, floor: float) -> float:
    """Median |dv/dt| over the intervals where the value moves faster than `floor` (0 if it never does)."""
    if len(s.t) < 2:
        return 0.0
    dt = np.diff(s.t)
    ok = dt > 0
    rates = np.abs(np.diff(s.v)[ok] / dt[ok])
    moving = rates[rates >= floor]
    return float(np.median(moving)) if len(moving) else 0.0


def _index_rule(g: Series, p: Series, cfg: ContinuousChannel) -> tuple[float, float, dict]:
    n = max(len(g.v), len(p.v))
    gv = np.pad(g.v, (0, n - len(g.v)), mode="edge")
    pv = np.pad(p.v, (0, n - len(p.v)), mode="edge")
    mae = float(np.mean(np.abs(gv - pv)))
    final = float(abs(g.v[-1] - p.v[-1]))
    score = 0.7 * math.exp(-mae / cfg.mae_scale) + 0.3 * math.exp(-final / cfg.final_scale)
    return score, mae <= cfg.mae_thresh and final <= cfg.final_thresh, {"mae": mae, "final_diff": final}


def _timeseries_rule(g: Series, p: Series, cfg: ContinuousChannel) -> tuple[float, float, dict]:
    grid = np.union1d(g.t, p.t)
    diff = np.abs(np.interp(grid, g.t, g.v) - np.interp(grid, p.t, p.v))
    span = float(grid[-1] - grid[0])
    mae = float(np.trapezoid(diff, grid) / span) if span > 0 else float(diff.mean())
    final = float(abs(g.v[-1] - p.v[-1]))
    rg, rp = ramp_rate(g, cfg.rate_floor), ramp_rate(p, cfg.rate_floor)
    rate_error = 0.0 if rg == rp == 0.0 else min(1.0, abs(rp - rg) / max(rg, cfg.rate_floor))
    score = (0.6 * math.exp(-mae / cfg.mae_scale) + 0.2 * math.exp(-final / cfg.final_scale)
             + 0.2 * (1.0 - rate_error))
    passed = mae <= cfg.mae_thresh and final <= cfg.final_thresh and rate_error <= cfg.rate_tol
    return score, passed, {"mae": mae, "final_diff": final, "ramp_rate_gt": rg, "ramp_rate_pred": rp,
                           "ramp_rate_error": rate_error, "samples_gt": len(g.t), "samples_pred": len(p.t)}


def window_mean(grid: np.ndarray, values: np.ndarray, width: float) -> np.ndarray:
    """The mean of the piecewise-linear signal (grid, values) over [t - width/2, t + width/2] at each grid time,
    the window cut at the signal's ends."""
    integral = np.concatenate(([0.0], np.cumsum(np.diff(grid) * (values[1:] + values[:-1]) / 2)))
    low, high = np.maximum(grid - width / 2, grid[0]), np.minimum(grid + width / 2, grid[-1])
    span = high - low
    mean = (np.interp(high, grid, integral) - np.interp(low, grid, integral)) / np.where(span > 0, span, 1.0)
    return np.where(span > 0, mean, values)


def _resampled_rule(g: Series, p: Series, cfg: ContinuousChannel) -> tuple[float, float, dict]:
    end = min(float(g.t[-1]), float(p.t[-1]))
    grid = np.union1d(g.t[g.t <= end], p.t[p.t <= end])
    gv, pv = np.interp(grid, g.t, g.v), np.interp(grid, p.t, p.v)
    if cfg.smooth > 0:
        gv, pv = window_mean(grid, gv, cfg.smooth), window_mean(grid, pv, cfg.smooth)
    diff = np.abs(gv - pv)
    error = float(np.quantile(diff, cfg.quantile))
    scale = float(np.ptp(g.v))
    tolerance = cfg.abs_tol + cfg.rel_tol * scale
    end_diff = abs(float(g.t[-1]) - float(p.t[-1]))
    ends_ok = end_diff <= cfg.end_tol
    score = math.exp(-error / (4 * tolerance)) if tolerance > 0 else float(error == 0)
    return score if ends_ok else 0.0, error <= tolerance and ends_ok, {
        "error": error, "tolerance": tolerance, "max_error": float(diff.max()), "reference_range": scale,
        "end_diff": end_diff, "samples_gt": len(g.t), "samples_pred": len(p.t)}


RULES = {"index": _index_rule, "timeseries": _timeseries_rule, "resampled": _resampled_rule}


def channel_metric(g: Series | None, p: Series | None, cfg: ContinuousChannel) -> MetricResult:
    """One channel; both sides empty passes, exactly one empty fails."""
    g_empty = g is None or len(g.v) == 0
    p_empty = p is None or len(p.v) == 0
    if g_empty or p_empty:
        ok = g_empty and p_empty
        return MetricResult(score=float(ok), passed=ok, details={"missing_side": None if ok else
                                                                   ("reference" if g_empty else "prediction")})
    score, passed, details = RULES[cfg.method](g, p, cfg)
    return MetricResult(score=score, passed=passed, details=details)


def continuous_metric(gt: dict[str, Series], pred: dict[str, Series],
                      spec_of: Callable[[str], ContinuousChannel | None]) -> MetricResult | None:
    """Weighted mean over the continuous channels on either side (`spec_of` says how each is compared);
    None when there is none."""
    specs = {ch: spec for ch in dict.fromkeys([*gt, *pred]) if (spec := spec_of(ch)) is not None}
    if not specs:
        return None
    per = {ch: channel_metric(gt.get(ch), pred.get(ch), spec) for ch, spec in specs.items()}
    total = sum(spec.weight for spec in specs.values())
    score = (sum(specs[ch].weight * per[ch].score for ch in specs) / total if total
             else float(np.mean([r.score for r in per.values()])))
    failed = [ch for ch, r in per.items() if not r.passed]
    details: dict = {"channels": {ch: r.model_dump() for ch, r in per.items()}}
    if failed:
        details["failed"] = failed
    return MetricResult(score=score, passed=not failed, details=details)
