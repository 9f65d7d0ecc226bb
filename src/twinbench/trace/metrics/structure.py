"""Structure: which operations the prediction inserted and which it left out."""

from __future__ import annotations

from twinbench.trace.align import DEL, INS, Alignment
from twinbench.trace.canonical import CanonicalTrace
from twinbench.trace.metrics.result import MetricResult


def _listed(trace: CanonicalTrace, positions: list[int]) -> list[dict]:
    return [{"index": int(trace.origin[i]), "channel": trace.channel[i], "value": trace.value[i],
             "t": float(trace.t[i])} for i in positions]


def structure_metric(alignment: Alignment, gt: CanonicalTrace, pred: CanonicalTrace) -> MetricResult:
    """score = 1 - gap rate; passes when nothing is missing or inserted."""
    missing = alignment.gt[alignment.kind == DEL].tolist()
    inserted = alignment.pred[alignment.kind == INS].tolist()
    rows = len(alignment)
    gap_rate = (len(missing) + len(inserted)) / rows if rows else 0.0
    return MetricResult(
        score=1.0 - min(1.0, gap_rate),
        passed=not missing and not inserted,
        details={"gap_rate": gap_rate, "missing": _listed(gt, missing), "inserted": _listed(pred, inserted)},
    )
