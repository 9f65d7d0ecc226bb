"""SIGKILL a real run at 10 random points, resume each time: same results, no finished cell asked twice."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from crash_worker import SAMPLES, TASKS
from fake_openai import FakeOpenAI

WORKER = Path(__file__).with_name("crash_worker.py")
CELLS = TASKS * SAMPLES


def start(db: Path, url: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, str(WORKER), str(db), url], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def wait_for_progress(db: Path, cells: int, limit_s: float = 60.0) -> None:
    """Poll (bounded) until at least `cells` cells are finished."""
    deadline = time.monotonic() + limit_s
    while len(finished(db)) < cells:
        assert time.monotonic() < deadline, f"fewer than {cells} cells finished after {limit_s:g}s"
        time.sleep(0.005)


def finished(db: Path) -> set[str]:
    """`task#sample` of every finished cell, read by an independent connection."""
    con = sqlite3.connect(db)
    try:
        return {
            f"{t}#{s}"
            for t, s in con.execute(
                "SELECT m.task, m.sample FROM cells c JOIN manifest m USING (run_id, cell_id)"
            )
        }
    finally:
        con.close()


def results(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return sorted(
            con.execute(
                "SELECT m.task, m.turn, m.sample, c.status, r.text, r.tokens_in, r.tokens_out, r.error"
                " FROM cells c JOIN manifest m USING (run_id, cell_id)"
                " JOIN responses r USING (run_id, cell_id)"
            )
        )
    finally:
        con.close()


def test_sigkill_at_10_random_points_then_resume_equals_an_uninterrupted_run(tmp_path):
    rng = random.Random(20261122)
    with FakeOpenAI(delay_s=0.02) as server:
        reference_db = tmp_path / "reference.sqlite"
        proc = start(reference_db, server.base_url)
        assert proc.wait(timeout=60) == 0
        assert len(server.calls) == CELLS
        server.calls.clear()

        db = tmp_path / "crashed.sqlite"
        kills = 0
        progress = []
        for segment in range(11):
            done_before = finished(db) if db.exists() else set()
            first_call = len(server.calls)
            proc = start(db, server.base_url)
            if segment < 10:
                wait_for_progress(db, len(done_before) + rng.randint(1, 30))
                time.sleep(rng.uniform(0.0, 0.05))  # then a random moment: mid-call, mid-commit, between
                assert proc.poll() is None, "the run finished before it could be killed"
                proc.kill()
                kills += 1
            assert proc.wait(timeout=60) == (-9 if segment < 10 else 0)
            progress.append(len(finished(db)) - len(done_before))
            asked = [cell for cell, _ in server.calls[first_call:]]
            assert not set(asked) & done_before, "a finished cell was paid for again"

        assert results(db) == results(reference_db)
        assert len(results(db)) == CELLS and len(finished(db)) == CELLS
        con = sqlite3.connect(db)
        assert con.execute("SELECT count(*) FROM responses").fetchone()[0] == CELLS
        con.close()
        asked_per_cell = Counter(cell for cell, _ in server.calls)
        assert len(asked_per_cell) == CELLS
        re_asked = sum(n - 1 for n in asked_per_cell.values())
        assert re_asked <= 4 * kills  # only calls in flight at a kill (4 at most) are asked again
        print(
            f"\ncrash run: kills={kills} cells={CELLS} server_calls={len(server.calls)} "
            f"re-asked_in-flight_unfinished={re_asked} re-asked_finished=0 "
            f"finished_per_segment={progress}"
        )
