"""Export a run to CSV, JSONL and Parquet; a JSONL export replays as a model."""

from __future__ import annotations

import asyncio
import csv
import json

import pyarrow.parquet as pq
import pytest

from twinbench.models import CallRecord, generate, make_provider, parse_spec
from twinbench.store import Cell, CellResult, ScoreRecord, Store, export_run

CELLS = [Cell(model="m", task=f"t{i}", sample=s) for i in range(3) for s in range(2)]


@pytest.fixture
def store(tmp_path):
    db = Store.open(tmp_path / "r.sqlite")
    db.create_run("r", {}, CELLS)
    for i, cell in enumerate(CELLS[:-1]):
        record = CallRecord(
            key=cell.key,
            model="m",
            provider="openai",
            endpoint="e",
            text=f"x = {i}, 'é'",
            tokens_in=3,
            tokens_out=i,
            cost_usd=0.5 * i,
        )
        result = CellResult.from_call(record).model_copy(
            update={"scores": [ScoreRecord(scorer="trace", value=i / 10)]}
        )
        db.finish_cell("r", cell, result)
    yield db
    db.close()


def test_csv_jsonl_parquet_hold_the_same_rows(tmp_path, store):
    rows = store.result_rows("r")
    for fmt in ("csv", "jsonl", "parquet"):
        assert export_run(store, "r", fmt, tmp_path / f"r.{fmt}") == len(CELLS)
    with (tmp_path / "r.csv").open(newline="", encoding="utf-8") as fh:
        from_csv = list(csv.DictReader(fh))
    from_jsonl = [
        json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    from_parquet = pq.read_table(tmp_path / "r.parquet").to_pylist()
    assert from_jsonl == rows and from_parquet == rows
    assert [r["text"] for r in from_csv] == [r["text"] or "" for r in rows]
    assert from_csv[-1]["status"] == "pending" and from_parquet[-1]["status"] == "pending"
    assert from_parquet[3]["score.trace"] == pytest.approx(0.3) and from_parquet[3]["cost_usd"] == 1.5


def test_a_jsonl_export_replays_as_a_model(tmp_path, store):
    export_run(store, "r", "jsonl", tmp_path / "r.jsonl")
    provider = make_provider(parse_spec(f"replay:{tmp_path / 'r.jsonl'}"))
    record = asyncio.run(generate(provider, [], CELLS[3].key))
    assert record.text == "x = 3, 'é'" and record.tokens_out == 3
    missing = asyncio.run(generate(provider, [], CELLS[-1].key))
    assert (
        missing.error.kind == "fatal"
        and missing.attempts == 1
        and "no recorded answer" in missing.error.reason
    )
