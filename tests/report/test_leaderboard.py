"""The leaderboard counts every way a cell can end, says why generation failed, and follows multi-turn chains."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


def turns_of(chains: int) -> dict[str, tuple[int, str | None]]:
    """Chains of three turns: task c<i>-<turn>, each later turn following the one before."""
    return {f"c{i}-{t}": (t, f"c{i}-{t - 1}" if t > 1 else None) for i in range(chains) for t in (1, 2, 3)}


# per (chain, sample, turn): None (still pending) or whether the cell passed
CELLS = st.integers(1, 4).flatmap(lambda chains: st.integers(1, 3).flatmap(lambda samples: st.lists(
    st.one_of(st.none(), st.booleans()), min_size=3 * chains * samples, max_size=3 * chains * samples).map(
    lambda v: (chains, samples, v))))


@settings(max_examples=60, deadline=None)
@given(CELLS)
def test_per_turn_pass_rates_and_changes_follow_the_chains(cells):
    chains, samples, values = cells
    grid = np.array(values, dtype=object).reshape(chains, samples, 3)
    rows = [{"model": "m", "task": f"c{i}-{t + 1}", "sample": s, "status": "pending" if v is None else "ok",
             "exec_status": "ok", "score.pass": float(bool(v)), "score.trace": float(bool(v))}
            for (i, s, t), v in np.ndenumerate(grid)]
    [row] = leaderboard(rows, {}, n_boot=10, turns=turns_of(chains))
    done = {t: [v for v in grid[:, :, t - 1].ravel() if v is not None] for t in (1, 2, 3)}
    assert row.by_turn == ({t: pytest.approx(np.mean(v)) for t, v in done.items() if v}
                           if sum(bool(v) for v in done.values()) > 1 else {})
    for change in row.turn_changes:
        a, b = change.from_turn - 1, change.to_turn - 1
        both = [(x, y) for x, y in zip(grid[:, :, a].ravel(), grid[:, :, b].ravel(), strict=True)
                if x is not None and y is not None]
        assert change.n == len(both)
        if None not in values:  # every cell finished: the change is the difference of the turns' pass rates
            assert change.change == pytest.approx(row.by_turn[change.to_turn] - row.by_turn[change.from_turn])


def test_the_turn_table_fits_80_columns_with_long_model_names():
    rows = [{"model": model, "task": f"c0-{t}", "sample": s, "status": "ok", "exec_status": "ok",
             "score.pass": float(t == 2), "score.trace": 0.5}
            for model in ("openai:gpt-4o-2024-08-06@https://example.org/v1", "m") for t in (1, 2, 3) for s in range(4)]
    board = leaderboard(rows, {}, n_boot=10, turns=turns_of(1))
    out = io.StringIO()
    for part in render(board, "table"):
        Console(file=out, width=80).print(part)
    text = out.getvalue()
    assert all(len(line) <= 80 for line in text.splitlines()) and "Pass rate by turn" in text
    assert "-100.0" in text and "+100.0" in text and "0.125" in text  # 4 pairs, all gained, then all lost
