"""Fault injection against a real HTTP server through `twinbench run`: every cell ends answered or failed, calls
match the policy."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

from fake_openai import FAULTS, FakeOpenAI, answer_for
from run_helpers import instructions, models_file, rows, run

from twinbench.models import RetryPolicy

POLICY = RetryPolicy(
    max_transient_retries=2,
    max_rate_limit_retries=3,
    base_delay_s=0.005,
    rate_limit_base_delay_s=0.005,
    max_delay_s=0.05,
)
KIND = {"429": "rate_limit", "400": "fatal"}  # every other fault is transient
REASON = {
    "429": "http 429",
    "500": "http 500",
    "503": "http 503",
    "timeout": "timeout after",
    "malformed": "malformed response",
    "cutoff": "connection error",
    "400": "http 400",
}
PATTERNS = ["*"]  # every task of the built-in suite: one cell each
CAP = 8
TIMEOUT_S = 1.0


def allowed_calls(outcomes: list[str], policy: RetryPolicy) -> int:
    """Calls the policy allows for one cell, given what each attempt got, in order (an independent oracle)."""
    spent = Counter()
    for number, outcome in enumerate(outcomes, start=1):
        if outcome == "ok":
            return number
        kind = KIND.get(outcome, "transient")
        budget = {"rate_limit": policy.max_rate_limit_retries, "transient": policy.max_transient_retries}
        if kind == "fatal" or spent[kind] >= budget[kind]:
            return number
        spent[kind] += 1
    return len(outcomes) + 1  # the client stopped before the policy said so


def seen_by_client(row: dict) -> list[str]:
    """The fault each attempt met, from the stored attempt errors, then "ok" if the cell was answered."""
    seen = []
    for error in row["attempt_errors"]:
        reason = error.split(": ", 1)[1]
        [fault] = [f for f, prefix in REASON.items() if reason.startswith(prefix)]
        seen.append(fault)
    return seen + (["ok"] if row["status"] == "ok" else [])


def run_faulty(tmp_path, cache: Path, fault_rate: float, faults: tuple[str, ...]):
    """A run of every suite task through `twinbench run` into a real store; returns the server and the rows keyed
    by instruction (what the server logs)."""
    with FakeOpenAI(
        fault_rate=fault_rate, faults=faults, seed=7, hang_s=TIMEOUT_S + 0.5, delay_s=0.01
    ) as server:
        models = models_file(tmp_path / "models.yaml", server.base_url, timeout_s=TIMEOUT_S, concurrency=CAP,
                             retry=POLICY.model_dump())
        store = tmp_path / "results.sqlite"
        done = run(models, store, PATTERNS, cache)
        assert done.returncode == 0, done.stderr
    text = instructions(PATTERNS)
    stored = {text[task]: row | {"attempt_errors": json.loads(row["attempt_errors"])}
              for task, row in rows(store).items()}
    return server, stored


def check_cell(task: str, row: dict, server_outcomes: list[str]) -> int:
    """Assert one cell obeyed the policy; returns the number of calls the policy allowed."""
    client = seen_by_client(row)
    assert len(server_outcomes) == row["attempts"] == len(client), (task, server_outcomes, client)
    for served, seen in zip(server_outcomes, client, strict=True):
        # a client-side timeout may hide a late answer; anything else must be seen as served
        assert seen == served or seen == "timeout", (task, server_outcomes, client)
    allowed = allowed_calls(client, POLICY)
    assert row["attempts"] == allowed and row["retries"] == allowed - 1, (task, client)
    if client[-1] == "ok":
        assert row["status"] == "ok" and row["error"] is None
        assert row["text"] == answer_for(task, "fake-model", 0.0)
        assert row["tokens_in"] == len(task.split()) and row["tokens_out"] > 0
    else:
        assert row["status"] == "failed" and row["text"] is None
        assert row["error_kind"] == KIND.get(client[-1], "transient")
        assert row["error"].startswith(REASON[client[-1]]), row["error"]
    return allowed


def test_every_suite_task_under_30_percent_faults_matches_the_policy(tmp_path, reference_cache):
    server, rows = run_faulty(tmp_path, reference_cache, 0.3, FAULTS)
    assert len(rows) == len(instructions(PATTERNS)) > 100
    injected = Counter(outcome for _, outcome in server.calls)
    assert set(injected) == {"ok", *FAULTS}, injected
    assert 0.2 < 1 - injected["ok"] / len(server.calls) < 0.4
    allowed_total = sum(check_cell(task, row, server.calls_for(task)) for task, row in rows.items())
    assert len(server.calls) == allowed_total
    assert 2 <= server.max_in_flight <= CAP
    failed = sum(r["status"] == "failed" for r in rows.values())
    print(
        f"\nfault run: cells={len(rows)} server_calls={len(server.calls)} policy_allowed={allowed_total} "
        f"injected={dict(injected)} failed_cells={failed} max_in_flight={server.max_in_flight}/{CAP}"
    )


def test_failures_are_recorded_with_their_reason_in_the_errors_table_and_the_leaderboard(tmp_path, reference_cache):
    server, rows = run_faulty(tmp_path, reference_cache, 1.0, ("503", "400"))
    assert all(r["status"] == "failed" for r in rows.values())
    for task, row in rows.items():
        check_cell(task, row, server.calls_for(task))
        assert "400" not in seen_by_client(row)[:-1]  # a 400 is never retried
    db = sqlite3.connect(tmp_path / "results.sqlite")
    errors = db.execute("SELECT stage, kind, message FROM errors").fetchall()
    db.close()
    assert len(errors) == len(rows)
    assert {(stage, kind) for stage, kind, _ in errors} == {("generate", "transient"), ("generate", "fatal")}
    assert all(message.startswith(("http 503", "http 400")) for _, _, message in errors)
    board = subprocess.run([sys.executable, "-m", "twinbench", "leaderboard", "--format", "json", "--store",
                            str(tmp_path / "results.sqlite")], capture_output=True, text=True, timeout=120)
    [row] = json.loads(board.stdout)
    assert row["outcomes"]["generation_failed"] == 1.0
    assert sum(row["generation_errors"].values()) == len(rows)
    assert {reason.split(":")[0] for reason in row["generation_errors"]} == {"transient", "fatal"}
