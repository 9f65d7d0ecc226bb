"""Ctrl-C as a terminal sends it: SIGINT to the whole process group of a real `twinbench run`, at random moments.

Each interrupted run is resumed by the same command; the final leaderboard must equal an uninterrupted run's, so no
cell in flight was ever stored as a result. TWINBENCH_INTERRUPTS sets how many interruptions (default 4;
`TWINBENCH_INTERRUPTS=20` for a thorough check).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_benchmark import board, run_args, task_ids, twinbench

from twinbench.runner.benchmark import select_tasks
from twinbench.runner.replay_answers import write_replay
from twinbench.tasks import load_suite

INTERRUPTS = int(os.environ.get("TWINBENCH_INTERRUPTS", "4"))
TASKS = task_ids(5)  # a run long enough (100 cells) for signals to land among its cells
LEFT = 15  # cells each interruption leaves to run at least, so the signal lands before the run ends


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> tuple[Path, list]:
    tasks = select_tasks(load_suite("beamline"), TASKS)
    return write_replay(tasks, 5, tmp_path_factory.mktemp("replay") / "answers.jsonl"), tasks


@pytest.fixture(scope="module")
def whole(answers, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("whole")
    out = twinbench(*run_args(answers[0], TASKS), cwd=folder)
    assert out.returncode == 0, out.stderr
    return folder


def _as_from_a_terminal() -> None:
    """SIGINT at its default, as a terminal's foreground job has it (a test run started in the background of a
    non-interactive shell inherits it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(replay: Path, cwd: Path, cache: Path) -> subprocess.Popen[str]:
    """`twinbench run` leading its own process group, as a shell job is."""
    env = {**os.environ, "TWINBENCH_CACHE": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "twinbench", *run_args(replay, TASKS)], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, process_group=0,
                            preexec_fn=_as_from_a_terminal)


def finished_cells(db: Path) -> list[str]:
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        return [c for (c,) in con.execute("SELECT cell_id FROM cells")]
    except sqlite3.OperationalError:  # the run has not made its tables yet
        return []
    finally:
        con.close()


def wait_for(db: Path, cells: int, proc: subprocess.Popen[str], limit: float | None = None) -> None:
    """Poll until `cells` cells are finished, the run ends or `limit` seconds pass."""
    start = time.monotonic()
    while len(finished_cells(db)) < cells and proc.poll() is None:
        waited = time.monotonic() - start
        if limit is not None and waited >= limit:
            return
        assert waited < 300
        time.sleep(0.02)


def stored_outcomes(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT status, count(*) FROM executions GROUP BY status").fetchall())
    finally:
        con.close()


def test_sigint_to_the_process_group_at_random_moments_then_resume_equals_an_uninterrupted_run(answers, whole,
                                                                                               tmp_path):
    replay, tasks = answers
    cache = tmp_path / "cache"
    broken = tmp_path / "broken"
    broken.mkdir()
    expected = board(whole)

    rng = random.Random(int(os.environ.get("TWINBENCH_INTERRUPT_SEED", "20261201")))
    total = len(finished_cells(whole / "s.sqlite"))
    interrupted, log = 0, []
    for i in range(INTERRUPTS):
        before = len(finished_cells(broken / "s.sqlite"))
        proc = start(replay, broken, cache)
        if rng.random() < 0.2:  # while it starts (interpreter, imports, suite, references, store, sandbox),
            target = before + 1  # at most until its first cell: a warm run may finish the rest within a second
            wait_for(broken / "s.sqlite", target, proc, limit=rng.uniform(0.3, 1.5))
        else:  # while cells run: after a random number of them (leaving some to run), at a random moment
            target = before + rng.randint(1, max(1, (total - before - LEFT) // (INTERRUPTS - i)))
            wait_for(broken / "s.sqlite", target, proc)
            time.sleep(rng.uniform(0.0, 0.05))
        signalled = (proc.poll(), len(finished_cells(broken / "s.sqlite")))
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        log.append((before, target, signalled, proc.returncode, len(finished_cells(broken / "s.sqlite"))))
        assert "Traceback" not in err, err
        if proc.returncode == 0:  # it finished before the signal arrived
            break
        interrupted += 1
        if proc.returncode == -signal.SIGINT:  # during interpreter start-up or an extension's import: Python
            continue  # ends itself by SIGINT then (no traceback, checked above), before twinbench could act
        assert proc.returncode == 130, err
        assert "interrupted" in err and "Run the same command to resume: twinbench run --model" in err, err
        if (broken / "s.sqlite").exists():
            assert not {"killed", "forbidden"} & set(stored_outcomes(broken / "s.sqlite"))
    resumed = twinbench(*run_args(replay, TASKS), cwd=broken, cache=cache)
    assert resumed.returncode == 0, resumed.stderr
    assert board(broken) == expected
    assert interrupted >= INTERRUPTS - 1, log  # (before, target, (exit code, cells) at the signal, exit, cells)
    print(f"\ninterrupts: {interrupted} of {INTERRUPTS} signals landed mid-run")
