"""Each way a run can end, the result's fields, and the no-bubblewrap fallback."""

import json

from twinbench.sandbox import Limits, Outcome, Sandbox
from twinbench.trace.io import trace_to_obj
from twinbench.twins.beamline import pvs

MIXED = """
sam.xabs(1.5)
sam.measure(2)
RE(bp.scan([pilatus2M], smx, 0, 1, 5))
RE(bps.sleep(3))
sam.setLinkamRate(20)
sam.setLinkamTemperature(40)
sam.setLinkamOn()
while sam.linkamTemperature() < 40:
    time.sleep(5)
    sam.snap(0.5)
sam.align()
sam.measureIncidentAngles([0.1, 0.2], exposure_time=1)
wsam()
print(time.time())
"""


def test_ok_run_has_trace_duration_and_state(sandbox):
    result = sandbox.run("sam.xabs(2)\nsam.measure(3)\nprint('done', time.time())", {"control": {"round_trip": 0.0}})
    assert result.outcome is Outcome.OK
    assert result.output == "done 1700000004.0\n"
    assert result.duration == 4.0  # 2 mm at 2 mm/s, then a 3 s exposure
    assert result.final_state[pvs.MOTORS["smx"]] == 2.0
    assert result.isolation == "bwrap+rlimits"


def test_error_names_type_message_and_line(sandbox):
    result = sandbox.run("sam.xabs(1)\n\nx = {}['missing']\n")
    assert result.outcome is Outcome.ERROR
    assert (result.error.type, result.error.line) == ("KeyError", 3)
    assert len(result.trace) == 1  # the partial trace is kept


def test_syntax_error_is_an_error(sandbox):
    result = sandbox.run("sam.xabs(1\n")
    assert result.outcome is Outcome.ERROR and result.error.type == "SyntaxError"


def test_soft_limit_is_refused_and_recorded(sandbox):
    result = sandbox.run(
        "try:\n    sam.xabs(60)\nexcept Exception as e:\n    print(type(e).__name__)\nsam.xabs(1)"
    )
    assert result.outcome is Outcome.SAFETY
    assert result.output == "LimitError\n"
    assert [e.channel for e in result.safety] == ["safety"]
    assert result.safety[0].meta["requested"] == 60.0
    assert result.final_state[pvs.MOTORS["smx"]] == 1.0


def test_task_state_sets_limits_and_positions(sandbox):
    state = {"motors": {"smx": {"position": 5.0, "high": 6.0}}, "linkam": {"max_temperature": 100}}
    result = sandbox.run("sam.xabs(5.5)\nsam.setLinkamTemperature(150)", state)
    assert result.outcome is Outcome.SAFETY
    assert "Linkam setpoint" in result.safety[0].value
    assert result.final_state[pvs.MOTORS["smx"]] == 5.5


def test_virtual_budget_ends_as_timeout(sandbox):
    result = sandbox.run("time.sleep(7200)", limits=Limits(budget=3600))
    assert result.outcome is Outcome.TIMEOUT
    assert result.duration == 3600


def test_output_is_capped(sandbox):
    result = sandbox.run("print('y' * 500000)", limits=Limits(output_bytes=1000))
    assert result.outcome is Outcome.OK
    assert len(result.output) == 1000 and result.output_truncated


def test_same_program_gives_bit_identical_traces_50_times(sandbox):
    dumps = {json.dumps(trace_to_obj(sandbox.run(MIXED).trace)) for _ in range(50)}
    assert len(dumps) == 1
    assert len(json.loads(dumps.pop())["events"]) > 50


def test_result_serialises_to_json(sandbox):
    obj = sandbox.run("sam.xabs(99)").to_obj()
    json.dumps(obj)
    assert obj["outcome"] == "safety" and obj["safety"][0]["channel"] == "safety"


def test_runs_without_bubblewrap_and_says_so(capsys):
    with Sandbox(isolation="none") as sb:
        result = sb.run("sam.measure(1)")
    assert result.outcome is Outcome.OK
    assert result.isolation == "rlimits"
    assert any("WITHOUT" in w for w in result.warnings)
    assert "WITHOUT" in capsys.readouterr().err
