"""Canonicalisation: aliases, ignored channels, steps, time zero, units and numeric channels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.errors import InputError
from twinbench.trace.canonical import CanonicalTrace, Series, _plans, _steps, canonicalize, checked_value
from twinbench.trace.config import ScoringConfig
from twinbench.trace.model import Event, Trace


def test_aliases_ignore_and_time_zero():
    cfg = ScoringConfig.build("default", {"aliases": {"old:x": "motor:x"}, "ignore_channels": ["noise"]})
    trace = Trace([Event("noise", 90.0, 1), Event("old:x", 100.0, 1.0), Event("det", 102.5, 1)], "f.json")
    c = canonicalize(trace, cfg)
    assert c.channel == ["motor:x", "det"]
    assert c.t.tolist() == [0.0, 2.5]
    assert c.origin.tolist() == [1, 2]


@settings(max_examples=100, deadline=None)
@given(st.permutations([("det:AcquireTime", 1.0), ("det:AcquirePeriod", 1.1), ("det:NumImages", 1),
                        ("motor:x", "on")]))
def test_simultaneous_events_have_one_canonical_order(perm):
    cfg = ScoringConfig.build("default")
    base = canonicalize(Trace([Event(ch, 5.0, v) for ch, v in sorted(perm)] + [Event("z", 6.0, 0)]), cfg)
    shuffled = canonicalize(Trace([Event(ch, 5.0 + 1e-4 * i, v) for i, (ch, v) in enumerate(perm)]
                                  + [Event("z", 6.0, 0)]), cfg)
    assert shuffled.channel == base.channel and shuffled.value == base.value
    assert shuffled.step.tolist() == [0, 0, 0, 0, 1]


def test_events_further_apart_than_eps_keep_their_order():
    cfg = ScoringConfig.build("default", {"simultaneity_eps": 0.01})
    c = canonicalize(Trace([Event("b", 0.0, 1), Event("a", 0.02, 1)]), cfg)
    assert c.channel == ["b", "a"] and c.step.tolist() == [0, 1]


def test_units_are_converted_to_the_channel_unit():
    cfg = ScoringConfig.build("default", {"comparators": {"by_channel": {"motor:x": {"unit": "mm"}}}})
    c = canonicalize(Trace([Event("motor:x", 0.0, 1500.0, {"unit": "um"}), Event("motor:x", 1.0, 2.0)]), cfg)
    assert c.value == [pytest.approx(1.5), 2.0]


def test_incompatible_unit_names_the_event():
    cfg = ScoringConfig.build("default", {"comparators": {"by_channel": {"motor:x": {"unit": "mm"}}}})
    with pytest.raises(InputError, match=r"p.json: event 1: field 'meta.unit'"):
        canonicalize(Trace([Event("motor:x", 0.0, 1.0), Event("motor:x", 1.0, 1.0, {"unit": "s"})], "p.json"), cfg)


@pytest.mark.parametrize("channel", ["stage:temp", "motor:x"])
def test_non_numeric_value_on_numeric_channel_is_an_input_error(channel):
    cfg = ScoringConfig.build("default", {"comparators": {"by_channel": {"motor:x": {"numeric_only": True}}}},
                              defaults={"continuous_channels": {"stage:temp": {}}})
    trace = Trace([Event(channel, 0.0, 1.0), Event(channel, 1.0, "hot")], "p.json")
    with pytest.raises(InputError) as err:
        canonicalize(trace, cfg)
    assert str(err.value).startswith("p.json: event 1: field 'value'")


def test_continuous_channel_becomes_a_series():
    temp = "stage:temp"
    cfg = ScoringConfig.build("default", defaults={"continuous_channels": {temp: {}}})
    c = canonicalize(Trace([Event("x", 10.0, 1.0), Event(temp, 11.0, 26.0), Event(temp, 10.5, 25.0)]), cfg)
    assert c.channel == ["x"]
    assert c.series[temp].t.tolist() == [0.5, 1.0] and c.series[temp].v.tolist() == [25.0, 26.0]


def _event_by_event(trace: Trace, config: ScoringConfig) -> CanonicalTrace:
    """Canonical form computed the plain way, one event at a time (the definition the columns must match)."""
    plan_of = _plans(config)
    kept, raw_series, t_first = [], {}, math.inf
    for index, event in enumerate(trace.events):
        plan = plan_of(event.channel)
        if not plan.keep:
            continue
        value = checked_value(trace, index, plan, config)
        t_first = min(t_first, event.t)
        if plan.continuous:
            raw_series.setdefault(plan.name, []).append((event.t, float(value)))
        else:
            kept.append((event.t, plan.name, value, index))
    t0 = t_first if math.isfinite(t_first) else 0.0
    series = {name: Series(np.array([p[0] for p in sorted(points, key=lambda p: p[0])]) - t0,
                           np.array([p[1] for p in sorted(points, key=lambda p: p[0])]))
              for name, points in raw_series.items()}
    kept.sort(key=lambda e: e[0] - t0)
    step = _steps(np.array([e[0] - t0 for e in kept]), config.simultaneity_eps)
    for s in set(step.tolist()):  # within a step: by channel name, one channel's events keep their order
        at = [i for i, k in enumerate(step.tolist()) if k == s]
        kept[at[0]:at[-1] + 1] = sorted(kept[at[0]:at[-1] + 1], key=lambda e: e[1])
    return CanonicalTrace([e[1] for e in kept], [e[2] for e in kept], np.array([e[0] - t0 for e in kept]),
                          np.array([e[3] for e in kept], np.int64), step, series, trace.source)


CHANNELS = ["a", "b", "old:a", "noise", "mm", "num", "XF:11BM-ES:{LINKAM}:TEMP"]
VALUES = st.one_of(st.integers(-3, 3), st.floats(-5, 5), st.sampled_from([math.nan, math.inf, True, False]),
                   st.sampled_from(["on", "off"]), st.none(), st.lists(st.integers(), max_size=2))
EVENTS = st.builds(Event, st.sampled_from(CHANNELS), st.sampled_from([0.0, 0.01, 0.5, 1.0, 2.0, math.inf]),
                   VALUES, st.sampled_from([{}, {"unit": "um"}, {"unit": "s"}, {"other": 1}]))
OVERRIDES = st.fixed_dictionaries({
    "aliases": st.sampled_from([{}, {"old:a": "a"}]),
    "ignore_channels": st.sampled_from([[], ["noise"], ["noise", "XF:11BM-ES:{LINKAM}:TEMP"]]),
    "simultaneity_eps": st.sampled_from([None, 0.03, 0.6]),
    "bool_is_number": st.booleans(),
    "ignore_continuous": st.booleans(),
    "comparators": st.sampled_from([{}, {"by_channel": {"mm": {"unit": "mm"}, "num": {"numeric_only": True}}}]),
})


@settings(max_examples=400, deadline=None)
@given(st.lists(EVENTS, max_size=12), OVERRIDES)
def test_columns_give_the_event_by_event_canonical_form(events, overrides):
    """Same canonical trace, or the same one-line error for the same event, whatever the channels and values."""
    trace, cfg = Trace(events, "p.json"), ScoringConfig.build("default", overrides)
    try:
        expected = _event_by_event(trace, cfg)
    except InputError as exc:
        with pytest.raises(InputError) as err:
            canonicalize(trace, cfg)
        assert str(err.value) == str(exc)
        return
    got = canonicalize(trace, cfg)
    assert got.channel == expected.channel and got.value == expected.value
    assert [type(v) for v in got.value] == [type(v) for v in expected.value]
    assert got.t.tolist() == expected.t.tolist() and got.origin.tolist() == expected.origin.tolist()
    assert got.step.tolist() == expected.step.tolist()
    assert {k: (s.t.tolist(), s.v.tolist()) for k, s in got.series.items()} == {
        k: (s.t.tolist(), s.v.tolist()) for k, s in expected.series.items()}
    assert list(got.series) == list(expected.series)
