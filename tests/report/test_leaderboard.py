"""The leaderboard counts every way a cell can end, and says why generation failed."""

from __future__ import annotations

import io

from rich.console import Console

from twinbench.report.leaderboard import leaderboard, render

ENDINGS = ["ok", "error", "timeout", "safety", "killed", "oom", "forbidden", "budget", "harness_error", "no_code"]


def rows() -> list[dict]:
    done = [{"model": "m", "task": f"t{i}", "status": "ok", "exec_status": s, "score.trace": 0.5}
            for i, s in enumerate(ENDINGS)]
    failed = [{"model": "m", "task": f"g{i}", "status": "failed", "exec_status": None, "error_kind": "transient",
               "error": reason} for i, reason in enumerate(["timeout after 120s", "timeout after 120s", "http 503"])]
    return done + failed


def test_every_outcome_has_its_share_and_generation_failures_their_reasons():
    [row] = leaderboard(rows(), {}, n_boot=10)
    n = len(ENDINGS) + 3
    assert row.outcomes == {**{e: 1 / n for e in ENDINGS}, "generation_failed": 3 / n}
    assert row.generation_errors == {"transient: timeout after 120s": 2, "transient: http 503": 1}
    out = io.StringIO()
    for part in render([row], "table"):
        Console(file=out, width=80).print(part)
    text = out.getvalue()
    assert all(len(line) <= 80 for line in text.splitlines())
    for head in ("killed", "oom", "forbid", "budget", "harness", "gen fail"):
        assert head in text
    assert "generation failed for m: 2 x transient: timeout after 120s; 1 x transient: http 503" in text.replace(
        "\n", "")
