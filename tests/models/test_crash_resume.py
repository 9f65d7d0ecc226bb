"""SIGKILL a real `twinbench run` at random points, resume each time: same results, no finished cell asked twice.

TWINBENCH_KILLS sets how many kills (default 4; `TWINBENCH_KILLS=10` for a thorough check)."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

from fake_openai import FakeOpenAI
from run_helpers import env, instructions, models_file, rows, run, run_command

PATTERNS = ["move_*", "measure*", "temperature*"]
KILLS = int(os.environ.get("TWINBENCH_KILLS", "4"))


def finished(db: Path) -> set[str]:
    """Task ids of every finished cell, read by an independent connection."""
    if not db.exists():
        return set()
    con = sqlite3.connect(db)
    try:
        return {t for (t,) in con.execute("SELECT m.task FROM cells c JOIN manifest m USING (run_id, cell_id)")}
    except sqlite3.OperationalError:  # no tables yet
        return set()
    finally:
        con.close()


def wait_for_progress(db: Path, cells: int, proc: subprocess.Popen, limit_s: float = 300.0) -> None:
    """Poll (bounded) until at least `cells` cells are finished."""
    deadline = time.monotonic() + limit_s
    while len(finished(db)) < cells:
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, f"fewer than {cells} cells finished after {limit_s:g}s"
        time.sleep(0.005)


def results(db: Path) -> list[tuple]:
    keep = ("status", "text", "tokens_in", "tokens_out", "error")
    return sorted((task, *(row[k] for k in keep)) for task, row in rows(db).items())


def test_sigkill_at_random_points_then_resume_equals_an_uninterrupted_run(tmp_path, reference_cache):
    rng = random.Random(20261122)
    asked_for = {text: task for task, text in instructions(PATTERNS).items()}
    cells = len(asked_for)
    cache = reference_cache
    with FakeOpenAI(delay_s=0.02) as server:
        models = models_file(tmp_path / "models.yaml", server.base_url, concurrency=4)
        reference_db = tmp_path / "reference.sqlite"
        assert run(models, reference_db, PATTERNS, cache).returncode == 0
        assert len(server.calls) == cells
        server.calls.clear()

        db = tmp_path / "crashed.sqlite"
        kills = 0
        progress = []
        for segment in range(KILLS + 1):
            done_before = finished(db)
            first_call = len(server.calls)
            proc = subprocess.Popen(run_command(models, db, PATTERNS), env=env(cache),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if segment < KILLS:
                wait_for_progress(db, len(done_before) + rng.randint(1, 3), proc)
                time.sleep(rng.uniform(0.0, 0.05))  # then a random moment: mid-call, mid-commit, between
                proc.kill()
                kills += 1
            assert proc.wait(timeout=300) == (-9 if segment < KILLS else 0)
            progress.append(len(finished(db)) - len(done_before))
            asked = {asked_for[content] for content, _ in server.calls[first_call:]}
            assert not asked & done_before, "a finished cell was paid for again"

        assert results(db) == results(reference_db)
        assert len(finished(db)) == cells
        asked_per_cell = Counter(content for content, _ in server.calls)
        assert len(asked_per_cell) == cells
        re_asked = sum(n - 1 for n in asked_per_cell.values())
        assert re_asked <= 4 * kills  # only calls in flight at a kill (4 at most) are asked again
        print(f"\ncrash run: kills={kills} cells={cells} server_calls={len(server.calls)} "
              f"re-asked_in-flight_unfinished={re_asked} re-asked_finished=0 finished_per_segment={progress}")
