"""Scoring a predicted trace against references: a pure function of the traces and the config."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, PrivateAttr

from twinbench.trace.align import KIND_NAMES, MATCH, Alignment, align
from twinbench.trace.canonical import CanonicalTrace, canonicalize, without_extra_channels
from twinbench.trace.config import ScoringConfig
from twinbench.trace.metrics.continuous import continuous_metric
from twinbench.trace.metrics.discrete import discrete_metric
from twinbench.trace.metrics.result import MetricResult
from twinbench.trace.metrics.structure import structure_metric
from twinbench.trace.metrics.timing import timing_metric
from twinbench.trace.model import Trace

WEIGHTS_DISCRETE = {"discrete": 0.8, "timing": 0.2}
WEIGHTS_CONTINUOUS = {"discrete": 0.6, "timing": 0.2, "continuous": 0.2}


class ScoreResult(BaseModel):
    """The score of one prediction against one reference; `aligned_rows()` gives the alignment."""

    full_score: float
    passed: bool
    preset: str
    reference: str | None = None
    weights: dict[str, float]
    metrics: dict[str, MetricResult]
    _aligned: tuple[Alignment, CanonicalTrace, CanonicalTrace] | None = PrivateAttr(default=None)

    def aligned_rows(self) -> list[dict[str, Any]]:
        """One dict per alignment row: kind, and each side's source index, channel, time and value."""
        if self._aligned is None:
            return []
        alignment, gt, pred = self._aligned

        def side(trace: CanonicalTrace, i: int) -> dict[str, Any] | None:
            if i < 0:
                return None
            return {"index": int(trace.origin[i]), "channel": trace.channel[i], "t": float(trace.t[i]),
                    "value": trace.value[i]}

        return [{"kind": KIND_NAMES[k], "gt": side(gt, g), "pred": side(pred, p)}
                for g, p, k in zip(alignment.gt.tolist(), alignment.pred.tolist(), alignment.kind.tolist(),
                                   strict=True)]


class BestOfResult(BaseModel):
    """Scores against every reference; the best one (highest full score, then pass) is `best`."""

    best: int
    results: list[ScoreResult]

    @property
    def chosen(self) -> ScoreResult:
        return self.results[self.best]


def score_canonical(gt: CanonicalTrace, pred: CanonicalTrace, config: ScoringConfig) -> ScoreResult:
    """Score two traces already in canonical form (see `score_traces`)."""
    if config.reference_channels_only:
        pred = without_extra_channels(pred, gt, config.reference_channels_only)
    alignment = align(gt, pred, config)
    matched = alignment.kind == MATCH
    metrics: dict[str, MetricResult] = {
        "discrete": discrete_metric(alignment, len(gt), len(pred), config.discrete.empty_reference_fails),
        "timing": timing_metric(gt.t[alignment.gt[matched]], pred.t[alignment.pred[matched]], config.timing,
                                nothing_expected=len(gt) == 0 and len(pred) == 0),
    }
    continuous = continuous_metric(gt.series, pred.series, config.continuous_for)
    if continuous is not None:
        metrics["continuous"] = continuous
    if config.include_structure:
        metrics["structure"] = structure_metric(alignment, gt, pred)

    weights = config.aggregation.weights or (WEIGHTS_CONTINUOUS if continuous is not None else WEIGHTS_DISCRETE)
    full = sum(w * metrics[name].score for name, w in weights.items() if name in metrics)
    decision = config.decision
    passed = (
        (len(gt) > 0 or not config.discrete.empty_reference_fails)
        and (not decision.require_discrete_exact or metrics["discrete"].passed)
        and (decision.timing_metric_name not in metrics or metrics[decision.timing_metric_name].passed)
        and all(metrics[name].passed for name in decision.required_metrics if name in metrics)
    )
    result = ScoreResult(full_score=float(min(1.0, max(0.0, full))), passed=passed, preset=config.preset,
                         reference=gt.source, weights=dict(weights), metrics=metrics)
    result._aligned = (alignment, gt, pred)
    return result


def score_traces(gt: Trace, pred: Trace, config: ScoringConfig | None = None) -> ScoreResult:
    """Canonicalise both traces, align them and compute every metric, the full score and the pass."""
    config = config or ScoringConfig.build()
    return score_canonical(canonicalize(gt, config), canonicalize(pred, config), config)


def score_best_of(references: Sequence[Trace], pred: Trace, config: ScoringConfig | None = None) -> BestOfResult:
    """Score against each reference with the same config (every option honoured) and keep the best."""
    if not references:
        raise ValueError("at least one reference trace is needed")
    config = config or ScoringConfig.build()
    canonical_pred = canonicalize(pred, config)
    results = [score_canonical(canonicalize(ref, config), canonical_pred, config) for ref in references]
    best = max(range(len(results)), key=lambda i: (results[i].full_score, results[i].passed, -i))
    return BestOfResult(best=best, results=results)
