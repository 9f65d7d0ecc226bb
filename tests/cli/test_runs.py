"""`twinbench runs list|show|export` on a real store, as subprocesses."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from twinbench.models import CallError, CallKey, CallRecord
from twinbench.store import Cell, CellResult, Store

CELLS = [Cell(model=m, task=f"t{i}") for m in ("alpha", "beta") for i in range(3)]
LONG_ID = "judge/ref_doc.panel-b/beamline-0123456789"


def twinbench(*args: str, cwd=None, columns: int = 200) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from twinbench.cli import main; main()", *args]
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=cwd, env=env)


def cells_of(stdout: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is `first`."""
    rows = [line.replace("│", " ").split() for line in stdout.splitlines()]
    [row] = [r for r in rows if r and r[0] == first]
    return row


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "results.sqlite"
    store = Store.open(path)
    store.create_run("nightly", {"tasks": 3}, CELLS)
    store.create_run("empty", {}, CELLS[:1])
    store.create_run(LONG_ID, {}, CELLS[:1])
    for cell in CELLS[:4]:
        store.finish_cell(
            "nightly",
            cell,
            CellResult.from_call(
                CallRecord(
                    key=cell.key,
                    model=cell.model,
                    provider="openai",
                    endpoint="e",
                    text=f"# {cell.task}",
                    tokens_in=100,
                    tokens_out=20,
                    cost_usd=0.25,
                )
            ),
        )
    failed = CallRecord(
        key=CallKey(task="t1"),
        model="beta",
        provider="openai",
        endpoint="e",
        error=CallError(kind="rate_limit", reason="http 429: slow down"),
    )
    store.finish_cell("nightly", CELLS[4], CellResult.from_call(failed))
    store.close()
    return path


def test_list_shows_progress_tokens_and_cost(db):
    out = twinbench("runs", "list", "--store", str(db))
    assert out.returncode == 0, out.stderr
    assert cells_of(out.stdout, "nightly") == ["nightly", "6", "4", "1", "1", "$1.0000"]
    assert any("empty" in line for line in out.stdout.splitlines())


def test_show_breaks_a_run_down_by_model(db):
    out = twinbench("runs", "show", "nightly", "--store", str(db))
    assert out.returncode == 0, out.stderr
    assert "6 cells, 4 ok, 1 failed, 1 pending" in out.stdout and '"tasks": 3' in out.stdout
    assert cells_of(out.stdout, "alpha") == ["alpha", "3", "0", "0", "300", "60", "$0.7500"]
    assert cells_of(out.stdout, "beta") == ["beta", "1", "1", "1", "100", "20", "$0.2500"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_writes_one_row_per_cell(db, tmp_path, fmt):
    out = twinbench("runs", "export", "nightly", "--format", fmt, "--store", str(db), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "wrote 6 rows" in out.stdout
    path = tmp_path / f"nightly.{fmt}"
    if fmt == "csv":
        rows = list(csv.DictReader(path.open(newline="")))
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text().splitlines()]
    else:
        rows = pq.read_table(path).to_pylist()
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "ok", "failed", "pending"]
    assert rows[4]["error"] == "http 429: slow down" and rows[0]["text"] == "# t0"


def test_unknown_run_store_or_format_exit_2(db, tmp_path):
    out = twinbench("runs", "show", "nope", "--store", str(db))
    assert out.returncode == 2 and "nope: no such run" in out.stderr
    out = twinbench("runs", "list", "--store", str(tmp_path / "missing.sqlite"))
    assert out.returncode == 2 and "no results store here" in out.stderr
    out = twinbench("runs", "export", "nightly", "--format", "xlsx", "--store", str(db))
    assert out.returncode == 2


def test_list_and_show_as_json(db):
    out = twinbench("runs", "list", "--json", "--store", str(db))
    assert out.returncode == 0, out.stderr
    runs = {r["run_id"]: r for r in json.loads(out.stdout)}
    assert set(runs) == {"nightly", "empty", LONG_ID}
    assert {k: runs["nightly"][k] for k in ("cells", "ok", "failed", "pending", "tokens_in", "cost_usd")} == {
        "cells": 6, "ok": 4, "failed": 1, "pending": 1, "tokens_in": 400, "cost_usd": 1.0}
    out = twinbench("runs", "show", "nightly", "--json", "--store", str(db))
    shown = json.loads(out.stdout)
    assert shown["config"] == {"tasks": 3} and shown["pending"] == 1
    assert shown["models"]["beta"] == {"ok": 1, "failed": 1, "pending": 1, "tokens_in": 100, "tokens_out": 20,
                                       "cost_usd": 0.25}


def test_tables_fit_80_columns_piped_and_never_cut_an_id(db):
    out = twinbench("runs", "list", "--store", str(db), columns=80)
    assert out.returncode == 0, out.stderr
    assert all(len(line) <= 80 for line in out.stdout.splitlines())
    assert cells_of(out.stdout, LONG_ID) == [LONG_ID, "1", "0", "0", "1", "-"]  # whole, on one line, to copy
    out = twinbench("runs", "show", "nightly", "--store", str(db), columns=80)
    assert all(len(line) <= 80 for line in out.stdout.splitlines())
    assert cells_of(out.stdout, "beta") == ["beta", "1", "1", "1", "100", "20", "$0.2500"]
