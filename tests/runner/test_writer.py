"""The result writer: a store that cannot take a result stops `twinbench run` with one line (never a hang), and a
second run on a store being written is refused with one line while the first finishes every cell once."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time

from test_benchmark import answers, board, run_args, twinbench  # noqa: F401  (answers is a fixture)


def finished(db) -> int:
    try:  # read-only: polling must not create the store file before the run does
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return con.execute("SELECT count(*) FROM cells").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def test_a_full_disk_stops_the_run_with_one_line_and_resume_completes_it(answers, tmp_path):  # noqa: F811
    """The file-size limit stands in for a full disk (it also reaches the sandbox, so only progress is compared)."""
    replay, _ = answers
    whole, full = tmp_path / "whole", tmp_path / "full"
    whole.mkdir()
    full.mkdir()
    env = {**os.environ, "TWINBENCH_CACHE": str(tmp_path / "cache")}
    assert twinbench(*run_args(replay), cwd=whole, cache=tmp_path / "cache").returncode == 0
    limit = (whole / "s.sqlite").stat().st_size * 3 // 4  # past the run's setup (prompt, tasks), before its last cell

    def small_disk() -> None:  # writes past `limit` bytes fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    stopped = subprocess.run([sys.executable, "-m", "twinbench", *run_args(replay)], cwd=full, env=env,
                             capture_output=True, text=True, timeout=600, preexec_fn=small_disk)
    assert stopped.returncode == 1, stopped.stderr
    assert "Traceback" not in stopped.stderr
    [line] = [x for x in stopped.stderr.splitlines() if x.strip()]
    assert line.startswith("error: s.sqlite: cannot store a result") and "to resume: twinbench run" in line
    stored = finished(full / "s.sqlite")
    assert 0 < stored < finished(whole / "s.sqlite")
    resumed = twinbench(*run_args(replay), cwd=full, cache=tmp_path / "cache")
    assert resumed.returncode == 0 and f"resuming with {finished(whole / 's.sqlite') - stored} left" in resumed.stdout
    assert board(full)[0]["finished"] == board(whole)[0]["finished"]


def test_a_second_run_on_a_store_being_written_is_refused_and_the_first_does_every_cell_once(answers, tmp_path):  # noqa: F811
    replay, tasks = answers
    env = {**os.environ, "TWINBENCH_CACHE": str(tmp_path / "cache")}
    first = subprocess.Popen([sys.executable, "-m", "twinbench", *run_args(replay)], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while finished(tmp_path / "s.sqlite") < 1:
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGSTOP)  # held mid-run (with its lock) however fast it is, while the second starts
    try:
        assert first.poll() is None, "the first run ended before the second started: no overlap was tested"
        second = twinbench(*run_args(replay), cwd=tmp_path, cache=tmp_path / "cache")
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert second.returncode == 2 and "Traceback" not in second.stderr
    [line] = [x for x in second.stderr.splitlines() if x.strip()]
    assert f"another twinbench process (pid {first.pid}) is writing results to this store" in line
    assert first.wait(timeout=600) == 0, first.stderr.read()
    con = sqlite3.connect(tmp_path / "s.sqlite")
    assert con.execute("SELECT count(*), count(DISTINCT cell_id) FROM cells").fetchone() == (5 * len(tasks),) * 2
    con.close()
