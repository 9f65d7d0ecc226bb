"""Metric formulas: timing, continuous profiles and structure, with their sub-figures."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from twinbench.trace.canonical import Series
from twinbench.trace.config import ContinuousChannel, ScoringConfig, Timing
from twinbench.trace.metrics.continuous import channel_metric, ramp_rate
from twinbench.trace.metrics.timing import timing_metric
from twinbench.trace.model import Event, Trace
from twinbench.trace.scoring import score_traces


def test_published_timing_formula():
    g = np.array([0.0, 1.0, 3.0, 6.0])
    p = np.array([10.0, 11.2, 13.1, 16.5])
    r = timing_metric(g, p, Timing(method="published"))
    pg, pp = g - g[0], p - p[0]
    fit = stats.linregress(pg, pp)
    dur = abs(pp[-1] - pg[-1]) / pg[-1]
    mape = np.mean(np.abs(np.diff(pg) - np.diff(pp)) / np.abs(np.diff(pg)))
    expected = (0.4 * fit.rvalue**2 + 0.2 * (1 - min(abs(fit.slope - 1), 1)) + 0.2 * max(0, 1 - dur / 0.25)
                + 0.2 * max(0, 1 - mape / 1.0))
    assert r.score == pytest.approx(expected)
    assert r.passed == (fit.rvalue**2 >= 0.9 and 0.8 <= fit.slope <= 1.2 and dur <= 0.25 and mape <= 1.0)


@pytest.mark.parametrize("method", ["published", "robust"])
def test_timing_edge_cases(method):
    cfg = Timing(method=method)
    assert timing_metric(np.array([]), np.array([]), cfg).score == 0.0
    one = timing_metric(np.array([3.0]), np.array([8.0]), cfg)
    assert one.score == 1.0 and one.passed
    same_instant = timing_metric(np.array([2.0, 2.0, 2.0]), np.array([5.0, 5.0, 5.0]), cfg)
    assert same_instant.passed and math.isfinite(same_instant.score)
    spread = timing_metric(np.array([2.0, 2.0, 2.0]), np.array([5.0, 9.0, 15.0]), cfg)
    assert not spread.passed


def test_robust_timing_flags_a_wrong_pace():
    g = np.arange(0.0, 20.0, 2.0)
    assert timing_metric(g, g * 1.05 + 3, Timing()).passed
    slow = timing_metric(g, g * 2.0, Timing())
    assert not slow.passed and not slow.details["slope_ok"]


def test_ramp_rate_is_measured_in_units_per_second():
    t = np.arange(0.0, 601.0, 1.0)
    v = np.minimum(25.0 + t * (10 / 60), 100.0)
    assert ramp_rate(Series(t, v), 0.01) == pytest.approx(10 / 60)


def test_timeseries_rule_sees_a_slow_ramp_that_the_index_rule_misses():
    """Same samples (10 per ramp), different durations: only the time base reveals the slow ramp."""
    fast = Series(np.linspace(0, 450, 10), np.linspace(25, 100, 10))
    slow = Series(np.linspace(0, 900, 10), np.linspace(25, 100, 10))
    assert channel_metric(fast, slow, ContinuousChannel(method="index")).passed
    result = channel_metric(fast, slow, ContinuousChannel())
    assert not result.passed
    assert result.details["ramp_rate_error"] == pytest.approx(0.5)
    assert result.details["mae"] > 5


def test_continuous_both_empty_passes_one_empty_fails():
    s = Series(np.array([0.0]), np.array([25.0]))
    assert channel_metric(None, None, ContinuousChannel()).passed
    assert not channel_metric(s, None, ContinuousChannel()).passed


def test_structure_lists_missing_and_inserted_operations():
    gt = Trace([Event("x", 0, 1.0), Event("acq", 1, 1), Event("y", 2, 3.0)])
    pred = Trace([Event("x", 10, 1.0), Event("acq", 11, 1), Event("shutter", 11.5, 0)])
    s = score_traces(gt, pred, ScoringConfig.build("default")).metrics["structure"]
    assert [m["channel"] for m in s.details["missing"]] == ["y"]
    assert [(i["channel"], i["index"]) for i in s.details["inserted"]] == [("shutter", 2)]
    assert not s.passed and s.score == pytest.approx(0.5)


def test_full_score_weights_switch_with_a_continuous_channel():
    temp = "stage:temp"
    cfg = ScoringConfig.build("default", defaults={"continuous_channels": {temp: {}}})
    plain = score_traces(Trace([Event("x", 0, 1.0)]), Trace([Event("x", 0, 1.0)]), cfg)
    assert plain.weights == {"discrete": 0.8, "timing": 0.2}
    warm = score_traces(Trace([Event("x", 0, 1.0), Event(temp, 0, 25.0)]), Trace([Event("x", 0, 1.0)]), cfg)
    assert warm.weights == {"discrete": 0.6, "timing": 0.2, "continuous": 0.2}
    assert warm.full_score == pytest.approx(0.8) and not warm.passed


@pytest.mark.parametrize(("preset", "overrides", "fails"), [
    ("default", {}, True),
    ("envtrace", {}, True),
    ("default", {"discrete": {"empty_reference_fails": False}}, False),
    ("envtrace", {"discrete": {"empty_reference_fails": False}}, False),
])
def test_empty_reference_rule_is_a_config_field(preset, overrides, fails):
    """An empty reference scores 0 and passes nothing, unless the config says doing nothing is the answer."""
    d = score_traces(Trace([]), Trace([]), ScoringConfig.build(preset, overrides)).metrics["discrete"]
    assert (d.score, d.passed) == ((0.0, False) if fails else (1.0, True))
    extra = score_traces(Trace([]), Trace([Event("x", 0, 1.0)]), ScoringConfig.build(preset, overrides))
    assert extra.metrics["discrete"].score == 0.0 and not extra.metrics["discrete"].passed


@pytest.mark.parametrize("method", ["published", "robust"])
def test_timing_of_a_spread_whose_squares_underflow_is_one_instant(method):
    """1.2e-217 s apart: the spread is positive but its square is 0.0; it is one instant, never a division by zero."""
    tiny = np.array([0.0, 1.2062477449158936e-217])
    moving = timing_metric(tiny, np.array([0.0, 1.0]), Timing(method=method))
    still = timing_metric(tiny, np.array([5.0, 5.0]), Timing(method=method))
    assert moving.details["r2"] == 0.0 and not moving.passed
    assert still.score >= moving.score
