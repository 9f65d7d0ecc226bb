"""`twinbench run` and `twinbench leaderboard` end to end with a replay model: real sandbox, real SQLite."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from twinbench.errors import InputError
from twinbench.runner.benchmark import default_run_id, run_config, select_tasks
from twinbench.runner.replay_answers import write_replay
from twinbench.sandbox import Limits
from twinbench.tasks import load_suite

PATTERNS = ["move_relative", "scan_1d", "temperature_ramp", "safety"]
PER_CATEGORY = 2  # tasks of each category in the run: every category, every kind of answer, a short run


def task_ids(per_category: int) -> list[str]:
    """The first `per_category` tasks of each category of PATTERNS."""
    return [t.id for category in PATTERNS for t in select_tasks(load_suite("beamline"), [category])[:per_category]]


TASK_IDS = task_ids(PER_CATEGORY)


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> tuple[Path, list]:
    tasks = select_tasks(load_suite("beamline"), TASK_IDS)
    path = tmp_path_factory.mktemp("replay") / "answers.jsonl"
    return write_replay(tasks, 5, path), tasks


@pytest.fixture(scope="module")
def whole(answers, tmp_path_factory) -> Path:
    """The folder of one uninterrupted run of every answer (shared by the tests that compare against it)."""
    folder = tmp_path_factory.mktemp("whole")
    out = twinbench(*run_args(answers[0]), cwd=folder)
    assert out.returncode == 0, out.stderr
    return folder


def twinbench(*args: str, cwd: Path, cache: Path | None = None, env: dict | None = None,
              **kw) -> subprocess.CompletedProcess:
    env = {**(os.environ if env is None else env), "TWINBENCH_CACHE": str(cache or cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "twinbench", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, **kw)


def run_args(replay: Path, tasks: list[str] = TASK_IDS) -> list[str]:
    return ["run", "--model", f"replay:{replay}", "--samples", "5", "--store", "s.sqlite", "--no-leaderboard",
            *[a for task in tasks for a in ("--tasks", task)]]


def board(cwd: Path) -> list[dict]:
    out = twinbench("leaderboard", "--store", "s.sqlite", "--format", "json", cwd=cwd)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_run_scores_every_cell_and_the_leaderboard_reflects_the_answers(answers, whole):
    replay, tasks = answers
    (row,) = board(whole)
    assert row["cells"] == row["finished"] == 5 * len(tasks)
    # samples 0, 1, 3 are references (fenced, with prose, unfenced), 2 a wrong variant, 4 a refusal
    assert row["pass_rate"] == pytest.approx(3 / 5)
    assert row["pass_at_k"] == {"1": pytest.approx(0.6), "5": 1.0}
    assert row["outcomes"]["no_code"] == pytest.approx(0.2)
    assert row["score"]["lo"] <= row["score"]["value"] <= row["score"]["hi"]
    assert set(row["by_category"]) == set(PATTERNS)
    assert 0 < row["similarity"]["codebleu"] < 1
    db = sqlite3.connect(whole / "s.sqlite")
    extractions = dict(db.execute("SELECT extraction, count(*) FROM executions GROUP BY extraction").fetchall())
    assert extractions == {"fenced": 3 * len(tasks), "plain": len(tasks), "none": len(tasks)}
    for fmt, marker in (("csv", "model,cells"), ("markdown", "| model |")):
        text = twinbench("leaderboard", "--store", "s.sqlite", "--format", fmt, cwd=whole).stdout
        assert marker in text


def test_killed_run_resumes_to_the_same_leaderboard(answers, whole, tmp_path):
    replay, tasks = answers
    broken = tmp_path / "broken"
    broken.mkdir()
    env = {**os.environ, "TWINBENCH_CACHE": str(broken / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "twinbench", *run_args(replay)], cwd=broken, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    finished = 0
    while time.monotonic() < deadline and finished < len(tasks) * 2:
        time.sleep(0.2)
        if (broken / "s.sqlite").exists():
            try:
                finished = sqlite3.connect(broken / "s.sqlite").execute("SELECT count(*) FROM cells").fetchone()[0]
            except sqlite3.OperationalError:
                finished = 0
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < finished < 5 * len(tasks)
    resumed = twinbench(*run_args(replay), cwd=broken)
    assert resumed.returncode == 0 and "resuming" in resumed.stdout
    assert board(broken) == board(whole)


def test_leaderboard_of_a_suite_given_as_a_folder(tmp_path):
    """The leaderboard reads task categories from the stored run, not from a built-in suite of that name."""
    import shutil

    folder = tmp_path / "mysuite"
    shutil.copytree(load_suite("beamline").path, folder)
    meta = folder / "suite.yaml"
    meta.write_text(meta.read_text().replace("name: beamline", "name: my-lab"))
    tasks = select_tasks(load_suite(str(folder)), ["beam"])
    replay = write_replay(tasks, 1, tmp_path / "a.jsonl")
    out = twinbench("run", "--suite", str(folder), "--model", f"replay:{replay}", "--tasks", "beam",
                    "--store", "s.sqlite", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (row,) = board(tmp_path)
    assert row["by_category"].keys() == {"beam"} and row["finished"] == len(tasks)
    shown = twinbench("leaderboard", "--store", "s.sqlite", cwd=tmp_path)
    [run_id] = [line.split()[1].rstrip(":") for line in out.stdout.splitlines() if line.startswith("run my-lab-")]
    assert f"run {run_id} ({len(tasks)} of {len(tasks)} cells finished, the latest run with results)" in shown.stderr


def test_a_model_that_cannot_start_leaves_no_run_and_leaderboard_never_creates_a_store(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    out = twinbench("run", "--model", "openai:gpt-4o", "--tasks", "beam", "--store", "s.sqlite", cwd=tmp_path,
                    env=env)
    assert out.returncode == 2 and "OPENAI_API_KEY" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "s.sqlite").exists()
    shown = twinbench("leaderboard", "--store", "s.sqlite", cwd=tmp_path)
    assert shown.returncode == 2 and "no results store here" in shown.stderr
    assert not (tmp_path / "s.sqlite").exists()


def test_an_edited_task_is_a_new_run_and_the_run_keeps_the_tasks_it_ran(tmp_path):
    import shutil

    from twinbench.runner.benchmark import stored_tasks, tasks_blob
    from twinbench.store import Store
    from twinbench.tasks.suite import dump_yaml

    folder = tmp_path / "suite"
    shutil.copytree(load_suite("beamline").path, folder)
    before = load_suite(str(folder))
    chosen = select_tasks(before, ["beam"])
    path = next(p for p in folder.glob("*.yaml") if f"id: {chosen[0].id}" in p.read_text())
    items = yaml.safe_load(path.read_text())
    [edited] = [t for t in items if t["id"] == chosen[0].id]
    edited["references"][0] += "sam.measure(1)\n"
    path.write_text(dump_yaml(items))
    after = select_tasks(load_suite(str(folder)), ["beam"])
    assert [t.id for t in after] == [t.id for t in chosen] and after[0].references != chosen[0].references
    config = run_config(before, chosen, [], 1, "system")
    assert default_run_id(config) != default_run_id(run_config(before, after, [], 1, "system"))
    store = Store.open(tmp_path / "s.sqlite")
    store.put_blob(tasks_blob(before, chosen))
    assert stored_tasks(store, config) == {t.id: t for t in chosen}


def test_limits_are_part_of_the_run_identity_and_defaults_keep_old_ids():
    suite = load_suite("beamline")
    chosen = select_tasks(suite, ["beam"])
    plain = run_config(suite, chosen, [], 1, "system")
    assert run_config(suite, chosen, [], 1, "system", Limits()) == plain
    tight = run_config(suite, chosen, [], 1, "system", Limits.from_pairs(["wall_seconds=5"]))
    assert tight["limits"] == {"wall_seconds": 5.0}
    assert default_run_id(tight) != default_run_id(plain)


@pytest.mark.parametrize(("pairs", "message"), [
    (["wall_seconds"], "not NAME=VALUE"),
    (["walls=3"], "not NAME=VALUE"),
    (["wall_seconds=-1"], "greater than 0"),
    (["cpu_seconds=fast"], "valid integer"),
])
def test_bad_limits_are_one_clear_error(pairs, message):
    with pytest.raises(InputError, match=message) as caught:
        Limits.from_pairs(pairs)
    assert str(caught.value).startswith("--limit")
