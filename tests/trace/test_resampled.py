"""Trajectories compared after resampling, a scoring horizon and prediction channels the reference lacks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinbench.errors import InputError
from twinbench.trace.canonical import Series, canonicalize
from twinbench.trace.config import ContinuousChannel, ScoringConfig
from twinbench.trace.metrics.continuous import channel_metric, window_mean
from twinbench.trace.model import Event, Trace
from twinbench.trace.scoring import score_traces

RESAMPLED = ContinuousChannel(method="resampled", abs_tol=0.01, rel_tol=0.02)


def sine(step: float, end: float = 3.0, phase: float = 0.0, amplitude: float = 0.5) -> Series:
    t = np.arange(0.0, end + step / 2, step)
    return Series(t, amplitude * np.cos(3.0 * t + phase))


def test_the_same_motion_sampled_on_other_times_passes():
    result = channel_metric(sine(0.01), sine(0.007), RESAMPLED)
    assert result.passed and result.score > 0.9
    assert result.details["tolerance"] == pytest.approx(0.01 + 0.02 * np.ptp(sine(0.01).v))


def test_a_shifted_motion_fails_with_its_error():
    result = channel_metric(sine(0.01), sine(0.01, phase=0.2), RESAMPLED)
    assert not result.passed and result.details["error"] > result.details["tolerance"]


def test_a_brief_offset_is_within_the_quantile():
    g, p = sine(0.01), sine(0.01)
    p.v[100:103] += 1.0  # 3 of 301 samples: a bounce one step early
    assert channel_metric(g, p, RESAMPLED).passed
    assert not channel_metric(g, p, RESAMPLED.model_copy(update={"quantile": 1.0})).passed


def test_ends_must_agree():
    result = channel_metric(sine(0.01), sine(0.01, end=2.0), RESAMPLED)
    assert not result.passed and result.score == 0.0 and result.details["end_diff"] == pytest.approx(1.0)


def trace(values: Series, name: str = "joint/q/qpos", extra: list[Event] | None = None) -> Trace:
    events = [Event("param/mass", 0.0, 1.0), *(extra or [])]
    return Trace(events + [Event(name, float(t), float(v)) for t, v in zip(values.t, values.v, strict=True)])


CONFIG = {"continuous_channels": {"joint/*": {"method": "resampled", "abs_tol": 0.01, "rel_tol": 0.02}},
          "decision": {"required_metrics": ["continuous"]}}


def test_a_horizon_scores_only_the_first_seconds_events_included():
    diverging = sine(0.01)
    diverging.v[diverging.t > 2.0] += 1.0
    late = [Event("contact/a|b", 2.5, 1)]
    gt, pred = trace(sine(0.01)), trace(diverging, extra=late)
    failed = score_traces(gt, pred, ScoringConfig.build("default", CONFIG))
    assert not failed.passed
    assert failed.reasons == ["discrete: 1 not in the reference (contact/a|b)", "continuous: joint/q/qpos"]
    assert score_traces(gt, pred, ScoringConfig.build("default", {**CONFIG, "horizon": 2.0})).passed
    canonical = canonicalize(pred, ScoringConfig.build("default", {**CONFIG, "horizon": 2.0}))
    assert canonical.series["joint/q/qpos"].t[-1] == pytest.approx(2.0) and "contact/a|b" not in canonical.channel


def test_channels_the_reference_lacks_are_dropped_only_where_configured():
    gt = trace(sine(0.01))
    extra = [Event("joint/extra/qpos", float(t), 0.0) for t in np.arange(0, 3.001, 0.01)]
    pred = trace(sine(0.01), extra=[Event("param/other", 0.0, 2.0), *extra])
    plain = ScoringConfig.build("default", CONFIG)
    assert not score_traces(gt, pred, plain).passed
    lenient = ScoringConfig.build("default", {**CONFIG, "reference_channels_only": ["param/*", "joint/*"]})
    assert score_traces(gt, pred, lenient).passed
    writes = pred.events + [Event("write/q", 1.0, 0.3)]
    assert not score_traces(gt, Trace(writes), lenient).passed
    missing = trace(sine(0.01), name="joint/other/qpos")
    assert not score_traces(gt, missing, lenient).passed  # what the reference has must be there


def test_ignored_channel_patterns():
    gt, pred = trace(sine(0.01)), trace(sine(0.01), extra=[Event("param/other", 0.0, 2.0)])
    assert score_traces(gt, pred, ScoringConfig.build("default", {**CONFIG, "ignore_channels": ["param/o*"]})).passed


def test_patterns_from_defaults_merge_under_the_overrides():
    defaults = {"continuous_channels": {"body/*/pos.*": {"method": "resampled", "abs_tol": 0.01}},
                "comparators": {"by_channel": {"param/opt/*": {"type": "any"}}}}
    config = ScoringConfig.build("default", {"continuous_channels": {"body/*/pos.*": {"abs_tol": 0.5}}},
                                 defaults=defaults)
    assert config.continuous_for("body/bob/pos.x").method == "resampled"
    assert config.continuous_for("body/bob/pos.x").abs_tol == 0.5
    assert config.continuous_for("param/body/bob/pos.x") is None
    assert config.comparators.for_channel("param/opt/timestep").type == "any"
    with pytest.raises(InputError, match="unknown preset 'no-such-preset'"):
        ScoringConfig.build("no-such-preset")


def test_smoothing_compares_the_trend_under_sample_noise():
    rng = np.random.default_rng(7)
    g, p = sine(0.01), sine(0.01)
    g.v[:] += rng.normal(0, 0.1, len(g.v))  # vibration: every sample differs
    p.v[:] += rng.normal(0, 0.1, len(p.v))
    smoothed = RESAMPLED.model_copy(update={"smooth": 0.2, "abs_tol": 0.1})
    assert not channel_metric(g, p, RESAMPLED.model_copy(update={"abs_tol": 0.1})).passed
    assert channel_metric(g, p, smoothed).passed
    other = sine(0.01, phase=0.6)
    other.v[:] += rng.normal(0, 0.1, len(other.v))
    assert not channel_metric(g, other, smoothed).passed  # another motion under the same noise still fails


@given(st.lists(st.floats(-100, 100), min_size=2, max_size=40), st.floats(0.001, 5))
def test_a_window_mean_stays_within_the_signal_and_keeps_a_constant(values, width):
    grid = np.arange(len(values)) * 0.1
    mean = window_mean(grid, np.array(values), width)
    assert len(mean) == len(values)
    assert (mean >= min(values) - 1e-9).all() and (mean <= max(values) + 1e-9).all()
    assert np.allclose(window_mean(grid, np.full(len(values), values[0]), width), values[0])
