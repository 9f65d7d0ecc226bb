"""Scoring rules that real programs exposed: simultaneous puts on both sides, ignored continuous channels,
booleans, empty references."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.trace.config import ScoringConfig
from twinbench.trace.model import Event, Trace
from twinbench.trace.scoring import score_traces

SET, HEAT, ACQ, TEMP = "linkam:SETPOINT", "linkam:STARTHEAT", "det:Acquire", "linkam:TEMP"
TWIN_DEFAULTS = {"continuous_channels": {TEMP: {}}}  # the temperature is continuous for every task of the twin


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 0.015), st.booleans())
def test_simultaneous_reference_puts_match_a_prediction_whose_puts_arrive_apart(lag, swap):
    """The reference's two puts share one instant; the prediction's arrive up to 15 ms apart, in either order."""
    gt = Trace([Event(SET, 1.0, 150.0), Event(HEAT, 1.0, 1), Event(ACQ, 5.0, 1), Event(ACQ, 6.0, 0)])
    first, second = (Event(HEAT, 1.0, 1), Event(SET, 1.0 + lag, 150.0))
    if swap:
        first, second = Event(SET, 1.0, 150.0), Event(HEAT, 1.0 + lag, 1)
    pred = Trace([first, second, Event(ACQ, 5.0, 1), Event(ACQ, 6.0, 0)])
    result = score_traces(gt, pred)
    assert result.passed and result.metrics["discrete"].details["matches"] == 4


def test_values_of_one_channel_keep_their_order_inside_a_step():
    gt = Trace([Event("x", 0.0, 1.0), Event("x", 0.001, 2.0)])
    pred = Trace([Event("x", 0.0, 2.0), Event("x", 0.001, 1.0)])
    assert not score_traces(gt, pred).metrics["discrete"].passed


def _warm(temps: list[float]) -> Trace:
    return Trace([Event(SET, 0.0, 80.0)] + [Event(TEMP, float(t), v) for t, v in enumerate(temps)])


@pytest.mark.parametrize(("preset", "scored"), [("envtrace", True), ("default", False)])
def test_ignoring_the_temperature_channel(preset, scored):
    """EnvTrace's scorer still scores the profile when a task lists TEMP in ignore_pvs; the default drops it."""
    cfg = ScoringConfig.build(preset, {"ignore_channels": [TEMP]}, defaults=TWIN_DEFAULTS)
    result = score_traces(_warm([25.0, 35.0, 45.0]), _warm([25.0, 25.0, 25.0]), cfg)
    assert ("continuous" in result.metrics) is scored
    assert result.passed is not scored


@pytest.mark.parametrize(("preset", "equal"), [("envtrace", False), ("default", True)])
def test_true_and_one(preset, equal):
    """EnvTrace's package compares booleans as text (True is not 1); the default compares them as 0/1."""
    cfg = ScoringConfig.build(preset)
    result = score_traces(Trace([Event(HEAT, 0.0, 1)]), Trace([Event(HEAT, 0.0, True)]), cfg)
    assert result.metrics["discrete"].passed is equal
    same = score_traces(Trace([Event(HEAT, 0.0, True)]), Trace([Event(HEAT, 0.0, True)]), cfg)
    assert same.metrics["discrete"].passed


@pytest.mark.parametrize("preset", ["default", "envtrace"])
def test_an_empty_reference_passes_nothing_unless_allowed(preset):
    empty = Trace([Event("ignored", 0.0, 1)])
    cfg = ScoringConfig.build(preset, {"ignore_channels": ["ignored"]})
    assert not score_traces(empty, Trace([]), cfg).passed
    assert not score_traces(empty, empty, cfg).passed
    allowed = ScoringConfig.build(preset, {"ignore_channels": ["ignored"],
                                           "discrete": {"empty_reference_fails": False}})
    assert score_traces(empty, Trace([]), allowed).metrics["discrete"].passed
