"""The operator commands and bluesky, as a sandboxed program uses them."""

import pytest

from twinbench.sandbox import Outcome
from twinbench.twins.beamline import pvs

SMX, SMY, STH = pvs.MOTORS["smx"], pvs.MOTORS["smy"], pvs.MOTORS["sth"]
ACQ = pvs.cam("pilatus2M", "Acquire")


def run_ok(sandbox, source, state=None):
    """Run with commands that cost no round trip, so durations are exactly the motion, exposure and waits."""
    result = sandbox.run(source, {"control": {"round_trip": 0.0}, **(state or {})})
    assert result.outcome is Outcome.OK, (result.detail, result.output)
    return result


def changes(result, channel):
    return [(e.t, e.value) for e in result.trace if e.channel == channel]


def test_bluesky_scan_moves_and_exposes_in_virtual_time(sandbox):
    result = run_ok(sandbox, "pilatus2M.cam.acquire_time.set(0.5)\nRE(bp.scan([pilatus2M], smx, 0, 1, 5))")
    assert [v for _, v in changes(result, SMX)] == [0.25, 0.5, 0.75, 1.0]
    assert len(changes(result, ACQ)) == 10
    assert result.duration == 4 * 0.125 + 5 * 0.5  # 0.25 mm steps at 2 mm/s, five 0.5 s exposures


def test_bps_mv_and_sleep_use_the_twin_clock(sandbox):
    result = run_ok(
        sandbox, "RE(bps.mv(smy, 2))\nRE(bps.sleep(3600))\nsam.measure(1)\nprint(time.monotonic())"
    )
    assert changes(result, ACQ) == [(3602.0, 1), (3603.0, 0)]
    assert result.output == "3603.0\n"


def test_detector_signals_are_settable_from_plans(sandbox):
    result = run_ok(sandbox, "RE(bps.mv(pilatus2M.cam.acquire_time, 2.5))\nRE(bp.count([pilatus2M]))")
    assert changes(result, pvs.cam("pilatus2M", "AcquireTime")) == [(0.0, 2.5)]
    assert changes(result, ACQ) == [(0.0, 1), (2.5, 0)]


def test_measure_sets_exposure_and_period_together(sandbox):
    result = run_ok(sandbox, "detselect([pilatus2M, pilatus800])\nsam.measure(2)")
    for det in pvs.DETECTORS:
        assert changes(result, pvs.cam(det, "AcquirePeriod")) == [(0.0, 2.1)]
        assert changes(result, pvs.cam(det, "Acquire")) == [(0.0, 1), (2.0, 0)]


def test_time_series_waits_between_frames(sandbox):
    result = run_ok(sandbox, "sam.measureTimeSeries(exposure_time=1, num_frames=3, wait_time=9)")
    assert [t for t, v in changes(result, ACQ) if v == 1] == [0.0, 10.0, 20.0]


def test_incident_angles_are_relative_to_the_origin(sandbox):
    result = run_ok(
        sandbox, "sam.setOrigin(['th'], [0.5])\nsam.measureIncidentAngles([0.1, 0.2], exposure_time=1)"
    )
    assert [v for _, v in changes(result, STH)] == [0.6, 0.7]
    assert result.trace[0].channel == "sam.setOrigin"
    assert result.trace[0].value == {"axes": ["th"], "positions": [0.5]}


def test_align_scans_finds_the_surface_and_sets_the_origin(sandbox):
    state = {"sample": {"height": 0.37, "tilt": -0.21}}
    result = run_ok(sandbox, "sam.align()\nprint(sam.origin)", state)
    assert result.trace[0].channel == "sam.align"
    origin = [e for e in result.trace if e.channel == "sam.setOrigin"][-1].value
    found = dict(zip(origin["axes"], origin["positions"], strict=True))
    y, th = found["y"], found["th"]
    assert y == pytest.approx(0.37, abs=0.01) and th == pytest.approx(-0.21, abs=0.01)
    assert len(changes(result, SMY)) > 20 and result.duration > 5


def test_fit_scan_moves_to_the_peak(sandbox):
    result = run_ok(sandbox, "print(fit_scan(sth, 1.0, num=21, fit='max'))", {"sample": {"tilt": 0.2}})
    assert float(result.output) == pytest.approx(0.2, abs=0.03)


def test_actions_that_move_nothing_are_recorded_in_program_order_and_queries_are_not(sandbox):
    result = run_ok(sandbox, "sam.xr(1)\nwsam()\nsam.pos()\nsam.setOrigin('x')\nsam.gotoOrigin(['x'])")
    assert [e.channel for e in result.trace] == [SMX, "sam.setOrigin"]


def test_temperature_loop_and_beam_commands(sandbox):
    source = """
beam.on()
beam.setTransmission(0.5)
sam.setLinkamRate(30)
sam.setLinkamTemperature(55)
sam.setLinkamOn()
while sam.linkamTemperature() < 55:
    time.sleep(10)
sam.measure(1)
beam.off()
print(beam.energy(), beam.transmission())
"""
    result = run_ok(sandbox, source)
    assert changes(result, pvs.SHUTTER) == [(0.0, 1), (61.0, 0)]
    assert result.output == "13.5 0.5\n"
    assert result.final_state[pvs.LINKAM_TEMP] == 55.0


def test_one_hour_program_runs_in_virtual_time(sandbox):
    """An hour of beamline time; its wall time is measured by benchmarks/twin.py, not asserted here."""
    source = """
sam.setLinkamRate(3)
sam.setLinkamTemperature(205)
sam.setLinkamOn()
def plan():
    while time.monotonic() < 3600:
        yield from bp.count([pilatus2M])
        yield from bps.sleep(60)
RE(plan())
"""
    result = run_ok(sandbox, source)
    assert result.duration == 3600.0
    assert result.final_state[pvs.LINKAM_TEMP] == 205.0
