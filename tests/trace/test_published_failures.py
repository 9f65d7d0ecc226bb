"""Regression tests for each failure of the published EnvTrace method that twinbench fixes."""

from __future__ import annotations

import pytest

from twinbench.trace.config import ScoringConfig
from twinbench.trace.model import Event, Trace
from twinbench.trace.scoring import score_best_of, score_traces
from twinbench.trace.synthetic import pair

PRESETS = ["default", "envtrace"]


@pytest.mark.parametrize("preset", PRESETS)
def test_moving_the_wrong_motor_does_not_pass(preset):
    gt = Trace([Event("motor:x", 0.0, 1.0), Event("det:Acquire", 1.0, 1), Event("det:Acquire", 2.0, 0)])
    pred = Trace([Event("motor:y", 0.0, 1.0), Event("det:Acquire", 1.0, 1), Event("det:Acquire", 2.0, 0)])
    result = score_traces(gt, pred, ScoringConfig.build(preset))
    assert not result.passed
    assert result.metrics["discrete"].score < 1.0
    assert result.full_score < 0.9


@pytest.mark.parametrize("preset", PRESETS)
def test_zero_and_a_micro_value_match_under_absolute_tolerance(preset):
    gt = Trace([Event("motor:x", 0.0, 0.0), Event("motor:x", 1.0, 5.0)])
    pred = Trace([Event("motor:x", 0.0, 1e-6), Event("motor:x", 1.0, 5.0)])
    result = score_traces(gt, pred, ScoringConfig.build(preset))
    assert result.metrics["discrete"].details["exact"]
    assert result.passed


@pytest.mark.parametrize("preset", PRESETS)
def test_matched_events_sharing_a_timestamp_do_not_crash(preset):
    gt = Trace([Event("det:AcquireTime", 5.0, 1.0), Event("det:AcquirePeriod", 5.0, 1.1)])
    pred = Trace([Event("det:AcquireTime", 7.0, 1.0), Event("det:AcquirePeriod", 7.0, 1.1)])
    result = score_traces(gt, pred, ScoringConfig.build(preset))
    assert result.metrics["timing"].passed
    assert result.passed


def test_simultaneous_puts_in_either_order_cost_nothing():
    gt = Trace([Event("det:AcquireTime", 0.0, 1.0), Event("det:AcquirePeriod", 0.0, 1.1), Event("det:Acquire", 0.1, 1)])
    swapped = Trace([Event("det:AcquirePeriod", 0.0, 1.1), Event("det:AcquireTime", 0.0, 1.0),
                     Event("det:Acquire", 0.1, 1)])
    jittered = Trace([Event("det:AcquirePeriod", 0.0, 1.1), Event("det:AcquireTime", 0.0004, 1.0),
                      Event("det:Acquire", 0.1, 1)])
    assert score_traces(gt, swapped, ScoringConfig.build("default")).full_score == 1.0
    within_eps = score_traces(gt, jittered, ScoringConfig.build("default"))
    assert within_eps.metrics["discrete"].score == 1.0 and within_eps.passed
    published = score_traces(gt, swapped, ScoringConfig.build("envtrace"))
    assert published.metrics["discrete"].score < 1.0  # the published aligner charges for the order


def test_jitter_on_near_simultaneous_reference_events_does_not_fail_timing():
    """EnvTrace divided interval errors by max(|dt|, 1e-10): 10 ms jitter gave MAPE ~1e7."""
    gt = Trace([Event("a", 0.0, 1), Event("b", 0.0, 2), Event("c", 2.0, 3), Event("d", 4.0, 4)])
    pred = Trace([Event("a", 0.0, 1), Event("b", 0.01, 2), Event("c", 2.0, 3), Event("d", 4.0, 4)])
    robust = score_traces(gt, pred, ScoringConfig.build("default"))
    published = score_traces(gt, pred, ScoringConfig.build("envtrace"))
    assert robust.metrics["timing"].passed and robust.passed
    assert published.metrics["timing"].details["interval_error"] > 1e6  # the published blow-up, reproduced


def test_failing_temperature_profile_does_not_pass():
    discrete = [Event("stage:setpoint", 0.0, 100.0)]
    gt = Trace(discrete + [Event("stage:temp", float(t), 25.0 + t / 6) for t in range(0, 451, 10)])
    pred = Trace(discrete + [Event("stage:temp", float(t), 25.0 + t / 30) for t in range(0, 451, 10)])
    continuous = {"continuous_channels": {"stage:temp": {}}}  # what a twin's scoring defaults declare
    for preset in PRESETS:
        result = score_traces(gt, pred, ScoringConfig.build(preset, defaults=continuous))
        assert result.metrics["discrete"].passed
        assert not result.metrics["continuous"].passed
        assert not result.passed


def test_best_of_keeps_every_option_for_every_reference():
    cfg = ScoringConfig.build("default", {
        "continuous_channels": {"stage:temp": {"mae_thresh": 0.5}},
        "comparators": {"by_channel": {"motor:x": {"abs_tol": 0.2}}},
        "ignore_channels": ["noise"],
        "include_structure": False,
    })
    pred = Trace([Event("motor:x", 0.0, 1.1), Event("noise", 0.5, 9), Event("stage:temp", 0.0, 20.0),
                  Event("stage:temp", 10.0, 22.0)])
    ref_a = Trace([Event("motor:x", 0.0, 1.0), Event("stage:temp", 0.0, 20.0), Event("stage:temp", 10.0, 30.0)])
    ref_b = Trace([Event("motor:x", 0.0, 1.0), Event("stage:temp", 0.0, 20.0), Event("stage:temp", 10.0, 22.0)])
    outcome = score_best_of([ref_a, ref_b], pred, cfg)
    assert outcome.best == 1
    for single, ref in zip(outcome.results, [ref_a, ref_b], strict=True):
        alone = score_traces(ref, pred, cfg)
        assert single.full_score == alone.full_score and single.passed == alone.passed
        assert "continuous" in single.metrics and "structure" not in single.metrics
        assert single.metrics["discrete"].details["exact"]  # tolerance 0.2 honoured, noise ignored
    assert outcome.results[0].metrics["continuous"].passed is False
    assert outcome.chosen.passed


def test_periodic_scan_with_two_percent_edits_scores_high():
    gt, pred = pair(1000, "periodic", 0.02, seed=7)
    result = score_traces(gt, pred, ScoringConfig.build("default"))
    assert result.metrics["discrete"].score >= 0.95
    published = score_traces(gt, pred, ScoringConfig.build("envtrace"))
    assert published.metrics["discrete"].score < 0.5  # what channel-only difflib does to the same pair
