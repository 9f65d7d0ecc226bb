"""`twinbench run` against the fake OpenAI server, as a subprocess: the path real runs take."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from twinbench.runner.benchmark import select_tasks
from twinbench.tasks import load_suite


def instructions(patterns: list[str]) -> dict[str, str]:
    """task id -> instruction (the fake server logs each call under its last message, the instruction)."""
    return {t.id: t.instruction for t in select_tasks(load_suite("beamline"), patterns)}


def models_file(path: Path, base_url: str, **fields) -> Path:
    """A models file naming the fake server `fake`, with the given spec fields (timeout, retry, ...)."""
    spec = {"provider": "openai", "model": "fake-model", "endpoint": base_url, **fields}
    path.write_text(yaml.safe_dump({"models": {"fake": spec}}))
    return path


def run_command(models: Path, store: Path, patterns: list[str]) -> list[str]:
    return [sys.executable, "-m", "twinbench", "run", "--model", "fake", "--models-file", str(models),
            "--store", str(store), "--run-id", "fake-run", "--no-leaderboard",
            *[a for p in patterns for a in ("--tasks", p)]]


def env(cache: Path) -> dict[str, str]:
    return {**os.environ, "TWINBENCH_CACHE": str(cache)}


def run(models: Path, store: Path, patterns: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(run_command(models, store, patterns), capture_output=True, text=True, timeout=600,
                          env=env(cache))


def rows(store: Path) -> dict[str, dict]:
    """task id -> its stored row (response, cell status, attempt errors)."""
    con = sqlite3.connect(store)
    con.row_factory = sqlite3.Row
    try:
        return {r["task"]: dict(r) for r in con.execute(
            "SELECT m.task, m.sample, coalesce(c.status, 'pending') AS status, r.text, r.tokens_in, r.tokens_out,"
            " r.error, r.error_kind, r.attempts, r.retries, r.attempt_errors FROM manifest m"
            " LEFT JOIN cells c USING (run_id, cell_id) LEFT JOIN responses r USING (run_id, cell_id)")}
    finally:
        con.close()
