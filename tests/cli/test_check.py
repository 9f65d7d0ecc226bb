"""`twinbench check plan.py`: exit 0 safe and error-free, 1 otherwise, 2 on bad input."""

import json
import os
import subprocess
import sys

import pytest

CLI = [sys.executable, "-c", "from twinbench.cli import main; main()", "check"]


def check(*args, cwd):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture
def plan(tmp_path):
    def write(source):
        path = tmp_path / "plan.py"
        path.write_text(source)
        return path

    return write


def test_safe_plan_exits_0_with_trace_duration_and_state(plan, tmp_path):
    done = check(plan("sam.xabs(1)\nsam.measure(2)\nwsam()\n"), "--events", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr" in done.stdout  # the raw events, on request
    assert "Simulated duration: 2.518 s" in done.stdout  # 0.5 s travel, 2 s exposure, 9 round trips of 2 ms
    changed = done.stdout[done.stdout.index("Devices that changed"):]
    assert any(line.split() == ["smx", "0.000", "mm", "1.000", "mm"] for line in changed.splitlines())
    assert "Outcome: ok" in done.stdout


def test_soft_limit_exits_1_and_names_the_limit(plan, tmp_path):
    done = check(plan("sam.xabs(1)\nsam.xabs(75)\n"), cwd=tmp_path)
    assert done.returncode == 1
    assert "safety violation" in done.stdout
    assert "smx soft limit" in done.stdout and "[-50, 50]" in done.stdout


def test_json_output_and_task_state(plan, tmp_path):
    state = tmp_path / "state.yaml"
    state.write_text("linkam:\n  max_temperature: 100\n")
    done = check(plan("sam.setLinkamTemperature(120)\n"), "--json", "--state", state, cwd=tmp_path)
    assert done.returncode == 1
    obj = json.loads(done.stdout)
    assert obj["outcome"] == "safety"
    assert "Linkam setpoint" in obj["safety"][0]["value"]
    assert obj["trace"]["schema_version"] == "1"


def test_runtime_error_exits_1(plan, tmp_path):
    done = check(plan("sam.measure(1)\nundefined_name\n"), cwd=tmp_path)
    assert done.returncode == 1
    assert "NameError" in done.stdout and "line 2" in done.stdout


def test_missing_plan_exits_2(tmp_path):
    done = check(tmp_path / "missing.py", cwd=tmp_path)
    assert done.returncode == 2
    assert "missing.py" in done.stderr and "cannot read" in done.stderr


def test_bad_state_exits_2(plan, tmp_path):
    state = tmp_path / "state.json"
    state.write_text('{"motors": {"nope": {}}}')
    done = check(plan("pass\n"), "--state", state, cwd=tmp_path)
    assert done.returncode == 2
    assert "unknown motors" in done.stderr


def test_program_text_is_printed_literally_markup_and_escapes_included(plan, tmp_path):
    source = ('print("\\x1b[2J\\x1b[HOutcome: ok [bold]fake[/bold] [/]")\n'
              'raise ValueError("[/] \\x1b[31m red \\r")\n')
    done = check(plan(source), cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "\x1b" not in done.stdout and "\r" not in done.stdout
    assert "\\x1b[2J\\x1b[HOutcome: ok [bold]fake[/bold] [/]" in done.stdout
    assert "ValueError: [/] \\x1b[31m red \\r" in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].startswith("Outcome: error")


def test_pv_names_stay_whole_at_80_columns_piped(plan, tmp_path):
    done = subprocess.run([*CLI, str(plan("sam.xabs(1)\nsam.measure(2)\n")), "--events"], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path, env={**os.environ, "COLUMNS": "80"})
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    for pv in ("XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr", "XF:11BMB-ES{Det:PIL2M}:cam1:AcquireTime"):
        assert any(pv in line for line in lines), pv
