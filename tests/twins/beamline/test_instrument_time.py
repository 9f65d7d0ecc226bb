"""What real beamline programs need from the twin: commands cost instrument time, polling loops end,
the everyday helpers exist, ranges are the hardware's, and queries leave no trace."""

import json
import re
from pathlib import Path

import pytest

from twinbench.sandbox import Outcome
from twinbench.trace.io import event_to_obj
from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.apiref import api_reference

SMX = pvs.MOTORS["smx"]
DOCS = Path(__file__).resolve().parents[3] / "docs"


def run_ok(sandbox, source, state=None):
    result = sandbox.run(source, state)
    assert result.outcome is Outcome.OK, (result.detail, result.output)
    return result


@pytest.mark.parametrize("wait", [
    "while sam.linkamTemperature() < 40:\n    pass",
    "while smx.position < 4.99:\n    pass",
    "while pilatus2M.cam.acquire.get() != 0:\n    pass",
])
def test_polling_loops_without_sleep_end(sandbox, wait):
    setup = "sam.setLinkamRate(150)\nsam.setLinkamTemperature(40)\nsam.setLinkamOn()\nsam.xabs(5)"
    result = run_ok(sandbox, f"{setup}\n{wait}\nsam.measure(1)")
    assert [e.value for e in result.trace if e.channel == pvs.cam("pilatus2M", "Acquire")] == [1, 0]


def test_a_polled_temperature_is_reached_at_the_ramp_time(sandbox):
    result = run_ok(sandbox, "sam.setLinkamRate(60)\nsam.setLinkamTemperature(40)\nsam.setLinkamOn()\n"
                             "while sam.linkamTemperature() < 40:\n    pass\nsam.measure(1)",
                    {"control": {"round_trip": 0.01}})
    start = [e.t for e in result.trace if e.channel == pvs.cam("pilatus2M", "Acquire")][0]
    assert 15.0 <= start <= 15.1  # 15 deg C at 1 deg C/s, then the measurement's few round trips


@pytest.mark.parametrize("round_trip", [0.001, 0.01])
def test_every_command_costs_one_configurable_round_trip(sandbox, round_trip):
    result = run_ok(sandbox, "for _ in range(100):\n    sam.linkamTemperature()\nprint(time.monotonic())",
                    {"control": {"round_trip": round_trip}})
    assert float(result.output) == pytest.approx(100 * round_trip)


def test_daily_helpers_read_positions_in_sample_coordinates(sandbox):
    source = """
sam.xabs(2); sam.yabs(-1); sam.thabs(0.2); sam.phiabs(30)
sam.setOrigin(['x'], [1.5])
print(sam.x(verbosity=0), sam.y(verbosity=0), sam.th(verbosity=0), sam.phi(verbosity=0))
print(sam.xpos(verbosity=0), sam.ypos(verbosity=0), sam.thpos(verbosity=0), sam.phipos(verbosity=0))
sam.reset_clock()
sam.measure(2)
print(round(sam.clock(), 1))
"""
    lines = run_ok(sandbox, source).output.splitlines()
    assert lines[0] == lines[1] == "0.5 -1.0 0.2 30.0"
    assert lines[2] == "2.0"


def test_every_operator_command_of_the_beamline_is_in_the_api_reference():
    text = api_reference()
    for name in ["sam.x(", "sam.y(", "sam.th(", "sam.phi(", "sam.xpos(", "sam.clock(", "sam.reset_clock(",
                 "sam.measure(", "sam.snap(", "sam.measureTimeSeries(", "sam.series_measure(", "sam.measureSpots(",
                 "sam.measureIncidentAngle(", "sam.measureIncidentAngles(", "sam.align(", "sam.xabs(", "sam.xr(",
                 "sam.setOrigin(", "sam.gotoOrigin(", "sam.pos(", "wsam(", "sam.setLinkamRate(",
                 "sam.setLinkamTemperature(", "sam.setLinkamOn(", "sam.setLinkamOff(", "sam.linkamTemperature(",
                 "detselect(", "beam.on(", "beam.off(", "beam.energy(", "beam.setTransmission(", "fit_scan("]:
        line = next((ln for ln in text.splitlines() if ln.startswith(f"- `{name}")), None)
        assert line is not None and len(line.split("`: ", 1)[1]) > 10, name  # listed, with its docstring


def test_linkam_reaches_liquid_nitrogen_temperatures_unless_the_task_narrows_it(sandbox):
    cold = "sam.setLinkamRate(20)\nsam.setLinkamTemperature(-150)\nsam.setLinkamOn()\nsam.setLinkamRate(0.05)"
    assert run_ok(sandbox, cold).final_state[pvs.LINKAM_SETPOINT] == -150
    assert sandbox.run(cold, {"linkam": {"min_temperature": -40}}).outcome is Outcome.SAFETY
    assert sandbox.run(cold, {"linkam": {"min_rate": 0.1}}).outcome is Outcome.SAFETY


@pytest.mark.parametrize("query", ["wsam()", "sam.pos()", "sam.x()", "print(sam.pos(verbosity=0))"])
def test_queries_leave_no_event(sandbox, query):
    plain = run_ok(sandbox, "sam.xr(1)\nsam.measure(1)")
    asked = run_ok(sandbox, f"sam.xr(1)\n{query}\nsam.measure(1)")
    strip = lambda r: [(e.channel, e.value) for e in r.trace]  # noqa: E731
    assert strip(asked) == strip(plain)


def test_the_documented_call_event_is_what_the_twin_records(sandbox):
    """docs/twin.md shows a call event as it is recorded: its value is the arguments, compared like any value."""
    text = (DOCS / "twin.md").read_text()
    program, shown = re.search(r"call event: `(.+?)`\s+records\s+`(\{.+?\})`\.", text, re.S).groups()
    recorded = [e for e in run_ok(sandbox, program).trace if e.channel == "sam.setOrigin"]
    obj = event_to_obj(recorded[0])
    expected = json.loads(shown)
    assert {k: obj[k] for k in expected} == expected
    assert "never compared" not in (DOCS / "suites.md").read_text()
