"""Judge vs outcome: grades read from judge runs and stored scores (real SQLite), figures per split."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "judge"))  # the judge tests' in-process providers

from twinbench.analysis.agreement import STORED, judge_agreement, judge_grades, outcomes, splits
from twinbench.models import CallKey, CallRecord
from twinbench.store import Cell, CellResult, ScoreRecord, Store

MODELS = ["m0", "m1", "m2", "m3"]
TASKS = ["a", "b", "c"]


def outcome_of(model: int, task: int) -> float:
    return float((model + task) % 3 != 0)


def grade_of(model: int, task: int) -> float:
    """A judge that ranks every pass above every fail, but passes only grades of 60 and more."""
    return 55.0 + 10 * task if outcome_of(model, task) else 10.0 + model


def stored_run(store: Store, with_splits: bool) -> str:
    cells = {(i, j): Cell(model=m, task=t, turn=1) for i, m in enumerate(MODELS) for j, t in enumerate(TASKS)}
    config = {"splits": {"a": "dev", "b": "heldout", "c": "heldout"}} if with_splits else {}
    store.create_run("r", config, cells.values())
    for (i, j), cell in cells.items():
        record = CallRecord(key=CallKey(task=cell.task, turn=1), model=cell.model, provider="x", endpoint="x",
                            text="x = 1")
        scores = [ScoreRecord(scorer="pass", value=outcome_of(i, j)),
                  ScoreRecord(scorer="judge.ref", value=grade_of(i, j))]
        store.finish_cell("r", cell, CellResult(status="ok", response=record, scores=scores))
    return "r"


@pytest.mark.parametrize("with_splits", [False, True])
def test_stored_grades_against_the_outcome(tmp_path, with_splits):
    store = Store.open(tmp_path / "s.sqlite")
    run = stored_run(store, with_splits)
    grades = judge_grades(store, [run])
    assert set(grades) == {("judge.ref", STORED)}
    report = judge_agreement(grades, outcomes(store, [run], "pass"), splits(store, [run]), threshold=60,
                             n_boot=200, worst=10)
    rows = {r.split: r for r in report.rows}
    assert set(rows) == ({"dev", "heldout"} if with_splits else {"all"})
    for row in rows.values():
        assert row.auroc.value == 1.0
        tasks = range(3) if row.split == "all" else [0] if row.split == "dev" else [1, 2]
        assert row.positives == sum(outcome_of(i, j) > 0 for i in range(4) for j in tasks)
        # a pass graded 55 (task a) is a wrong decision at threshold 60, and the only kind of wrong decision
        assert all(w.task == "a" and w.grade == 55 and w.outcome == 1 for w in row.worst)
        assert sum(b.n for b in row.bins) == row.answers
    whole = rows.get("all")
    if whole is not None:
        wrong = sum(1 for i in range(4) if outcome_of(i, 0))
        assert whole.accuracy.value == pytest.approx(1 - wrong / 12)
        assert whole.models == 4 and whole.spearman is not None


def test_each_judge_model_of_a_judge_run_has_its_own_rows(tmp_path):
    import asyncio

    from twinbench.judge import JudgeItem, Rubric, judge_items

    store = Store.open(tmp_path / "s.sqlite")
    run = stored_run(store, with_splits=True)
    items = [JudgeItem(cell=Cell(model=r["model"], task=r["task"], turn=1), candidate="x = 1", reference="x = 1")
             for r in store.result_rows(run)]

    class Fixed:
        def __init__(self, name: str, grade: int):
            from twinbench.models import ModelSpec

            self.spec = ModelSpec(name=name, provider="replay", model=name, endpoint=f"fixed:{name}")
            self.grade = grade

        async def complete(self, messages, settings, key, timeout_s):
            from twinbench.models import Completion

            return Completion(text=f"[[{self.grade}]]", tokens_in=1, tokens_out=1)

        async def aclose(self):
            return None

    asyncio.run(judge_items(store, run, items, {"hi": Fixed("hi", 90), "lo": Fixed("lo", 10)}, Rubric.load(),
                            "ref", scorer="judge.fixed"))
    grades = judge_grades(store, [run])
    assert {k for k in grades} == {("judge.ref", STORED), ("judge.fixed", "hi"), ("judge.fixed", "lo")}
    report = judge_agreement(grades, outcomes(store, [run], "pass"), splits(store, [run]), n_boot=100)
    for row in report.rows:
        if row.score == "judge.fixed":
            assert row.auroc.value == 0.5  # a constant grade cannot rank
            share = row.positives / row.answers
            assert row.accuracy.value == pytest.approx(share if row.judge == "hi" else 1 - share)


def test_a_judge_without_a_grade_is_counted_not_reported(tmp_path):
    import asyncio

    from judge_fakes import FakeProvider

    from twinbench.judge import JudgeItem, Rubric, judge_items

    store = Store.open(tmp_path / "s.sqlite")
    run = stored_run(store, with_splits=False)
    items = [JudgeItem(cell=Cell(model=r["model"], task=r["task"], turn=1), candidate="x = 1", reference="x = 1")
             for r in store.result_rows(run)]
    mute = FakeProvider("mute", lambda prompt, key: "Code Quality: 1 point")
    asyncio.run(judge_items(store, run, items, {"mute": mute}, Rubric.load(), "ref", scorer="judge.mute"))
    report = judge_agreement(judge_grades(store, [run]), outcomes(store, [run], "pass"), {}, n_boot=50)
    assert {(c.score, c.judge, c.judged, c.graded) for c in report.coverage} == {
        ("judge.mute", "mute", 12, 0), ("judge.ref", STORED, 12, 12)}
    assert {r.score for r in report.rows} == {"judge.ref"}
