"""Discrete state match: the share of alignment rows whose two events agree."""

from __future__ import annotations

from twinbench.trace.align import Alignment
from twinbench.trace.metrics.result import MetricResult


def discrete_metric(alignment: Alignment, n_gt: int, n_pred: int, empty_reference_fails: bool) -> MetricResult:
    """match_rate = matches / rows; exact when every event of both traces is matched.

    With nothing on either side there is nothing to get wrong; EnvTrace instead scores an empty
    reference 0 (`empty_reference_fails`).
    """
    counts = alignment.counts()
    rows = len(alignment)
    matches = counts["match"]
    exact = matches == n_gt and matches == n_pred
    if n_gt == 0 and empty_reference_fails:
        rate, exact = 0.0, False
    else:
        rate = matches / rows if rows else 1.0
    return MetricResult(
        score=rate,
        passed=exact,
        details={"match_rate": rate, "exact": exact, "rows": rows, "matches": matches,
                 "substitutions": counts["substitution"], "missing": counts["missing"],
                 "inserted": counts["inserted"], "mismatched_channels": counts["mismatch"],
                 "cost": alignment.cost},
    )
