"""The results store: SQLite in WAL mode, one transaction per finished cell, resume = manifest - finished."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from twinbench.errors import InputError
from twinbench.store.records import Cell, CellResult, ExecutionRecord, RunSummary, ScoreRecord
from twinbench.store.schema import DDL, INDEXES, SCHEMA_VERSION

MAX_BLOB = 256 << 20  # bytes; SQLite refuses a value over 1e9 bytes ("string or blob too big")


class AlreadyFinishedError(RuntimeError):
    """finish_cell was called twice for one cell; the first result stands."""


def _config_hash(config: dict[str, Any], cells: list[Cell]) -> str:
    payload = json.dumps({"config": config, "cells": sorted(c.id for c in cells)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def check_blob(data: bytes) -> None:
    """Refuse (ValueError) what the store will not keep: a blob over MAX_BLOB bytes."""
    if len(data) > MAX_BLOB:
        raise ValueError(f"a blob of {len(data)} bytes exceeds the store's limit of {MAX_BLOB}")


def blob_sha(data: bytes) -> str:
    """The key a blob is stored under."""
    return hashlib.sha256(data).hexdigest()


class Store:
    """Runs, their manifests and per-cell results in one SQLite file."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self._db, self.path = db, path

    @classmethod
    def open(cls, path: Path | str, create: bool = True, any_thread: bool = False) -> Store:
        """Open the store at `path` (creating it unless `create` is False); refuses a newer schema. With
        `any_thread`, any thread may use it (one at a time: the caller serialises)."""
        path = Path(path)
        if not create and not path.is_file():
            raise InputError(str(path), "no results store here (use --store or TWINBENCH_STORE)")
        db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=not any_thread)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            db.close()
            raise InputError(str(path), f"not a twinbench store: {exc}") from None
        if version == 0:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("PRAGMA user_version").fetchone()[0] == 0:
                for statement in filter(str.strip, DDL.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("COMMIT")
        elif version != SCHEMA_VERSION:
            db.close()
            raise InputError(
                str(path), f"store schema version {version}; this twinbench reads {SCHEMA_VERSION}"
            )
        try:  # a store made before an index gets it here
            for statement in filter(str.strip, INDEXES.split(";")):
                db.execute(statement)
        except sqlite3.OperationalError:  # a read-only store is read without it (only faster with it)
            pass
        return cls(db, path)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's writer lock (`<store>.lock`, released by the kernel if the process dies): a second
        process that would write results to the same store is refused with one line."""
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                raise InputError(str(self.path), f"another twinbench process (pid {holder}) is writing results "
                                 "to this store; wait for it to end or use another --store") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            os.close(fd)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            if self._db.in_transaction:  # SQLite may already have rolled back (e.g. a full disk)
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def create_run(self, run_id: str, config: dict[str, Any], cells: Iterable[Cell]) -> bool:
        """Register a run and its manifest; True if new, False if resuming the identical run.

        Resuming with a different config or manifest is refused: start a new run id instead.
        """
        cells = list(cells)
        digest = _config_hash(config, cells)
        with self._transaction() as db:
            row = db.execute("SELECT config_hash FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is not None:
                if row["config_hash"] != digest:
                    raise InputError(
                        f"run {run_id}", "exists with a different config or manifest; use a new run id"
                    )
                return False
            db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?)",
                (run_id, time.time(), digest, json.dumps(config, sort_keys=True)),
            )
            db.executemany(
                "INSERT INTO manifest VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, c.id, c.model, c.task, c.turn, c.sample) for c in cells],
            )
        return True

    def pending_cells(self, run_id: str) -> list[Cell]:
        """Manifest cells with no finished row, in manifest order."""
        self._require_run(run_id)
        rows = self._db.execute(
            "SELECT m.model, m.task, m.turn, m.sample FROM manifest m"
            " LEFT JOIN cells c ON c.run_id = m.run_id AND c.cell_id = m.cell_id"
            " WHERE m.run_id = ? AND c.cell_id IS NULL ORDER BY m.rowid",
            (run_id,),
        )
        return [Cell(**dict(r)) for r in rows]

    def put_blob(self, data: bytes) -> str:
        """Store bytes once under their sha256 and return it; over MAX_BLOB is a ValueError (nothing stored)."""
        check_blob(data)
        sha = blob_sha(data)
        self._db.execute("INSERT OR IGNORE INTO blobs VALUES (?, ?, ?)", (sha, len(data), data))
        return sha

    def get_blob(self, sha: str) -> bytes:
        row = self._db.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            raise KeyError(sha)
        return bytes(row["data"])

    def finish_cell(self, run_id: str, cell: Cell, result: CellResult) -> None:
        """Write the cell's response, execution, scores, errors and its finished row in one transaction."""
        now = time.time()
        with self._transaction() as db:
            try:
                db.execute("INSERT INTO cells VALUES (?, ?, ?, ?)", (run_id, cell.id, result.status, now))
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" in str(exc):
                    raise AlreadyFinishedError(f"run {run_id}: cell {cell} is already finished") from None
                raise InputError(f"run {run_id}", f"cell {cell} is not in the manifest") from None
            if (r := result.response) is not None:
                db.execute(
                    "INSERT INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run_id,
                        cell.id,
                        r.model,
                        r.provider,
                        r.endpoint,
                        r.text,
                        r.tokens_in,
                        r.tokens_out,
                        r.latency_s,
                        r.attempts,
                        r.retries,
                        r.cost_usd,
                        int(r.cached),
                        r.cache_key,
                        r.error.kind if r.error else None,
                        r.error.reason if r.error else None,
                        json.dumps(r.attempt_errors),
                    ),
                )
            if (e := result.execution) is not None:
                self._insert_execution(db, run_id, cell, e)
            for score in result.scores:
                self._upsert_score(db, run_id, cell, score, now)
            db.executemany(
                "INSERT INTO errors (run_id, cell_id, stage, kind, message, at) VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, cell.id, err.stage, err.kind, err.message, now) for err in result.errors],
            )

    def record_score(self, run_id: str, cell: Cell, score: ScoreRecord) -> None:
        """Add or replace one scorer's verdict on a cell (re-scoring needs no new model call)."""
        with self._transaction() as db:
            self._upsert_score(db, run_id, cell, score, time.time())

    @staticmethod
    def _insert_execution(db: sqlite3.Connection, run_id: str, cell: Cell, e: ExecutionRecord) -> None:
        db.execute(
            "INSERT INTO executions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, cell.id, e.status, e.exit_code, e.duration_s, e.stdout_sha, e.stderr_sha, e.trace_sha,
             e.code_sha, e.extraction),
        )

    @staticmethod
    def _upsert_score(db: sqlite3.Connection, run_id: str, cell: Cell, s: ScoreRecord, now: float) -> None:
        db.execute(
            "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?)",
            (run_id, cell.id, s.scorer, s.value, json.dumps(s.detail, sort_keys=True), now),
        )

    def _require_run(self, run_id: str) -> None:
        if self._db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone() is None:
            raise InputError(str(self.path), "no such run", item=run_id)

    def runs(self) -> list[RunSummary]:
        """Every run with its progress, oldest first."""
        ids = [r["run_id"] for r in self._db.execute("SELECT run_id FROM runs ORDER BY created_at, run_id")]
        return [self.run(run_id) for run_id in ids]

    def run(self, run_id: str) -> RunSummary:
        """One run's config and counts of cells, finished cells, tokens and cost."""
        self._require_run(run_id)
        head = self._db.execute(
            "SELECT created_at, config_json FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        cells = self._db.execute("SELECT count(*) FROM manifest WHERE run_id = ?", (run_id,)).fetchone()[0]
        status = dict(
            self._db.execute(
                "SELECT status, count(*) FROM cells WHERE run_id = ? GROUP BY status", (run_id,)
            ).fetchall()
        )
        usage = self._db.execute(
            "SELECT coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0), sum(cost_usd)"
            " FROM responses WHERE run_id = ?",
            (run_id,),
        ).fetchone()
        return RunSummary(
            run_id=run_id,
            created_at=head["created_at"],
            config=json.loads(head["config_json"]),
            cells=cells,
            ok=status.get("ok", 0),
            failed=status.get("failed", 0),
            tokens_in=usage[0],
            tokens_out=usage[1],
            cost_usd=usage[2],
        )

    def cell_record(self, run_id: str, cell_id: str) -> dict[str, Any]:
        """One cell's blob hashes (`code_sha`, `stdout_sha`, `stderr_sha`, `trace_sha`, None without an execution),
        the answer's `text`, how the program was extracted (`extraction`), every score with its detail (`scores`:
        scorer -> {value, detail}) and its errors (stage, kind, message)."""
        self._require_run(run_id)
        row = self._db.execute("SELECT code_sha, stdout_sha, stderr_sha, trace_sha, extraction FROM executions"
                               " WHERE run_id = ? AND cell_id = ?", (run_id, cell_id)).fetchone()
        shas = {k: row[k] if row else None for k in ("code_sha", "stdout_sha", "stderr_sha", "trace_sha")}
        scores = {r["scorer"]: {"value": r["value"], "detail": json.loads(r["detail"])} for r in self._db.execute(
            "SELECT scorer, value, detail FROM scores WHERE run_id = ? AND cell_id = ? ORDER BY scorer",
            (run_id, cell_id))}
        errors = [dict(r) for r in self._db.execute(
            "SELECT stage, kind, message FROM errors WHERE run_id = ? AND cell_id = ? ORDER BY rowid",
            (run_id, cell_id))]
        text = self._db.execute("SELECT text FROM responses WHERE run_id = ? AND cell_id = ?",
                                (run_id, cell_id)).fetchone()
        return {**shas, "text": text[0] if text else None, "extraction": row["extraction"] if row else None,
                "scores": scores, "errors": errors}

    def _score_columns(self, run_id: str) -> tuple[list[str], str, tuple[str, ...]]:
        """The run's scorers (sorted); a subquery `s` giving each cell's value of each scorer (columns `v0`, `v1`,
        ... in that order) to join on `s.cell_id`; and its parameters."""
        scorers = [r[0] for r in self._db.execute("SELECT DISTINCT scorer FROM scores WHERE run_id = ? ORDER BY scorer",
                                                  (run_id,))]
        values = "".join(f", max(CASE scorer WHEN ? THEN value END) AS v{i}" for i in range(len(scorers)))
        return scorers, f"(SELECT cell_id{values} FROM scores WHERE run_id = ? GROUP BY cell_id) s", (*scorers, run_id)

    def _rows_with_scores(self, run_id: str, select: str, joins: str, params: tuple[Any, ...] = ()) -> list[dict]:
        """One row per manifest cell (`m`, pending ones too) in manifest order: the columns `select` names (over
        `joins`, whose parameters are `params`), then every scorer's value as `score.<scorer>` (None when unscored)."""
        self._require_run(run_id)
        scorers, scores, score_params = self._score_columns(run_id)
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: 10,000 rows are read faster
        rows = cursor.execute(
            f"""SELECT {select}{"".join(f", s.v{i}" for i in range(len(scorers)))}
                FROM manifest m {joins} LEFT JOIN {scores} ON s.cell_id = m.cell_id
                WHERE m.run_id = ? ORDER BY m.rowid""",
            (*params, *score_params, run_id),
        )
        named = [d[0] for d in rows.description][:len(rows.description) - len(scorers)]
        columns = [*named, *(f"score.{s}" for s in scorers)]
        return [dict(zip(columns, r, strict=True)) for r in rows.fetchall()]

    def result_rows(self, run_id: str) -> list[dict[str, Any]]:
        """One flat row per manifest cell (pending ones too), scores as `score.<scorer>` columns."""
        return self._rows_with_scores(
            run_id,
            """? AS run_id, m.cell_id, m.model, m.task, m.turn, m.sample,
               coalesce(c.status, 'pending') AS status, c.finished_at,
               r.text, r.tokens_in, r.tokens_out, r.latency_s, r.attempts, r.retries, r.cost_usd,
               r.cached, r.error_kind, r.error,
               x.status AS exec_status, x.exit_code, x.duration_s AS exec_duration_s, x.trace_sha,
               x.code_sha, x.extraction""",
            """LEFT JOIN cells c ON c.run_id = m.run_id AND c.cell_id = m.cell_id
               LEFT JOIN responses r ON r.run_id = m.run_id AND r.cell_id = m.cell_id
               LEFT JOIN executions x ON x.run_id = m.run_id AND x.cell_id = m.cell_id""",
            (run_id,),
        )

    def outcome_rows(self, run_id: str) -> list[dict[str, Any]]:
        """One row per manifest cell (pending ones too) with only what a leaderboard needs: `cell_id`, `model`,
        `task`, `turn`, `sample`, `status`, `exec_status`, `error_kind`, `error` and the `score.<scorer>` columns
        (as `result_rows` has them, without the answers, tokens and blob hashes)."""
        return self._rows_with_scores(
            run_id,
            """m.cell_id, m.model, m.task, m.turn, m.sample, coalesce(c.status, 'pending') AS status,
               x.status AS exec_status, r.error_kind, r.error""",
            """LEFT JOIN cells c ON c.run_id = m.run_id AND c.cell_id = m.cell_id
               LEFT JOIN executions x ON x.run_id = m.run_id AND x.cell_id = m.cell_id
               LEFT JOIN (SELECT cell_id, error_kind, error FROM responses WHERE run_id = ? AND error_kind IS NOT NULL)
                   r ON r.cell_id = m.cell_id""",
            (run_id,),
        )
