"""Scores of finished cells, gathered from one or more runs of the results store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from twinbench.store import Store

Unit = tuple[str, ...]


@dataclass(frozen=True)
class ScoreRow:
    """One finished cell: its coordinates and every numeric score it has."""

    model: str
    task: str
    turn: int
    sample: int
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class ScoreTable:
    """Finished cells with scores; averages per model or per instance."""

    rows: list[ScoreRow]

    def scorers(self) -> list[str]:
        return sorted({s for r in self.rows for s in r.scores})

    def turns(self) -> list[int]:
        return sorted({r.turn for r in self.rows})

    def means(self, score: str, by: str, turns: Iterable[int] | None = None) -> dict[Unit, float]:
        """Mean of `score` per unit: `model`, `task` = (model, task, sample) or `cell` = (model, task, turn, sample)."""
        wanted = set(turns) if turns else None
        groups: dict[Unit, list[float]] = defaultdict(list)
        for r in self.rows:
            if (wanted is None or r.turn in wanted) and score in r.scores:
                groups[_unit(r, by)].append(r.scores[score])
        return {unit: float(np.mean(v)) for unit, v in groups.items()}

    def by_turn(self, score: str) -> dict[tuple[str, str, int], dict[int, float]]:
        """(model, task, sample) -> turn -> value."""
        out: dict[tuple[str, str, int], dict[int, float]] = defaultdict(dict)
        for r in self.rows:
            if score in r.scores:
                out[(r.model, r.task, r.sample)][r.turn] = r.scores[score]
        return out


def _unit(row: ScoreRow, by: str) -> Unit:
    if by == "model":
        return (row.model,)
    if by == "task":
        return (row.model, row.task, str(row.sample))
    return (row.model, row.task, str(row.turn), str(row.sample))


def load_table(store: Store, run_ids: Iterable[str]) -> ScoreTable:
    """Every finished cell of the runs with its non-null score values."""
    rows = []
    for run_id in run_ids:
        for row in store.result_rows(run_id):
            if row["status"] == "pending":
                continue
            scores = {
                k.removeprefix("score."): float(v) for k, v in row.items() if k.startswith("score.") and v is not None
            }
            rows.append(ScoreRow(row["model"], row["task"], row["turn"], row["sample"], scores))
    return ScoreTable(rows)
