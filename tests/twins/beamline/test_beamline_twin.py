"""The trusted beamline twin on its own: physics, virtual time, safety, recording."""

import math

import pytest
from pydantic import ValidationError

from twinbench.twins import BudgetExceeded, CommandError, SafetyRefusal, Simulator, Twin, get_twin
from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.apiref import api_reference
from twinbench.twins.beamline.operator import Sample


def twin(state=None, budget=math.inf):
    """A twin whose commands cost no round trip, so the physics is timed exactly."""
    t = get_twin("beamline").simulator()
    t.reset({"control": {"round_trip": 0.0}, **(state or {})}, budget)
    return t


def temps(t):
    return [(e.t, e.value) for e in t.events() if e.channel == pvs.LINKAM_TEMP]


def test_is_a_registered_twin_whose_simulators_are_fresh():
    plugin = get_twin("beamline")
    assert isinstance(plugin, Twin) and plugin.budget.unit == "virtual seconds"
    first, second = plugin.simulator(), plugin.simulator()
    assert isinstance(first, Simulator) and first is not second
    first.reset(None, 10.0)
    first.handle("sleep", {"seconds": 5})
    assert first.now == 5.0 and second.now == 0.0


@pytest.mark.parametrize("rate", [5.0, 10.0, 30.0])
def test_linkam_ramps_at_the_set_degrees_per_minute(rate):
    t = twin()
    t.handle("put", {"pv": pvs.LINKAM_RATE, "value": rate})
    t.handle("put", {"pv": pvs.LINKAM_SETPOINT, "value": 340.0})
    t.handle("put", {"pv": pvs.LINKAM_HEATER, "value": 1})
    t.handle("sleep", {"seconds": 600})
    samples = temps(t)
    assert samples[0] == (1.0, round(25 + rate / 60, 3))
    (t0, v0), (t1, v1) = samples[0], samples[-1]
    assert (v1 - v0) / (t1 - t0) * 60 == pytest.approx(rate, rel=1e-4)
    assert [s[0] for s in samples] == [float(i) for i in range(1, 601)]  # sampled every second


def test_linkam_stops_at_setpoint_and_cools_passively_when_off():
    t = twin()
    t.handle("put", {"pv": pvs.LINKAM_SETPOINT, "value": 30.0})
    t.handle("put", {"pv": pvs.LINKAM_HEATER, "value": 1})
    t.handle("sleep", {"seconds": 60})
    assert t.handle("read", {"pv": pvs.LINKAM_TEMP}) == 30.0  # 10 deg/min: 30 s to get there, then holds
    t.handle("put", {"pv": pvs.LINKAM_HEATER, "value": 0})
    t.handle("sleep", {"seconds": 300})
    assert t.handle("read", {"pv": pvs.LINKAM_TEMP}) == round(25 + 5 * math.exp(-1), 3)


def test_motion_takes_distance_over_velocity_and_is_recorded_at_the_command():
    t = twin({"motors": {"smy": {"velocity": 0.5}}})
    t.handle("sleep", {"seconds": 1})
    t.handle("put", {"pv": pvs.MOTORS["smy"], "value": 2.0})
    assert t.now == 5.0
    assert [(e.channel, e.t, e.value) for e in t.events()] == [(pvs.MOTORS["smy"], 1.0, 2.0)]


def test_soft_limit_refused_recorded_and_nothing_moves():
    t = twin({"motors": {"sth": {"low": -1, "high": 1}}})
    with pytest.raises(SafetyRefusal, match="sth soft limit"):
        t.handle("put", {"pv": pvs.MOTORS["sth"], "value": 2.0})
    assert t.final_state()[pvs.MOTORS["sth"]] == 0.0
    assert [e.meta["limits"] for e in t.safety_events()] == [[-1, 1]]


@pytest.mark.parametrize(
    ("pv", "value"),
    [
        (pvs.LINKAM_SETPOINT, 500.0),
        (pvs.LINKAM_RATE, 1000.0),
        (pvs.cam("pilatus2M", "AcquireTime"), 3600.0),
        (pvs.cam("pilatus800", "AcquireTime"), -1.0),
        (pvs.TRANSMISSION, 1.5),
    ],
)
def test_unsafe_settings_are_refused(pv, value):
    t = twin()
    with pytest.raises(SafetyRefusal):
        t.handle("put", {"pv": pv, "value": value})
    assert t.safety_events()[0].meta["pv"] == pv


def test_multi_frame_exposure_takes_its_frames():
    t = twin()
    for field, value in (("AcquireTime", 1.0), ("AcquirePeriod", 2.0), ("NumImages", 5)):
        t.handle("put", {"pv": pvs.cam("pilatus2M", field), "value": value})
    t.handle("put", {"pv": pvs.cam("pilatus2M", "Acquire"), "value": 1})
    acquire = [(e.t, e.value) for e in t.events() if e.channel.endswith("Acquire")]
    assert acquire == [(0.0, 1), (9.0, 0)]


def test_budget_stops_the_clock():
    t = twin(budget=100)
    with pytest.raises(BudgetExceeded):
        t.handle("sleep", {"seconds": 101})
    assert t.now == 100


@pytest.mark.parametrize(
    ("op", "args"),
    [
        ("record", {"channel": "x"}),
        ("sleep", {"seconds": float("inf")}),
        ("sleep", {"seconds": -1}),
        ("put", {"pv": "XF:unknown", "value": 1}),
        ("put", {"pv": pvs.MOTORS["smx"], "value": "1"}),
        ("read", {"pv": "XF:unknown"}),
        ("call", {"name": "FORGED", "args": {}}),
        ("call", {"name": "wsam", "args": {"x": object()}}),
        ("sleep", {"wrong": 1}),
    ],
)
def test_malformed_commands_are_protocol_violations(op, args):
    with pytest.raises(CommandError):
        twin().handle(op, args)


def test_motor_noise_below_the_deadband_posts_no_event():
    t = twin()
    smx = pvs.MOTORS["smx"]
    t.handle("put", {"pv": smx, "value": 1.0})
    t.handle("put", {"pv": smx, "value": 1.0 + 1e-15})
    t.handle("put", {"pv": smx, "value": 1.001})
    assert [e.value for e in t.events() if e.channel == smx] == [1.0, 1.001]


def test_call_events_keep_their_arguments_in_order():
    t = twin()
    t.handle("call", {"name": "sam.setOrigin", "args": {"axes": ["x"], "positions": [1.0]}})
    t.handle("call", {"name": "sam.align", "args": {"step": None, "reflection_angle": 0.12}})
    assert [(e.channel, e.value) for e in t.events()] == [
        ("sam.setOrigin", {"axes": ["x"], "positions": [1.0]}),
        ("sam.align", {"step": None, "reflection_angle": 0.12}),
    ]
    with pytest.raises(CommandError):  # a query is not a call event
        t.handle("call", {"name": "wsam", "args": {}})


def test_task_state_is_validated():
    with pytest.raises(ValidationError):
        twin({"motors": {"nope": {}}})
    with pytest.raises(ValidationError):
        twin({"linkam": {"rate": -1}})


def test_api_reference_is_generated_from_the_operator_docstrings():
    text = api_reference()
    for name in ("measure", "align", "setLinkamRate", "measureIncidentAngles", "series_measure"):
        assert f"sam.{name}(" in text
        assert getattr(Sample, name).__doc__.split()[0] in text
    assert "self" not in text
    assert all(pv in text for pv in pvs.MOTORS.values())
    assert get_twin("beamline").api_reference() == text
