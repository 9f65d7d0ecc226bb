"""A third twin from a package outside twinbench (tests/twins/toytwin_pkg), found by its entry point: checked,
run and benchmarked by real `twinbench` subprocesses, through the real sandbox, with no change to twinbench."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

TOY_PKG = Path(__file__).resolve().parent / "toytwin_pkg"
SET_WAIT_SET = "lamp.set(3)\nlamp.wait(5)\nlamp.set(5)"


def twinbench(*args: str, cwd: Path, pythonpath: Path = TOY_PKG) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "TWINBENCH_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "twinbench", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def python(code: str, cwd: Path, pythonpath: Path = TOY_PKG) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env={**os.environ, "PYTHONPATH": str(pythonpath)},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def toy_suite(tmp_path: Path) -> Path:
    root = tmp_path / "lamps"
    root.mkdir()
    (root / "suite.yaml").write_text(yaml.safe_dump({"name": "lamps", "version": "1", "twin": "toy"}))
    task = {"id": "dim-up", "category": "lamp", "difficulty": "simple", "instruction": "Set 3, wait 5 ticks, set 5.",
            "references": [SET_WAIT_SET], "initial_state": {"max_level": 8}}
    (root / "tasks.yaml").write_text(yaml.safe_dump([task]))
    return root


def test_the_toy_is_listed_beside_the_built_in_twin(tmp_path):
    done = twinbench("twins", "list", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    toy = {row["name"]: row for row in json.loads(done.stdout)}["toy"]
    assert toy["budget"] == {"default": 100, "unit": "ticks"} and toy["client"] == "toytwin.client"
    without = twinbench("twins", "list", "--json", cwd=tmp_path, pythonpath=tmp_path)
    assert "toy" not in {row["name"] for row in json.loads(without.stdout)}


def test_check_runs_a_plan_in_the_toy_through_the_sandbox(tmp_path):
    plan = tmp_path / "plan.py"
    plan.write_text(SET_WAIT_SET + "\nprint(lamp.level())\n")
    done = twinbench("check", "--twin", "toy", "--json", str(plan), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == "ok" and result["output"] == "5.0\n" and result["duration"] == 8.0
    assert [(e["channel"], e["timestamp"], e["value"]) for e in result["trace"]["events"]] == [
        ("lamp:level", 1.0, 3.0), ("lamp:level", 7.0, 5.0)]  # one tick per set or read
    plan.write_text("lamp.set(30)\nlamp.set(2)\n")
    refused = json.loads(twinbench("check", "--twin", "toy", "--json", str(plan), cwd=tmp_path).stdout)
    assert refused["outcome"] == "safety" and refused["error"] is None  # skipped: the plan went on
    assert [e["channel"] for e in refused["trace"]["events"]] == ["safety", "lamp:level"]
    first = json.loads(twinbench("check", "--twin", "toy", "--json", "--stop-at-first", str(plan), cwd=tmp_path).stdout)
    assert first["outcome"] == "safety" and first["error"]["type"] == "TooBright"
    plan.write_text("lamp.wait(60)\nlamp.wait(60)\n")
    over = json.loads(twinbench("check", "--twin", "toy", "--json", "--budget", "100", str(plan), cwd=tmp_path).stdout)
    assert over["outcome"] == "timeout" and "100 ticks" in over["detail"]


def test_a_suite_of_the_toy_runs_scores_and_checks_with_a_replay_model(tmp_path, toy_suite):
    wrong = SET_WAIT_SET.replace("set(5)", "set(6)")
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps({"task": "dim-up", "sample": s, "text": f"```python\n{code}\n```"}) + "\n"
                               for s, code in enumerate([SET_WAIT_SET, wrong])))
    done = twinbench("run", "--suite", str(toy_suite), "--model", f"replay:{answers}", "--samples", "2",
                     "--store", "s.sqlite", "--no-leaderboard", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(twinbench("leaderboard", "--store", "s.sqlite", "--format", "json", cwd=tmp_path).stdout)
    assert row["cells"] == row["finished"] == 2 and row["pass_rate"] == pytest.approx(0.5)
    (run,) = json.loads(twinbench("runs", "list", "--json", "--store", "s.sqlite", cwd=tmp_path).stdout)
    config = json.loads(twinbench("runs", "show", run["run_id"], "--json", "--store", "s.sqlite",
                                  cwd=tmp_path).stdout)["config"]
    assert (config["twin"], config["prompt_version"]) == ("toy", "toy-v1")
    stats = twinbench("suite", "stats", str(toy_suite), "--json", "--validity", cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    validity = json.loads(stats.stdout)["validity"]
    assert validity["by_kind"] == {"brighter": {"detected": 1}, "in_function": {"passed": 1}}


def test_a_suite_refuses_another_twin_and_an_unknown_twin_is_named(tmp_path, toy_suite):
    other = twinbench("suite", "stats", str(toy_suite), "--twin", "beamline", cwd=tmp_path)
    assert other.returncode == 2 and "runs on twin 'toy', not 'beamline'" in other.stderr
    unknown = twinbench("check", "--twin", "nope", str(toy_suite / "suite.yaml"), cwd=tmp_path)
    assert unknown.returncode == 2 and "known: beamline, physics, toy" in unknown.stderr
    bad_state = toy_suite / "tasks.yaml"
    bad_state.write_text(bad_state.read_text().replace("max_level: 8", "max_level: -1"))
    bad = twinbench("suite", "stats", str(toy_suite), cwd=tmp_path)
    assert bad.returncode == 2 and "field 'initial_state.max_level'" in bad.stderr


def test_loading_twins_imports_none_of_their_simulators_or_clients(tmp_path):
    code = ("import sys\nfrom twinbench.twins import get_twin, twin_names\n"
            "print([get_twin(n).name for n in twin_names()])\n"
            "print(sorted(m for m in sys.modules if m.startswith(('bluesky', 'ophyd', 'numpy', 'toytwin.', "
            "'twinbench.twins.beamline.'))))")
    done = python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    names, heavy = done.stdout.splitlines()
    assert "'toy'" in names and "'beamline'" in names
    assert heavy == "[]"


def test_editing_one_twin_changes_its_fingerprint_and_no_other(tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(TOY_PKG, copy)
    code = ("from twinbench.tasks.references import twin_fingerprint\n"
            "print(twin_fingerprint('toy'), twin_fingerprint('beamline'))")
    toy, beamline = python(code, tmp_path, copy).stdout.split()
    sim = copy / "toytwin" / "sim.py"
    sim.write_text(sim.read_text() + "\n# an edit\n")
    toy_after, beamline_after = python(code, tmp_path, copy).stdout.split()
    assert toy_after != toy and beamline_after == beamline
