"""One task as its page shows it: the instruction, and the models compared on it (a table and a bar figure), each with
its pass rate, mean full trace score with a bootstrap 95% CI over its samples, how its cells ended, and the cells
themselves (each opens its cell page). Plain JSON-ready data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from twinbench.analysis.stats import estimate
from twinbench.report.figures import score_bars
from twinbench.report.leaderboard import cell_outcome, row_result

CELL_COLUMNS = ("id", "sample", "turn", "outcome", "passed", "trace", "codebleu")


def model_on_task(model: str, rows: Sequence[Mapping[str, Any]], n_boot: int = 2000) -> dict[str, Any]:
    """One model's cells of one task (`Store.outcome_rows` rows): its figures (`score` an Estimate) and its cells
    in CELL_COLUMNS order (a pending cell has outcome `pending` and no pass; it counts in `cells`, not in the
    figures)."""
    finished = [r for r in rows if r["status"] != "pending"]
    traces = np.array([r.get("score.trace") or 0.0 for r in finished])
    score = estimate(lambda idx: traces[idx].mean(axis=1), len(traces), n_boot)
    outcomes = Counter(cell_outcome(r["status"], r["exec_status"]) for r in finished)
    cells = [[r["cell_id"], r["sample"], r["turn"], *row_result(r), r.get("score.trace"), r.get("score.codebleu")]
             for r in rows]
    return {"model": model, "cells": len(rows), "finished": len(finished),
            "passed": sum(bool(r.get("score.pass")) for r in finished),
            "pass_rate": float(np.mean([bool(r.get("score.pass")) for r in finished])) if finished else None,
            "score": score, "outcomes": dict(outcomes.most_common()), "rows": cells}


def task_view(task_id: str, rows: Sequence[Mapping[str, Any]], meta: Mapping[str, Any], instruction: str | None,
              n_boot: int = 2000) -> dict[str, Any]:
    """The task page's data from the run's rows of that task: the models best mean score first."""
    by_model: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_model.setdefault(r["model"], []).append(r)
    models = [model_on_task(m, cells, n_boot) for m, cells in by_model.items()]
    models.sort(key=lambda m: (-(m["score"].value or 0.0), m["model"]))
    figure = score_bars([(m["model"], m["score"], m["pass_rate"]) for m in models],
                        f"{task_id}: mean full score (%) per model, 95% CI over its samples")
    return {"id": task_id, "category": meta.get("category"), "difficulty": meta.get("difficulty"),
            "instruction": instruction, "columns": CELL_COLUMNS, "figure": figure,
            "models": [{**m, "score": m["score"].model_dump()} for m in models]}
