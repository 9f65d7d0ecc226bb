"""`twinbench run --cluster` against real dask.distributed LocalClusters of two worker processes: replayed answers,
real sandboxes on the workers, one real SQLite store written by the coordinator."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from hypothesis import given
from hypothesis import strategies as st
from test_benchmark import board, run_args, task_ids, twinbench
from test_interrupt import finished_cells, wait_for

from twinbench.errors import InputError
from twinbench.runner.benchmark import select_tasks
from twinbench.runner.cluster import local_workers
from twinbench.runner.replay_answers import write_replay
from twinbench.tasks import load_suite

TASKS = task_ids(1)  # one task of each category: 4 tasks x 5 samples = 20 cells


@pytest.fixture(scope="module")
def replay(tmp_path_factory) -> Path:
    tasks = select_tasks(load_suite("beamline"), TASKS)
    return write_replay(tasks, 5, tmp_path_factory.mktemp("replay") / "answers.jsonl")


@pytest.fixture(scope="module")
def here(replay, tmp_path_factory, reference_cache) -> list[dict]:
    """The leaderboard of the run without a cluster."""
    folder = tmp_path_factory.mktemp("here")
    out = twinbench(*run_args(replay, TASKS), cwd=folder, cache=reference_cache)
    assert out.returncode == 0, out.stderr
    return board(folder)


def stored_once(db: Path) -> tuple[int, int, int, int]:
    """(cells in the manifest, finished cell rows, distinct finished cells, responses stored)."""
    con = sqlite3.connect(db)
    try:
        return (con.execute("SELECT count(*) FROM manifest").fetchone()[0],
                *con.execute("SELECT count(*), count(DISTINCT cell_id) FROM cells").fetchone(),
                con.execute("SELECT count(*) FROM responses").fetchone()[0])
    finally:
        con.close()


def test_a_run_on_a_local_cluster_equals_a_run_without(replay, here, tmp_path, reference_cache):
    out = twinbench(*run_args(replay, TASKS), "--cluster", "local:2", cwd=tmp_path, cache=reference_cache)
    assert out.returncode == 0, out.stderr
    assert board(tmp_path) == here
    assert stored_once(tmp_path / "s.sqlite") == (20, 20, 20, 20)


def test_a_worker_killed_mid_run_costs_only_its_cells(replay, here, tmp_path, reference_cache):
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        env = {**os.environ, "TWINBENCH_CACHE": str(reference_cache)}
        proc = subprocess.Popen([sys.executable, "-m", "twinbench", *run_args(replay, TASKS), "--cluster",
                                 cluster.scheduler_address], cwd=tmp_path, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(tmp_path / "s.sqlite", 1, proc)
        victim = next(iter(client.run(os.getpid).values()))
        os.kill(victim, signal.SIGKILL)
        at_kill = len(finished_cells(tmp_path / "s.sqlite"))
        _, err = proc.communicate(timeout=300)
        assert victim not in client.run(os.getpid).values()  # the nanny started a new worker in its place
    assert proc.returncode == 0, err
    assert at_kill < 20  # the worker was lost mid-run
    assert board(tmp_path) == here
    assert stored_once(tmp_path / "s.sqlite") == (20, 20, 20, 20)


def test_ctrl_c_stops_a_run_on_a_local_cluster_cleanly_and_it_resumes_without_one(replay, here, tmp_path,
                                                                                  reference_cache):
    """SIGINT to the whole process group, workers included: one line, no traceback; where cells are executed is no
    part of a run's identity, so the run resumes without a cluster."""
    proc = subprocess.Popen([sys.executable, "-m", "twinbench", *run_args(replay, TASKS), "--cluster", "local:2"],
                            cwd=tmp_path, env={**os.environ, "TWINBENCH_CACHE": str(reference_cache)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, process_group=0)
    wait_for(tmp_path / "s.sqlite", 1, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert "interrupted" in err and "Run the same command to resume" in err
    assert 0 < len(finished_cells(tmp_path / "s.sqlite")) < 20
    out = twinbench(*run_args(replay, TASKS), cwd=tmp_path, cache=reference_cache)
    assert out.returncode == 0 and "resuming" in out.stdout, out.stderr
    assert board(tmp_path) == here
    assert stored_once(tmp_path / "s.sqlite") == (20, 20, 20, 20)


@given(st.integers(min_value=1, max_value=9999))
def test_local_n_is_n_worker_processes(n):
    assert local_workers(f"local:{n}") == n


@given(st.text().filter(lambda s: not (s.isascii() and s.isdigit() and 1 <= int(s) <= 9999)))
def test_local_without_a_number_of_workers_is_one_clear_error(n):
    with pytest.raises(InputError, match=r"^--cluster: .*local:N takes a number of worker processes"):
        local_workers(f"local:{n}")


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "localhost:8786", "tls://sched:8786"])
def test_a_scheduler_address_is_passed_on(address):
    assert local_workers(address) is None


def test_a_bad_cluster_option_ends_as_one_line_before_any_work(replay, tmp_path):
    out = twinbench("run", "--model", f"replay:{replay}", "--cluster", "local:0", "--store", "s.sqlite", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == ["error: --cluster: 'local:0': local:N takes a number of worker "
                                               "processes from 1 to 9999"]
    assert not (tmp_path / "s.sqlite").exists()
