"""`twinbench run --cluster` against real dask.distributed LocalClusters of two worker processes: replayed answers,
real sandboxes on the workers, one real SQLite store written by the coordinator; scheduler addresses that cannot
work, refused before any store exists."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from hypothesis import given
from hypothesis import strategies as st
from test_benchmark import board, run_args, task_ids, twinbench
from test_chained_runs import answer
from test_interrupt import finished_cells, wait_for

from twinbench.errors import InputError
from twinbench.runner.benchmark import select_tasks
from twinbench.runner.cluster import ctrl_c_held, local_workers, parse_cluster
from twinbench.runner.pool import Interrupted, stop_signals_raise
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
    assert "Worker process still alive" not in out.stderr  # the workers exited by themselves, none was killed
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


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "localhost:8786", "tls://sched:8786",
                                     "tcp://[::1]:8786"])
def test_a_scheduler_address_is_passed_on(address):
    assert local_workers(address) is None
    assert parse_cluster(address) is None


def test_a_bad_cluster_option_ends_as_one_line_before_any_work(replay, tmp_path):
    out = twinbench("run", "--model", f"replay:{replay}", "--cluster", "local:0", "--store", "s.sqlite", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == ["error: --cluster: 'local:0': local:N takes a number of worker "
                                               "processes from 1 to 9999"]
    assert not (tmp_path / "s.sqlite").exists()


@pytest.fixture(scope="module")
def physics_replay(tmp_path_factory) -> Path:
    """One three-turn physics chain, two samples: a chain that fails its first turn, one that fails its second."""
    patterns = ["WRR", "RWR"]
    lines = [{"task": f"{PHYSICS_CHAIN}-{turn}", "sample": sample, "text": answer(kind, f"{PHYSICS_CHAIN}-{turn}")}
             for sample, pattern in enumerate(patterns) for turn, kind in enumerate(pattern, start=1)]
    path = tmp_path_factory.mktemp("physics") / "answers.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


PHYSICS_CHAIN = "friction-incline"  # the shortest system of the physics suite


def test_an_own_chain_physics_run_on_a_local_cluster_equals_a_run_without(physics_replay, tmp_path, reference_cache):
    """Each later turn is asked with the program its chain's turn before produced on a worker."""
    args = ["run", "--suite", "physics", "--model", f"replay:{physics_replay}", "--samples", "2", "--chain", "own",
            "--store", "s.sqlite", "--no-leaderboard", "--tasks", f"{PHYSICS_CHAIN}-*"]
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    here = twinbench(*args, cwd=tmp_path / "here", cache=reference_cache)
    there = twinbench(*args, "--cluster", "local:2", cwd=tmp_path / "there", cache=reference_cache)
    assert here.returncode == 0, here.stderr
    assert there.returncode == 0, there.stderr
    (row,) = board(tmp_path / "there")
    assert row["cells"] == row["finished"] == 6
    assert row["pass_rate"] == pytest.approx(4 / 6)
    assert board(tmp_path / "there") == board(tmp_path / "here")
    assert stored_once(tmp_path / "there" / "s.sqlite") == (6, 6, 6, 6)


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_naming_it_and_leaves_no_store(replay, tmp_path, reference_cache):
    address = f"tcp://127.0.0.1:{closed_port()}"
    out = twinbench(*run_args(replay, TASKS), "--cluster", address, "--cluster-timeout", "1", cwd=tmp_path,
                    cache=reference_cache)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [f"error: --cluster: no scheduler answers at {address} within 1 s (is "
                                               "it running? --cluster-timeout SECONDS waits longer)"]
    assert not (tmp_path / "s.sqlite").exists()


def test_a_malformed_scheduler_address_ends_as_one_line_before_any_work(replay, tmp_path):
    out = twinbench(*run_args(replay, TASKS), "--cluster", "sched.example.org", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == ["error: --cluster: 'sched.example.org': not a scheduler address: give "
                                               "[tcp://]HOST:PORT (port 1 to 65535) or local:N"]
    assert not (tmp_path / "s.sqlite").exists() and not (tmp_path / "cache").exists()  # no reference was run


HOSTS = st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){0,3}", fullmatch=True),
                  st.ip_addresses(v=4).map(str), st.ip_addresses(v=6).map(lambda ip: f"[{ip}]"))


@given(st.sampled_from(["", "tcp://", "tls://", "ws://", "wss://"]), HOSTS, st.integers(1, 65535))
def test_a_scheduler_address_of_a_known_scheme_host_and_port_is_accepted(scheme, host, port):
    assert parse_cluster(f"{scheme}{host}:{port}") is None


@given(HOSTS, st.one_of(st.integers(65536, 99999), st.just(0)))
def test_a_port_out_of_range_is_one_clear_error(host, port):
    with pytest.raises(InputError, match=r"^--cluster: .*not a scheduler address: give \[tcp://\]HOST:PORT"):
        parse_cluster(f"tcp://{host}:{port}")


@pytest.mark.parametrize("address", ["nonsense://sched:8786", "inproc://sched:8786", "http://sched:8786",
                                     "ucx://sched:8786"])
def test_an_unknown_scheme_is_one_clear_error(address):
    with pytest.raises(InputError, match=rf"^--cluster: '{address}': unknown scheme"):
        parse_cluster(address)


@given(st.text())
def test_any_cluster_option_is_accepted_or_one_line_error(address):
    try:
        parse_cluster(address)
    except InputError as exc:
        assert str(exc).startswith("--cluster: ") and "\n" not in str(exc)


def test_a_ctrl_c_while_the_cluster_starts_takes_effect_once_it_has_started():
    started = []
    with pytest.raises(Interrupted), stop_signals_raise():
        with ctrl_c_held():
            signal.raise_signal(signal.SIGINT)
            started.append(True)
        started.append(False)  # never reached: the held Ctrl-C stops the run here
    assert started == [True]
    with stop_signals_raise():
        stopping = signal.getsignal(signal.SIGINT)
        with ctrl_c_held():
            pass
        assert signal.getsignal(signal.SIGINT) is stopping  # nothing held: the stop handler is back, nothing raised
