"""SQLite schema of the results store; `PRAGMA user_version` holds SCHEMA_VERSION. INDEXES are made when a store
opens (a store made before one of them gets it then)."""

from __future__ import annotations

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE runs (
    run_id      TEXT PRIMARY KEY,
    created_at  REAL NOT NULL,
    config_hash TEXT NOT NULL,
    config_json TEXT NOT NULL
);
CREATE TABLE manifest (
    run_id  TEXT NOT NULL REFERENCES runs(run_id),
    cell_id TEXT NOT NULL,
    model   TEXT NOT NULL,
    task    TEXT NOT NULL,
    turn    INTEGER NOT NULL,
    sample  INTEGER NOT NULL,
    PRIMARY KEY (run_id, cell_id)
);
CREATE TABLE cells (
    run_id      TEXT NOT NULL,
    cell_id     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    finished_at REAL NOT NULL,
    PRIMARY KEY (run_id, cell_id),
    FOREIGN KEY (run_id, cell_id) REFERENCES manifest(run_id, cell_id)
);
CREATE TABLE responses (
    run_id         TEXT NOT NULL,
    cell_id        TEXT NOT NULL,
    model          TEXT NOT NULL,
    provider       TEXT NOT NULL,
    endpoint       TEXT NOT NULL,
    text           TEXT,
    tokens_in      INTEGER NOT NULL,
    tokens_out     INTEGER NOT NULL,
    latency_s      REAL NOT NULL,
    attempts       INTEGER NOT NULL,
    retries        INTEGER NOT NULL,
    cost_usd       REAL,
    cached         INTEGER NOT NULL,
    cache_key      TEXT NOT NULL,
    error_kind     TEXT,
    error          TEXT,
    attempt_errors TEXT NOT NULL,
    PRIMARY KEY (run_id, cell_id),
    FOREIGN KEY (run_id, cell_id) REFERENCES manifest(run_id, cell_id)
);
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    data   BLOB NOT NULL
);
CREATE TABLE executions (
    run_id      TEXT NOT NULL,
    cell_id     TEXT NOT NULL,
    status      TEXT NOT NULL,
    exit_code   INTEGER,
    duration_s  REAL NOT NULL,
    stdout_sha  TEXT REFERENCES blobs(sha256),
    stderr_sha  TEXT REFERENCES blobs(sha256),
    trace_sha   TEXT REFERENCES blobs(sha256),
    code_sha    TEXT REFERENCES blobs(sha256),
    extraction  TEXT,
    PRIMARY KEY (run_id, cell_id),
    FOREIGN KEY (run_id, cell_id) REFERENCES manifest(run_id, cell_id)
);
CREATE TABLE scores (
    run_id    TEXT NOT NULL,
    cell_id   TEXT NOT NULL,
    scorer    TEXT NOT NULL,
    value     REAL,
    detail    TEXT NOT NULL,
    scored_at REAL NOT NULL,
    PRIMARY KEY (run_id, cell_id, scorer),
    FOREIGN KEY (run_id, cell_id) REFERENCES manifest(run_id, cell_id)
);
CREATE TABLE errors (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id  TEXT NOT NULL,
    cell_id TEXT NOT NULL,
    stage   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    message TEXT NOT NULL,
    at      REAL NOT NULL,
    FOREIGN KEY (run_id, cell_id) REFERENCES manifest(run_id, cell_id)
);
"""

INDEXES = """
CREATE INDEX IF NOT EXISTS scores_values ON scores (run_id, cell_id, scorer, value);
"""
