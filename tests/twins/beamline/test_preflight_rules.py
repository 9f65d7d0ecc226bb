"""The pre-flight's parts: rules as data (merging a state's changes, clear errors), the checks on traces the twin
cannot produce by itself, the temperature profile, value formatting and the API reference's commands."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinbench.sandbox.runner import _event_lines
from twinbench.trace.model import Event
from twinbench.twins import get_twin
from twinbench.twins.apidoc import commands, missing_name, similar
from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.config import BeamlineConfig
from twinbench.twins.beamline.preflight.rules import PreflightConfig, default_rules
from twinbench.twins.beamline.preflight.summary import temperature_segments
from twinbench.twins.beamline.preflight.timeline import Timeline
from twinbench.twins.beamline.twin import BeamlineSimulator
from twinbench.twins.preflight import PlanRun, number

CORPUS = Path(__file__).parent / "preflight"
RULE_IDS = sorted(default_rules())


@given(st.dictionaries(st.sampled_from(RULE_IDS), st.fixed_dictionaries(
    {}, optional={"severity": st.sampled_from(["info", "warning", "error"]), "enabled": st.booleans()})))
def test_a_state_changes_only_the_fields_it_names(changes):
    active = PreflightConfig(rules=changes).active()
    for rule_id, rule in default_rules().items():
        change = changes.get(rule_id, {})
        if not change.get("enabled", True):
            assert rule_id not in active
            continue
        assert active[rule_id].severity == change.get("severity", rule.severity)
        assert active[rule_id].model_dump(exclude={"severity"}) == rule.model_dump(exclude={"severity"})


@pytest.mark.parametrize(("changes", "words"), [
    ({"shutter-closed": {"severity": "fatal"}}, ["'shutter-closed'", "severity"]),
    ({"new-rule": {"kind": "at-end", "require": {"smx": {"equals": 0}}}}, ["'new-rule'", "explain"]),
    ({"new-rule": {"kind": "at-end", "explain": "x", "require": {"smz": {"equals": 0}}}}, ["unknown devices ['smz']"]),
    ({"new-rule": {"kind": "at-end", "explain": "x"}}, ["needs `require`"]),
    ({"exposure-time": {"params": {"seconds": 1}}}, ["'exposure-time'", "params ['min_seconds']"]),
    ({"Bad Id": {"enabled": False}}, ["'Bad Id'", "lower-case"]),
    ({"x": {"kind": "at-end", "explain": "x", "require": {"smx": {"within": [2, 1]}}}}, ["low bound"]),
    ({"x": {"kind": "at-end", "explain": "two\nlines", "require": {"smx": {"equals": 0}}}}, ["explain"]),
])
def test_a_bad_rule_names_the_rule_and_its_field(changes, words):
    with pytest.raises(ValueError) as err:
        BeamlineConfig.model_validate({"preflight": {"rules": changes}})
    assert all(word in str(err.value) for word in words), str(err.value)


def _timeline(events, state=None):
    sim = BeamlineSimulator()
    sim.reset(state, math.inf)
    run = PlanRun(events, list(range(1, len(events) + 1)), {}, events[-1].t, state)
    return Timeline(run, sim.cfg, dict(sim.rec.values))


def _expose(t0, t1):
    acquire = pvs.cam("pilatus2M", "Acquire")
    return [Event(pvs.cam("pilatus2M", "AcquireTime"), t0 - 0.01, t1 - t0), Event(acquire, t0, 1),
            Event(acquire, t1, 0)]


@pytest.mark.parametrize(("start", "fires"), [(1.0, True), (4.9, True), (5.1, False)])
def test_an_exposure_while_a_motor_travels_is_found_at_its_line(start, fires):
    # The twin's moves return on arrival, so only a trace from elsewhere has this: smx 0 -> 10 mm at 2 mm/s.
    events = [Event(pvs.MOTORS["smx"], 0.0, 10.0), *_expose(start, start + 1)]
    from twinbench.twins.beamline.preflight.checks import moving_during_exposure

    rule = default_rules()["moving-during-exposure"]
    found = moving_during_exposure("moving-during-exposure", rule, _timeline(events))
    assert [(f.line, "smx travels from 0.000 to 10.000 mm (line 1)" in f.message) for f in found] == (
        [(3, True)] if fires else [])


def test_the_temperature_profile_is_a_ramp_a_hold_and_passive_cooling(sandbox):
    source = (CORPUS / "hold_cool_ok.py").read_text()
    result = sandbox.run(source, lines=True)
    sim = BeamlineSimulator()
    sim.reset(None, math.inf)
    run = PlanRun(result.trace.events, result.event_lines, result.final_state, result.duration)
    segments = temperature_segments(Timeline(run, sim.cfg, dict(sim.rec.values)))
    assert [s.kind for s in segments] == ["ramp up", "hold", "cooling (heater off)"]
    ramp, hold, cool = segments
    assert (round(ramp.low, 1), round(ramp.high, 1), round(ramp.rate, 1)) == (25.0, 120.0, 20.0)
    assert hold.low == hold.high == 120.0 and hold.end - hold.start > 290  # five frames a minute apart
    assert cool.high == 120.0 and 39.5 < cool.low <= 40.0 and cool.rate < 0


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 6))
def test_a_number_is_rounded_to_its_digits_and_never_reads_minus_zero(value, digits):
    text = number(value, digits)
    assert abs(float(text) - value) <= 0.5 * 10 ** -digits + 1e-9 * abs(value)
    assert not text.startswith("-") or float(text) < 0
    assert len(text.split(".")[1]) == digits if digits else "." not in text


@given(st.floats(-1e3, 1e3, allow_nan=False))
def test_a_number_without_digits_has_six_significant_digits(value):
    assert number(value) == f"{value:.6g}"
    assert number(0.1 + 0.2) == "0.3" and number(-0.30000000000000004) == "-0.3"


@given(st.lists(st.tuples(st.integers(0, 30), st.one_of(st.none(), st.integers(1, 99))), max_size=12),
       st.integers(0, 30))
def test_each_event_gets_the_line_of_the_last_command_before_it(marks, count):
    marks = sorted(dict(marks).items())  # one mark per first event, in order, as the sandbox keeps them
    lines = _event_lines(marks, count)
    assert len(lines) == count
    for i, line in enumerate(lines):
        before = [m for m in marks if m[0] <= i]
        assert line == (before[-1][1] if before else None)


def test_the_reference_lists_every_operator_command_and_suggests_close_names():
    known = commands(get_twin("beamline").api_reference())
    names = {c.name for c in known}
    assert {"sam.measure", "sam.setLinkamTemperature", "beam.setTransmission", "detselect", "wsam"} <= names
    assert similar("meaure", known) == ["sam.measure"] and similar("setLinkamTemp", known)[0].endswith("Temperature")
    assert similar("xyzzy", known) == []
    assert missing_name("AttributeError", "'Sample' object has no attribute 'meaure'") == "meaure"
    assert missing_name("NameError", "name 'detselct' is not defined") == "detselct"
    assert missing_name("ValueError", "name 'x' is not defined") is None
