"""Timing: do matched events happen at the reference's pace?

On the timestamps of matched pairs, each side shifted to start at 0, fit pred = slope·gt + c and score
0.4·R² + 0.2·slope + 0.2·duration + 0.2·interval agreement (EnvTrace's weights and thresholds).
`published` divides interval errors by max(|gt interval|, 1e-10), so simultaneous reference events blow
the error up; `robust` divides by at least `floor` seconds and caps each interval error at 1, and treats
a reference whose matched events span less than `floor` as one instant.
"""

from __future__ import annotations

import numpy as np

from twinbench.trace.config import Timing
from twinbench.trace.metrics.result import MetricResult


def _fit(g: np.ndarray, p: np.ndarray, cfg: Timing) -> tuple[float, float]:
    """R² and slope; a degenerate reference (one instant) is judged by whether the prediction is too."""
    spread = cfg.floor if cfg.method == "robust" else 0.0
    if np.ptp(g) <= spread:
        same = bool(np.ptp(p) <= spread)
        return (1.0, 1.0) if same else (0.0, 0.0)
    if np.ptp(p) == 0:  # everything at one instant while the reference took time
        return 0.0, 0.0
    dg, dp = g - g.mean(), p - p.mean()
    sxy, sxx, syy = float(dg @ dp), float(dg @ dg), float(dp @ dp)
    if sxx == 0.0 or syy == 0.0:  # spreads so small (~1e-160 s) that their squares underflow: one instant
        return (1.0, 1.0) if sxx == syy else (0.0, 0.0)
    return min(1.0, sxy * sxy / (sxx * syy)), sxy / sxx  # least squares, as scipy's linregress


def timing_metric(t_gt: np.ndarray, t_pred: np.ndarray, cfg: Timing, nothing_expected: bool = False) -> MetricResult:
    n = len(t_gt)
    if n == 0:
        ok = nothing_expected and cfg.method == "robust"
        return MetricResult(score=float(ok), passed=ok, details={"pairs": 0})
    if n == 1:
        return MetricResult(score=1.0, passed=True, details={"pairs": 1})
    g = t_gt - t_gt[0]
    p = t_pred - t_pred[0]
    r2, slope = _fit(g, p, cfg)
    slope_score = 1.0 - min(abs(slope - 1.0), 1.0)

    g_last, p_last = float(g[-1]), float(p[-1])
    if cfg.method == "published":
        if g_last == 0:
            duration_error, duration_score, duration_ok = float("inf"), 0.0, True
        else:
            duration_error = abs(p_last - g_last) / g_last
            duration_score = max(0.0, 1.0 - duration_error / cfg.dur_tol)
            duration_ok = duration_error <= cfg.dur_tol
        dg, dp = np.diff(g), np.diff(p)
        mape = float(np.mean(np.abs(dg - dp) / np.maximum(np.abs(dg), 1e-10)))
    else:
        duration_error = abs(p_last - g_last) / max(abs(g_last), cfg.floor)
        duration_score = max(0.0, 1.0 - duration_error / cfg.dur_tol)
        duration_ok = duration_error <= cfg.dur_tol
        dg, dp = np.diff(g), np.diff(p)
        mape = float(np.mean(np.minimum(1.0, np.abs(dg - dp) / np.maximum(np.abs(dg), cfg.floor))))
    mape_score = max(0.0, 1.0 - mape / cfg.mape_tol)

    score = 0.4 * r2 + 0.2 * slope_score + 0.2 * duration_score + 0.2 * mape_score
    checks = {
        "r2_ok": r2 >= cfg.r2_thresh,
        "slope_ok": cfg.slope_lo <= slope <= cfg.slope_hi,
        "duration_ok": duration_ok,
        "intervals_ok": mape <= cfg.mape_tol,
    }
    return MetricResult(
        score=float(score),
        passed=all(checks.values()),
        details={"pairs": n, "r2": r2, "slope": slope, "duration_error": duration_error,
                 "duration_ratio": p_last / (g_last or 1.0), "interval_error": mape,
                 "slope_score": slope_score, "duration_score": duration_score, "interval_score": mape_score,
                 **checks},
    )
