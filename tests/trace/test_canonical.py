"""Canonicalisation: aliases, ignored channels, steps, time zero, units and numeric channels."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.errors import InputError
from twinbench.trace.canonical import canonicalize
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
