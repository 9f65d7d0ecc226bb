"""A stored benchmark run as the HTML pages show it: the leaderboard, an index of its cells, one task at a time
(the models compared on it), and one cell at a time in full (its answer, program, output, and its trace re-aligned
against the best reference).

Everything is read back from the store; only the alignment is recomputed (the store keeps its scores, not the
aligned rows), against the task's reference traces from the per-twin-version cache.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING, Any

from twinbench.errors import InputError
from twinbench.report.leaderboard import ModelRow, leaderboard, row_result
from twinbench.store import Store
from twinbench.store.records import BENCHMARK

if TYPE_CHECKING:
    from twinbench.tasks import Task
    from twinbench.trace.model import Trace

INDEX_COLUMNS = ("id", "model", "task", "category", "difficulty", "turn", "sample", "outcome", "passed", "trace",
                 "codebleu")


def _blob_text(store: Store, sha: str | None) -> str | None:
    return None if sha is None else store.get_blob(sha).decode("utf-8", errors="replace")


class RunData:
    """One benchmark run of `store`, read lazily: `board`, `index`, `task(task_id)` and `cell(cell_id)`."""

    def __init__(self, store: Store, run_id: str):
        self.store, self.run_id = store, run_id
        self.summary = store.run(run_id)
        if self.summary.config.get("kind") != BENCHMARK:
            raise InputError(str(store.path), "not a benchmark run (judge and chain runs have no report)",
                             item=run_id)
        self.meta: dict[str, dict[str, Any]] = self.summary.config["tasks"]
        self._references: dict[str, list[Trace]] = {}

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """One row per cell with its outcome and scores (`Store.outcome_rows`: no answers; a cell's page reads its
        own)."""
        return self.store.outcome_rows(self.run_id)

    @cached_property
    def tasks(self) -> dict[str, Task]:
        from twinbench.runner.benchmark import stored_tasks

        return stored_tasks(self.store, self.summary.config)

    @cached_property
    def board(self) -> list[ModelRow]:
        from twinbench.runner.chains import task_turns

        categories = {task_id: (t["category"], t["difficulty"]) for task_id, t in self.meta.items()}
        return leaderboard(self.rows, categories, turns=task_turns(self.summary.config))

    @cached_property
    def index(self) -> list[list[Any]]:
        """One row per cell, in INDEX_COLUMNS order (pending cells have outcome `pending` and no pass)."""
        out = []
        for r in self.rows:
            meta = self.meta.get(r["task"], {})
            out.append([r["cell_id"], r["model"], r["task"], meta.get("category", "?"), meta.get("difficulty", "?"),
                        r["turn"], r["sample"], *row_result(r), r.get("score.trace"), r.get("score.codebleu")])
        return out

    @cached_property
    def _row_by_id(self) -> dict[str, dict[str, Any]]:
        return {r["cell_id"]: r for r in self.rows}

    @cached_property
    def _rows_by_task(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for r in self.rows:
            out.setdefault(r["task"], []).append(r)
        return out

    def task(self, task_id: str) -> dict[str, Any]:
        """Everything the task page shows (see `report.task_view.task_view`); InputError for a task not in the run."""
        from twinbench.report.task_view import task_view

        rows = self._rows_by_task.get(task_id)
        if rows is None:
            raise InputError(str(self.store.path), "no such task in the run", item=f"{self.run_id}/{task_id}")
        task = self.tasks.get(task_id)
        return task_view(task_id, rows, self.meta.get(task_id, {}), task.instruction if task else None)

    def references(self, task_id: str) -> list[Trace]:
        """The task's reference traces (cached per twin version; computed once when the cache lacks them)."""
        if task_id not in self._references:
            self.load_references([task_id])
        return self._references[task_id]

    def load_references(self, task_ids: list[str] | None = None) -> None:
        """Load the reference traces of `task_ids` (default: every task of the run) in one go."""
        from twinbench.runner.benchmark import reference_traces

        wanted = [self.tasks[t] for t in (task_ids or self.tasks) if t not in self._references]
        if wanted:
            self._references |= reference_traces(wanted, self.summary.config["twin"])

    def cell(self, cell_id: str) -> dict[str, Any]:
        """Everything the cell page shows (see `report.cell_view.cell_view`); InputError for an unknown cell."""
        from twinbench.report.cell_view import cell_view

        row = self._row_by_id.get(cell_id)
        if row is None:
            raise InputError(str(self.store.path), "no such cell in the run", item=f"{self.run_id}/{cell_id}")
        record = self.store.cell_record(self.run_id, cell_id)
        trace = None
        if (text := _blob_text(self.store, record["trace_sha"])) is not None:
            from twinbench.trace.io import events_from_obj

            trace = events_from_obj(json.loads(text), f"cell {cell_id}")
        task = self.tasks.get(row["task"])
        references = self.references(row["task"]) if task is not None and trace is not None else []
        return cell_view(row, self.meta.get(row["task"], {}), task, record, trace, references, self.summary.config,
                         code=_blob_text(self.store, record["code_sha"]),
                         output=_blob_text(self.store, record["stdout_sha"]), judge=self.judge(row, record["scores"]))

    def judge(self, row: dict[str, Any], scores: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """Each judge scorer's panel grade on the cell and, from its judge run, every judge's grade and answer."""
        from twinbench.judge.run import judging_cell
        from twinbench.store import Cell

        judged = Cell(model=row["model"], task=row["task"], turn=row["turn"], sample=row["sample"])
        out = []
        for name, score in scores.items():
            if not name.startswith("judge."):
                continue
            detail, judges = score["detail"], []
            for judge, grade in detail.get("grades", {}).items():
                answer = None
                if (judge_run := detail.get("judge_run")) is not None:
                    try:
                        answer = self.store.cell_record(judge_run, judging_cell(judge, judged).id)["text"]
                    except InputError:  # the judge run was deleted: the grades stay
                        pass
                judges.append({"judge": judge, "grade": grade, "answer": answer})
            out.append({"scorer": name, "grade": score["value"], "judges": judges})
        return out
