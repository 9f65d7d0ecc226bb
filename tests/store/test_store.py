"""The SQLite results store: schema, manifest, resume, atomic finish, blobs, scores, summaries."""

from __future__ import annotations

import sqlite3

import pytest

from twinbench.errors import InputError
from twinbench.models import CallError, CallKey, CallRecord
from twinbench.store import (
    SCHEMA_VERSION,
    AlreadyFinishedError,
    Cell,
    CellResult,
    ErrorRecord,
    ExecutionRecord,
    ScoreRecord,
    Store,
)

CELLS = [
    Cell(model=m, task=t, turn=turn, sample=s)
    for m in ("a", "b")
    for t in ("t1", "t2")
    for turn in (0, 1)
    for s in (0, 1)
]


def answered(cell: Cell, text: str = "print(1)", cost: float | None = 0.01) -> CellResult:
    record = CallRecord(
        key=cell.key,
        model=cell.model,
        provider="openai",
        endpoint="http://x/v1",
        text=text,
        tokens_in=10,
        tokens_out=5,
        latency_s=0.2,
        attempts=2,
        retries=1,
        cost_usd=cost,
    )
    return CellResult.from_call(record)


@pytest.fixture
def store(tmp_path):
    db = Store.open(tmp_path / "r.sqlite")
    db.create_run("r1", {"models": ["a", "b"]}, CELLS)
    yield db
    db.close()


def test_new_store_is_versioned_and_in_wal_mode(tmp_path, store):
    con = sqlite3.connect(tmp_path / "r.sqlite")
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"runs", "manifest", "cells", "responses", "executions", "blobs", "scores", "errors"} <= tables


def test_refuses_other_schema_versions_and_non_databases(tmp_path):
    newer = tmp_path / "newer.sqlite"
    sqlite3.connect(newer).execute("PRAGMA user_version = 99")
    with pytest.raises(InputError, match="schema version 99"):
        Store.open(newer)
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not sqlite at all, just text " * 100)
    with pytest.raises(InputError, match="not a twinbench store"):
        Store.open(junk)


def test_resume_is_manifest_minus_finished_cells(store):
    assert store.pending_cells("r1") == CELLS
    for cell in CELLS[::3]:
        store.finish_cell("r1", cell, answered(cell))
    assert store.pending_cells("r1") == [c for i, c in enumerate(CELLS) if i % 3]


def test_same_run_again_resumes_but_a_changed_run_is_refused(store):
    assert store.create_run("r1", {"models": ["a", "b"]}, reversed(CELLS)) is False
    with pytest.raises(InputError, match="different config"):
        store.create_run("r1", {"models": ["a", "b"], "samples": 3}, CELLS)
    with pytest.raises(InputError, match="different config"):
        store.create_run("r1", {"models": ["a", "b"]}, CELLS[:-1])
    with pytest.raises(InputError, match="no such run"):
        store.pending_cells("nope")


def test_a_cell_finishes_once_and_must_be_in_the_manifest(store):
    store.finish_cell("r1", CELLS[0], answered(CELLS[0]))
    with pytest.raises(AlreadyFinishedError):
        store.finish_cell("r1", CELLS[0], answered(CELLS[0], text="other"))
    with pytest.raises(InputError, match="not in the manifest"):
        store.finish_cell("r1", Cell(model="zzz", task="t1"), answered(CELLS[0]))
    [row] = [r for r in store.result_rows("r1") if r["cell_id"] == CELLS[0].id]
    assert row["text"] == "print(1)"


def test_finish_is_one_transaction(store):
    bad = answered(CELLS[1]).model_copy(
        update={"execution": ExecutionRecord(status="ok", trace_sha="0" * 64)}
    )
    with pytest.raises(sqlite3.IntegrityError):  # the trace blob was never stored
        store.finish_cell("r1", CELLS[1], bad)
    assert CELLS[1] in store.pending_cells("r1")
    assert all(r["text"] is None for r in store.result_rows("r1"))


def test_full_cell_with_execution_scores_errors_and_rescoring(store):
    trace = store.put_blob(b'{"events": []}')
    assert store.put_blob(b'{"events": []}') == trace and store.get_blob(trace) == b'{"events": []}'
    result = answered(CELLS[2]).model_copy(
        update={
            "execution": ExecutionRecord(status="ok", exit_code=0, duration_s=1.5, trace_sha=trace),
            "scores": [ScoreRecord(scorer="trace", value=0.8, detail={"dtw": 1.2})],
            "errors": [ErrorRecord(stage="score", kind="warning", message="judge skipped")],
        }
    )
    store.finish_cell("r1", CELLS[2], result)
    store.record_score("r1", CELLS[2], ScoreRecord(scorer="judge", value=0.5))
    store.record_score("r1", CELLS[2], ScoreRecord(scorer="trace", value=0.9))
    [row] = [r for r in store.result_rows("r1") if r["cell_id"] == CELLS[2].id]
    assert (row["exec_status"], row["exit_code"], row["trace_sha"]) == ("ok", 0, trace)
    assert (row["score.trace"], row["score.judge"]) == (0.9, 0.5)


