"""Scoring a predicted trace against references: a pure function of the traces and the config."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
from pydantic import BaseModel, Field, PrivateAttr

from twinbench.trace.align import DEL, INS, KIND_NAMES, MATCH, MISMATCH, SUB, Alignment, align
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
    reasons: list[str] = Field(default_factory=list, description="why the pass failed, one line per cause")
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

    def aligned_rows_json(self) -> str:
        """Exactly `json.dumps(self.aligned_rows(), default=str)`, written a column at a time."""
        if self._aligned is None:
            return "[]"
        alignment, gt, pred = self._aligned
        gt_side, pred_side = _sides_json(gt), _sides_json(pred)
        gt_side.append("null")  # index -1: no event on that side
        pred_side.append("null")
        heads = [f'{{"kind": "{name}", "gt": ' for name in KIND_NAMES]
        kinds, gts, preds = alignment.kind.tolist(), alignment.gt.tolist(), alignment.pred.tolist()
        rows = [f'{heads[k]}{gt_side[g]}, "pred": {pred_side[p]}}}' for k, g, p in zip(kinds, gts, preds, strict=True)]
        return "[" + ", ".join(rows) + "]"


def _value_json(value: Any) -> str:
    kind = type(value)
    if kind is float:  # what json.dumps writes for a finite float, an int and a str
        return float.__repr__(value) if math.isfinite(value) else json.dumps(value)
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value, default=str)


def number_texts(values: list[Any]) -> list[str] | None:
    """What `json.dumps` writes for each value when every one is a finite float or an int of at most 64 bits,
    else None. orjson writes the same shortest digits, in the same form, but for floats nearer 0 than 1e-4
    (another exponent form): those are written by `repr`."""
    if not set(map(type, values)) <= {float, int}:
        return None
    try:
        texts = orjson.dumps(values).decode()[1:-1].split(",") if values else []
    except orjson.JSONEncodeError:  # an integer beyond 64 bits
        return None
    if "null" in texts:  # orjson's text for NaN and the infinities
        return None
    return [repr(v) if -1e-4 < v < 1e-4 and v else text for v, text in zip(values, texts, strict=True)]


def _sides_json(trace: CanonicalTrace) -> list[str]:
    """The JSON object of each event of a canonical trace as an alignment row shows it."""
    names = {name: json.dumps(name) for name in set(trace.channel)}
    values = number_texts(trace.value)
    if values is None:
        values = list(map(_value_json, trace.value))
    return [f'{{"index": {i}, "channel": {names[c]}, "t": {t}, "value": {v}}}'
            for i, c, t, v in zip(trace.origin.tolist(), trace.channel, number_texts(trace.t.tolist()), values,
                                  strict=True)]


class BestOfResult(BaseModel):
    """Scores against every reference; the best one (highest full score, then pass) is `best`."""

    best: int
    results: list[ScoreResult]

    @property
    def chosen(self) -> ScoreResult:
        return self.results[self.best]

    def json_text(self) -> str:
        """What `twinbench score --json` prints: the best result at top level, every reference under `references`,
        the best one's aligned rows under `alignment`."""
        best = self.chosen
        head = {
            **best.model_dump(),
            "best_reference": self.best,
            "references": [{"source": r.reference, "full_score": r.full_score, "passed": r.passed,
                            "metrics": {n: {"score": m.score, "passed": m.passed} for n, m in r.metrics.items()}}
                           for r in self.results],
        }
        return json.dumps(head, default=str)[:-1] + ', "alignment": ' + best.aligned_rows_json() + "}"


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
    reasons = _reasons(gt, pred, alignment, metrics, config)
    result = ScoreResult(full_score=float(min(1.0, max(0.0, full))), passed=not reasons, reasons=reasons,
                         preset=config.preset, reference=gt.source, weights=dict(weights), metrics=metrics)
    result._aligned = (alignment, gt, pred)
    return result


def _channels(trace: CanonicalTrace, rows: np.ndarray, most: int = 5) -> str:
    names = list(dict.fromkeys(trace.channel[i] for i in rows.tolist()))
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def _reasons(gt: CanonicalTrace, pred: CanonicalTrace, alignment: Alignment, metrics: dict[str, MetricResult],
             config: ScoringConfig) -> list[str]:
    """Why the pass fails (empty when it passes): each decision rule that fails, with the channels at fault."""
    decision, reasons = config.decision, []
    if len(gt) == 0 and config.discrete.empty_reference_fails:
        reasons.append("the reference has no discrete event")
    if decision.require_discrete_exact and not metrics["discrete"].passed:
        parts = []
        for kind, trace, side, what in ((SUB, gt, alignment.gt, "with other values"), (DEL, gt, alignment.gt,
                                        "missing"), (INS, pred, alignment.pred, "not in the reference"),
                                        (MISMATCH, gt, alignment.gt, "paired with other channels")):
            rows = side[alignment.kind == kind]
            if len(rows):
                parts.append(f"{len(rows)} {what} ({_channels(trace, rows)})")
        reasons.append("discrete: " + ("; ".join(parts) or "not exact"))
    timing = metrics.get(decision.timing_metric_name)
    if timing is not None and not timing.passed:
        failed = [k.removesuffix("_ok") for k, v in timing.details.items() if k.endswith("_ok") and not v]
        reasons.append(f"{decision.timing_metric_name}: {', '.join(failed) or 'no matched events'}")
    for name in decision.required_metrics:
        if name in metrics and not metrics[name].passed and name != decision.timing_metric_name:
            failed = metrics[name].details.get("failed", [])
            reasons.append(f"{name}: " + (", ".join(failed[:5]) + (f" and {len(failed) - 5} more"
                                                                    if len(failed) > 5 else "") or "failed"))
    return reasons


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
