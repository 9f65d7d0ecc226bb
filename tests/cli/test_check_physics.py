"""`twinbench check --twin physics plan.py`: a MuJoCo program run in the physics twin, its trace summarised."""

import json
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-c", "from twinbench.cli import main; main()", "check"]
PENDULUM = Path(__file__).parents[2] / "examples" / "physics" / "pendulum.py"


def check(*args, cwd):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"})


def test_a_pendulum_plan_prints_its_parameters_and_sampled_channels(tmp_path):
    done = check("--twin", "physics", "--rows", "0", PENDULUM, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "param/joint/hinge/type" in done.stdout and "hinge" in done.stdout
    assert "Sampled channels" in done.stdout
    summary = next(line for line in done.stdout.splitlines() if line.strip().startswith("joint/hinge/qpos"))
    assert summary.split()[1] == "302"  # 3 s sampled every 10 ms, and the end
    assert "Outcome: ok" in done.stdout and "angle after 3.002 s" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80


def test_json_output_holds_the_whole_trace(tmp_path):
    done = check("--twin", "physics", "--json", PENDULUM, cwd=tmp_path)
    obj = json.loads(done.stdout)
    assert obj["outcome"] == "ok"
    assert sum(1 for e in obj["trace"]["events"] if e["channel"] == "joint/hinge/qpos") == 302


def test_an_unstable_plan_exits_1(tmp_path):
    plan = tmp_path / "plan.py"
    plan.write_text(PENDULUM.read_text().replace("data.qpos[0] = 0.5", "data.qpos[0] = float('nan')"))
    done = check("--twin", "physics", plan, cwd=tmp_path)
    assert done.returncode == 1
    assert "Outcome: error" in done.stdout and "unstable" in done.stdout


def test_an_unknown_twin_exits_2(tmp_path):
    done = check("--twin", "nope", PENDULUM, cwd=tmp_path)
    assert done.returncode == 2
    assert "twin 'nope': not registered" in done.stderr and "physics" in done.stderr
