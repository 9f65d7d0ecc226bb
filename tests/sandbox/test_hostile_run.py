"""A real `twinbench run` whose answers are the whole hostile corpus: it finishes with every cell classified,
the harness stays under 1 GB, and a run killed with SIGKILL resumes to the same outcomes."""

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
from test_hostile import CORPUS, LIMITS, expectation

from twinbench.runner.benchmark import select_tasks
from twinbench.sandbox import Outcome
from twinbench.tasks import load_suite

PATTERN = "move_absolute"
TIME_BOUND = {"timeout", "budget"}  # which comes first depends on the machine's load


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> tuple[Path, int, dict[tuple[str, int], Path]]:
    """Replay answers that put every corpus program in a fenced block, each at least once."""
    tasks = select_tasks(load_suite("beamline"), [PATTERN])
    samples = -(-len(CORPUS) // len(tasks))
    path = tmp_path_factory.mktemp("replay") / "hostile.jsonl"
    programs = {}
    with path.open("w") as f:
        for i, task in enumerate(tasks):
            for s in range(samples):
                program = CORPUS[(i * samples + s) % len(CORPUS)]
                programs[(task.id, s)] = program
                text = f"Here it is.\n\n```python\n{program.read_text()}\n```\n"
                f.write(json.dumps({"task": task.id, "sample": s, "text": text}) + "\n")
    assert set(programs.values()) == set(CORPUS)
    return path, samples, programs


def start(replay: Path, samples: int, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "TWINBENCH_CACHE": str(cwd / "cache")}
    args = ["run", "--model", f"replay:{replay}", "--samples", str(samples), "--tasks", PATTERN,
            "--store", "twinbench.sqlite", "--no-leaderboard",
            *(f"--limit={name}={value}" for name, value in LIMITS.overrides().items())]  # the corpus's own limits
    return subprocess.Popen([sys.executable, "-m", "twinbench", *args], cwd=cwd, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def peak_rss_mb(pid: int) -> float:
    """The process's high-water resident memory so far (VmHWM), 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0.0)


def finish(proc: subprocess.Popen) -> float:
    """Wait for the run, sampling its peak memory; returns the peak in MB."""
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, peak_rss_mb(proc.pid))
        time.sleep(0.2)
    out, err = proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    return peak


def statuses(cwd: Path) -> dict[tuple[str, int], str | None]:
    db = sqlite3.connect(cwd / "twinbench.sqlite")
    rows = db.execute("SELECT m.task, m.sample, c.status, x.status FROM manifest m"
                      " LEFT JOIN cells c USING (run_id, cell_id) LEFT JOIN executions x USING (run_id, cell_id)")
    return {(task, sample): (cell, execution) for task, sample, cell, execution in rows}


def test_a_run_of_every_hostile_program_finishes_classified_and_resumes_alike(answers, tmp_path):
    replay, samples, programs = answers
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    whole.mkdir()
    broken.mkdir()
    peak = finish(start(replay, samples, whole))
    assert 0 < peak < 1024, f"harness peak memory {peak:.0f} MB"
    done = statuses(whole)
    outcomes = {str(o) for o in Outcome} - {str(Outcome.HARNESS_ERROR)}
    for key, (cell, execution) in done.items():
        expected, _ = expectation(programs[key].read_text())
        allowed = set(expected) | (TIME_BOUND if TIME_BOUND & set(expected) else set())
        assert cell == "ok" and execution in outcomes and execution in allowed, (programs[key].name, execution)

    proc = start(replay, samples, broken)
    finished = 0
    while proc.poll() is None and finished < len(done) // 3:
        time.sleep(0.2)
        try:
            db = sqlite3.connect(f"file:{broken / 'twinbench.sqlite'}?mode=ro", uri=True)  # never creates the file
            finished = db.execute("SELECT count(*) FROM cells").fetchone()[0]
            db.close()
        except sqlite3.Error:
            finished = 0
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < finished < len(done)
    finish(start(replay, samples, broken))
    resumed = statuses(broken)
    assert resumed.keys() == done.keys()
    for key, (cell, execution) in resumed.items():
        expected, _ = expectation(programs[key].read_text())
        if len(expected) == 1 and expected[0] not in TIME_BOUND:
            assert (cell, execution) == done[key], programs[key].name