def test_failed_cells_are_finished_with_their_reason(store):
    record = CallRecord(
        key=CallKey(task="t1"),
        model="a",
        provider="openai",
        endpoint="e",
        attempts=4,
        retries=3,
        error=CallError(kind="transient", reason="http 503: down"),
    )
    store.finish_cell("r1", CELLS[0], CellResult.from_call(record))
    assert CELLS[0] not in store.pending_cells("r1")
    summary = store.run("r1")
    assert (summary.ok, summary.failed, summary.pending) == (0, 1, len(CELLS) - 1)
    [row] = [r for r in store.result_rows("r1") if r["cell_id"] == CELLS[0].id]
    assert (row["status"], row["error_kind"], row["error"]) == ("failed", "transient", "http 503: down")


def test_summaries_add_up_tokens_and_cost(store):
    for cell in CELLS[:4]:
        store.finish_cell("r1", cell, answered(cell))
    store.create_run("r2", {}, CELLS[:1])
    runs = store.runs()
    assert [r.run_id for r in runs] == ["r1", "r2"]
    assert (runs[0].ok, runs[0].tokens_in, runs[0].tokens_out) == (4, 40, 20)
    assert runs[0].cost_usd == pytest.approx(0.04)
    assert runs[1].cost_usd is None and runs[1].pending == 1


def test_cell_ids_are_unambiguous():
    assert Cell(model="a|b", task="c").id != Cell(model="a", task="b|c").id
    assert len({c.id for c in CELLS}) == len(CELLS)


def test_a_blob_over_the_limit_is_refused_before_sqlite_sees_it(store, monkeypatch):
    from twinbench.store import sqlite_store

    monkeypatch.setattr(sqlite_store, "MAX_BLOB", 1000)
    with pytest.raises(ValueError, match="exceeds the store's limit"):
        store.put_blob(b"x" * 1001)
    sha = store.put_blob(b"x" * 1000)
    assert store.get_blob(sha) == b"x" * 1000


def test_cell_record_gives_one_cells_blobs_answer_scores_with_detail_and_errors(store):
    cell, other = CELLS[0], CELLS[1]
    code = store.put_blob(b"print(1)")
    result = answered(cell, text="the answer")
    result.execution = ExecutionRecord(status="error", code_sha=code)
    result.scores = [ScoreRecord(scorer="trace", value=0.5, detail={"reasons": ["late"]})]
    result.errors = [ErrorRecord(stage="execute", kind="ValueError", message="bad")]
    store.finish_cell("r1", cell, result)
    store.finish_cell("r1", other, answered(other))
    record = store.cell_record("r1", cell.id)
    assert record["code_sha"] == code and record["trace_sha"] is None and record["text"] == "the answer"
    assert record["scores"] == {"trace": {"value": 0.5, "detail": {"reasons": ["late"]}}}
    assert record["errors"] == [{"stage": "execute", "kind": "ValueError", "message": "bad"}]
    assert store.cell_record("r1", other.id)["errors"] == [] and store.cell_record("r1", other.id)["code_sha"] is None
    with pytest.raises(InputError, match="no such run"):
        store.cell_record("nope", cell.id)


def test_outcome_rows_are_result_rows_without_the_answers(store):
    """Pending, failed and scored cells: the same outcome and score columns as `result_rows`, in manifest order."""
    record = CallRecord(key=CELLS[0].key, model="a", provider="p", endpoint="e",
                        error=CallError(kind="transient", reason="http 503: down"))
    store.finish_cell("r1", CELLS[0], CellResult.from_call(record))
    scored = answered(CELLS[1], text="a long answer " * 100)
    scored.execution = ExecutionRecord(status="timeout", extraction="fenced")
    scored.scores = [ScoreRecord(scorer="trace", value=0.25), ScoreRecord(scorer="pass", value=0.0)]
    store.finish_cell("r1", CELLS[1], scored)
    store.finish_cell("r1", CELLS[2], answered(CELLS[2]))
    store.record_score("r1", CELLS[2], ScoreRecord(scorer="codebleu", value=None))
    full, lean = store.result_rows("r1"), store.outcome_rows("r1")
    assert [r["cell_id"] for r in lean] == [c.id for c in CELLS]
    assert all(r.keys() == lean[0].keys() and "text" not in r for r in lean)
    assert lean == [{k: r[k] for k in lean[0]} for r in full]
    assert (lean[0]["status"], lean[0]["error"], lean[0]["score.trace"]) == ("failed", "http 503: down", None)
    assert (lean[1]["exec_status"], lean[1]["score.trace"], lean[1]["score.pass"]) == ("timeout", 0.25, 0.0)
    assert lean[-1]["status"] == "pending"
    assert store.cell_record("r1", CELLS[1].id)["extraction"] == "fenced"


def test_a_store_made_without_the_scores_index_gets_it_when_opened(tmp_path, store):
    path = tmp_path / "r.sqlite"
    store.close()
    sqlite3.connect(path).execute("DROP INDEX scores_values")
    Store.open(path, create=False).close()
    con = sqlite3.connect(path)
    plan = " ".join(r[-1] for r in con.execute("EXPLAIN QUERY PLAN SELECT cell_id, scorer, value FROM scores"
                                               " WHERE run_id = 'r1'"))
    assert "COVERING INDEX scores_values" in plan
