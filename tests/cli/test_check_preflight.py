"""`twinbench check` as a pre-flight check: summary first, every refusal and warning with its line, flags for the
raw events, strictness, limits and output, and `twinbench api` for the commands a plan may use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "twinbench"]
CORPUS = Path(__file__).parents[1] / "twins" / "beamline" / "preflight"


def twinbench(*args, cwd, columns: int = 80):
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


def flat(text: str) -> str:
    """The text with its lines joined (the terminal wraps long lines at spaces)."""
    return " ".join(text.split())


def _row(text: str, first: str) -> list[str]:
    return next(line.split() for line in text.splitlines() if line.split()[:1] == [first])


def test_the_25_to_150_ramp_fits_one_screen_with_the_ramp_exposures_and_final_temperature(tmp_path):
    done = twinbench("check", CORPUS / "ramp_25_150.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) < 60 and max(map(len, lines)) <= 80, done.stdout
    assert "Temperature: 25.0 °C → 150.0 °C; at the end the heater is off" in done.stdout
    ramp = next(line.split() for line in lines if "ramp up" in line)
    assert ramp[-3:] == ["25.0", "150.0", "10.0"]  # min, max, deg C per minute
    assert "Exposures (13)" in done.stdout
    exposures = [line.split() for line in lines if line.split()[:1] == ["13"]]  # every frame comes from line 13
    temperatures = [float(row[-2] if row[-1] == "↑" else row[-1]) for row in exposures]
    assert all(0 <= t - target <= 0.25 for t, target in zip(temperatures, range(30, 151, 10), strict=True))
    assert [row[-1] == "↑" for row in exposures] == [True] * 12 + [False]  # ramping until the last, at 150
    assert _row(done.stdout, "linkam.temperature")[-2:] == ["150.0", "°C"]
    assert "-0.30000000000000004" not in done.stdout and "XF:" not in done.stdout  # no raw PVs, no float noise


def test_three_refusals_are_all_reported_in_one_check_and_stop_at_first_keeps_the_first(tmp_path):
    plan = CORPUS / "three_refusals.py"
    done = twinbench("check", plan, cwd=tmp_path)
    assert done.returncode == 1
    violations = [line for line in done.stdout.splitlines() if line.startswith("safety violation")]
    assert [line.split()[3] for line in violations] == ["5", "6", "9"], done.stdout
    assert "smx soft limit" in violations[0] and "setpoint" in violations[1] and "ramp rate" in violations[2]
    assert "sam.setLinkamRate(500)" in done.stdout  # the program line of each
    assert "Exposures (1)" in done.stdout  # the plan went on past its refusals
    first = json.loads(twinbench("check", "--stop-at-first", "--json", plan, cwd=tmp_path).stdout)
    assert first["outcome"] == "safety" and len(first["safety"]) == 1 and first["error"]["line"] == 5


def test_strict_fails_on_warnings_and_a_state_file_changes_the_rules(tmp_path):
    plan = Path(__file__).parents[2] / "examples" / "plan.py"  # it never opens the shutter
    assert twinbench("check", plan, cwd=tmp_path).returncode == 0  # a warning alone passes
    assert twinbench("check", "--strict", plan, cwd=tmp_path).returncode == 1
    state = tmp_path / "state.yaml"
    state.write_text("preflight:\n  rules:\n    shutter-closed: {severity: error}\n")
    done = twinbench("check", "--state", state, plan, cwd=tmp_path)
    assert done.returncode == 1 and "error line 10 [shutter-closed]" in done.stdout, done.stdout


def test_a_bad_rule_in_the_state_file_is_one_line_naming_the_rule_and_field(tmp_path):
    state = tmp_path / "state.yaml"
    state.write_text("preflight:\n  rules:\n    my-rule: {kind: at-end, explain: x, require: {nope: {equals: 1}}}\n")
    done = twinbench("check", "--state", state, CORPUS / "empty_plan.py", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "preflight.rules" in done.stderr and "my-rule" in done.stderr and "unknown devices ['nope']" in done.stderr


def test_events_on_request_filtered_by_channel_and_capped(tmp_path):
    done = twinbench("check", "--events", "--channel", "temp", "--max-events", "5", CORPUS / "ramp_25_150.py",
                     cwd=tmp_path)
    rows = [line.split() for line in done.stdout.splitlines() if "{LINKAM}:TEMP" in line]
    assert len(rows) == 5 and [r[1] for r in rows] == ["12"] * 5  # polled at line 12: the sleep
    assert "more events not shown" in done.stdout
    by_device = twinbench("check", "--events", "--channel", "smx", CORPUS / "ramp_25_150.py", cwd=tmp_path)
    moves = [line.split() for line in by_device.stdout.splitlines() if "Smpl-Ax:X" in line]
    assert [(m[1], m[-1]) for m in moves] == [("6", "1.500")]


def test_json_holds_the_report_the_trace_lines_and_the_suggestions(tmp_path):
    done = twinbench("check", "--json", CORPUS / "typo_attribute.py", CORPUS / "direct_beam.py", cwd=tmp_path)
    typo, direct = json.loads(done.stdout)
    assert typo["suggestions"] == ["sam.measure"] and typo["error"]["line"] == 6
    assert len(direct["event_lines"]) == len(direct["trace"]["events"])
    findings = {(f["rule"], f["line"], f["severity"]) for f in direct["preflight"]["findings"]}
    assert findings == {("direct-beam", 6, "error"), ("beamstop-not-parked", 5, "warning")}
    assert direct["preflight"]["data"]["exposures"][0]["positions"]["smx"] == 0
    assert done.returncode == 1  # the typo is an error, the direct beam an error finding


def test_a_misspelt_command_gets_did_you_mean(tmp_path):
    done = twinbench("check", CORPUS / "typo_attribute.py", cwd=tmp_path)
    assert "has no attribute 'meaure'; did you mean sam.measure?" in flat(done.stdout)
    assert "6 | sam.meaure(1)" in done.stdout


def test_a_timeout_names_its_limit_and_the_flag_that_raises_it(tmp_path):
    busy, long = tmp_path / "busy.py", tmp_path / "long.py"
    busy.write_text("while True:\n    pass\n")
    long.write_text("time.sleep(100)\n")
    done = twinbench("check", "--wall-seconds", "1", busy, cwd=tmp_path)
    assert "Outcome: timeout wall-clock limit of 1.0 s (1 s + 60 s per hour of twin time); raise it with " \
           "--wall-seconds" in flat(done.stdout)
    assert "[empty-plan]" not in done.stdout and "did not run to its end" in flat(done.stdout)
    done = twinbench("check", "--budget", "10", long, cwd=tmp_path)
    assert "budget of 10 s exhausted; raise it with --budget" in flat(done.stdout)


def test_program_output_is_capped_with_a_note_and_source_lines_stay_literal(tmp_path):
    plan = tmp_path / "chatty.py"
    plan.write_text("for i in range(100):\n    print(f'[bold]line {i}[/]')\nsam.measure(0)  # [red]zero[/]\n")
    done = twinbench("check", "--output-lines", "3", plan, cwd=tmp_path)
    assert "Program output (100 lines):" in done.stdout and "[bold]line 2[/]" in done.stdout
    assert "[bold]line 3[/]" not in done.stdout and "97 more lines not shown" in done.stdout
    assert "3 | sam.measure(0)  # [red]zero[/]" in done.stdout  # the warning's program line, as written


def test_api_prints_the_reference_one_command_and_suggests_for_a_typo(tmp_path):
    whole = twinbench("api", cwd=tmp_path)
    assert whole.returncode == 0 and whole.stdout.startswith("# Beamline control API")
    one = twinbench("api", "measureTimeSeries", cwd=tmp_path)
    assert one.stdout.startswith("sam.measureTimeSeries(") and "num_frames" in one.stdout
    listed = json.loads(twinbench("api", "--json", cwd=tmp_path).stdout)
    assert {"sam.measure", "beam.on", "detselect", "fit_scan"} <= {c["name"] for c in listed["commands"]}
    typo = twinbench("api", "setLinkamTemp", cwd=tmp_path)
    assert typo.returncode == 2 and "did you mean sam.setLinkamTemperature" in typo.stderr


def test_the_limits_grow_with_the_plan_unless_a_limit_is_given():
    from twinbench.cli.check import _limits

    default = _limits(None, None, None)
    assert (default.wall_seconds, default.wall_seconds_per_hour, default.harness_cpu_seconds) == (20, 60, 60)
    given = _limits(["wall_seconds_per_hour=0", "harness_cpu_seconds=10", "wall_seconds=5"], 7, 100)
    assert (given.wall_seconds, given.wall_seconds_per_hour, given.harness_cpu_seconds, given.budget) == (7, 0, 10, 100)
