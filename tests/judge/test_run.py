"""A judge panel over a run: calls through generate() and the cache, results in the store, resume."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics

import pytest
from judge_fakes import FakeProvider, grade_by_difference

from twinbench.judge import JudgeItem, Rubric, judge_items, judge_run_id, score_details
from twinbench.models import CallKey, CallRecord, ResponseCache
from twinbench.store import Cell, CellResult, Store

REF = "a = 1\nb = 2\nc = a + b\nprint(c)\n"
ANSWERS = {"t0": REF, "t1": "a = 1\nb = 3\nc = a + b\nprint(c)\n", "t2": "a = 5\nb = 3\nc = a * b\n"}


def source_run(store: Store, run_id: str = "src") -> list[JudgeItem]:
    cells = [Cell(model="m", task=t) for t in ANSWERS]
    store.create_run(run_id, {}, cells)
    for cell in cells:
        record = CallRecord(key=cell.key, model="m", provider="replay", endpoint="x", text=ANSWERS[cell.task])
        store.finish_cell(run_id, cell, CellResult.from_call(record))
    return [JudgeItem(cell=c, candidate=ANSWERS[c.task], reference=REF) for c in cells]


def harsh(prompt: str, key: CallKey) -> str:
    """A second judge: 10 points lower than the first, never below 0."""
    first = int(grade_by_difference(prompt, key).rsplit("[[", 1)[1].rstrip("]"))
    return f"[[{max(0, first - 10)}]]"


def test_panel_grades_are_stored_with_calls_and_written_back(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    items = source_run(store)
    a, b = FakeProvider("judge-a", grade_by_difference), FakeProvider("judge-b", harsh)
    summary = asyncio.run(judge_items(store, "src", items, {"judge-a": a, "judge-b": b}, Rubric.load(), "ref"))
    assert summary.run_id == judge_run_id("src", "judge.ref") == "judge/ref/src"
    assert (summary.calls, summary.parsed, summary.failed) == (6, 6, 0)
    rows = store.result_rows(summary.run_id)
    assert {r["model"] for r in rows} == {"judge-a", "judge-b"}
    assert all(r["tokens_in"] > 0 and r["text"].endswith("]]") for r in rows)
    expected = {"t0": (100, 90), "t1": (95, 85), "t2": (80, 70)}
    src = {r["task"]: r for r in store.result_rows("src")}
    for task, grades in expected.items():
        assert src[task]["score.judge.ref"] == statistics.fmean(grades)
    details = score_details(store, "src", "judge.ref")
    t2 = details[Cell(model="m", task="t2").id]
    assert t2["grades"] == {"judge-a": 80, "judge-b": 70} and t2["median"] == 75 and t2["judge_run"] == summary.run_id
    assert summary.agreement is not None and summary.agreement.pairwise_spearman["judge-a ~ judge-b"] == 1.0
    config = store.run(summary.run_id).config
    assert config["rubric"]["fingerprint"] == Rubric.load().fingerprint and config["settings"]["seed"] == 0


def test_unparsable_answers_and_failed_calls_are_recorded_not_guessed(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    items = source_run(store)
    mumble = FakeProvider(
        "mumble", lambda p, k: "The code looks fine, around 80 maybe.", fail_on=[CallKey(task="m | t1")]
    )
    summary = asyncio.run(judge_items(store, "src", items, {"mumble": mumble}, Rubric.load(), "ref"))
    assert (summary.parsed, summary.failed) == (0, 3)
    assert all(p.mean is None for p in summary.panel.values())
    with sqlite3.connect(store.path) as db:
        stages = sorted(r[0] for r in db.execute("SELECT stage FROM errors WHERE run_id = ?", (summary.run_id,)))
    assert stages == ["generate", "judge-parse", "judge-parse"]
    assert all(r["score.judge.ref"] is None for r in store.result_rows("src"))


def test_resume_asks_only_for_missing_calls_and_the_cache_serves_repeats(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    items = source_run(store)
    cache = ResponseCache(tmp_path / "cache.sqlite")
    judge = FakeProvider("judge-a", grade_by_difference, fail_on=[CallKey(task="m | t2")])
    asyncio.run(judge_items(store, "src", items[:2], {"judge-a": judge}, Rubric.load(), "ref", cache=cache))
    assert len(judge.calls) == 2
    with pytest.raises(Exception, match="different config or manifest"):
        asyncio.run(judge_items(store, "src", items, {"judge-a": judge}, Rubric.load(), "ref", cache=cache))
    again = asyncio.run(judge_items(store, "src", items[:2], {"judge-a": judge}, Rubric.load(), "ref", cache=cache))
    assert len(judge.calls) == 2 and again.parsed == 2  # nothing asked again
    source_run(store, "src-copy")
    copy = [JudgeItem(cell=i.cell, candidate=i.candidate, reference=i.reference) for i in items[:2]]
    asyncio.run(judge_items(store, "src-copy", copy, {"judge-a": judge}, Rubric.load(), "ref", cache=cache))
    assert len(judge.calls) == 2
    assert all(r["cached"] == 1 for r in store.result_rows("judge/ref/src-copy"))


def test_long_programs_are_cut_and_the_cut_is_recorded(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    items = source_run(store)
    seen = []
    judge = FakeProvider("j", lambda p, k: seen.append(p) or "[[50]]")
    asyncio.run(judge_items(store, "src", items, {"j": judge}, Rubric.load(), "ref", max_code_chars=6))
    assert all("characters cut]" in p and "c = a + b" not in p for p in seen)
    assert json.loads(json.dumps(store.run("judge/ref/src").config))["max_code_chars"] == 6


def test_a_benchmark_run_gives_the_judge_its_references_from_the_store(tmp_path):
    from twinbench.judge.references import reference_for
    from twinbench.runner.benchmark import run_config, select_tasks, tasks_blob
    from twinbench.tasks import load_suite

    suite = load_suite("beamline")
    tasks = select_tasks(suite, ["beam"])
    store = Store.open(tmp_path / "s.sqlite")
    store.put_blob(tasks_blob(suite, tasks))
    store.create_run("bench", run_config(suite, tasks, [], 1, "system"), [Cell(model="m", task=t.id) for t in tasks])
    reference = reference_for(store, "bench")
    assert all(reference(t.id, 0) == t.references[0] for t in tasks)


def test_a_structured_pass_asks_for_the_grade_schema_and_records_its_mode(tmp_path):
    """The provider gets the rubric's schema, the prompt asks for JSON, the JSON grade (from a cut answer too)
    is stored with its parse mode, and the run's config says the pass was structured."""
    store = Store.open(tmp_path / "s.sqlite")
    items = source_run(store)
    rubric = Rubric.load()

    def json_judge(prompt: str, key: CallKey) -> str:
        assert '"grade"' in prompt and "[[" not in prompt.rsplit("[The End of Assistant's Answer]", 1)[1]
        grade = int(grade_by_difference(prompt, key).rsplit("[[", 1)[1].rstrip("]"))
        answer = json.dumps({"grade": grade, "reason": "some lines differ"})
        return answer[:-12] if key.task == "m | t2" else answer  # t2's answer is cut off after its grade

    judge = FakeProvider("j", json_judge)
    summary = asyncio.run(judge_items(store, "src", items, {"j": judge}, rubric, "ref", structured=True))
    assert (summary.parsed, summary.flagged, summary.failed) == (3, 1, 0)
    assert {s.schema_dict["properties"]["grade"]["enum"][-1] for s in judge.settings} == {rubric.start}
    assert all(list(s.schema_dict["properties"]) == ["grade", "reason"] for s in judge.settings)
    assert {r["task"]: r["score.judge.ref"] for r in store.result_rows("src")} == {"t0": 100, "t1": 95, "t2": 80}
    details = score_details(store, summary.run_id, "judge.ref")
    assert {d["mode"] for d in details.values()} == {"json"}
    config = store.run(summary.run_id).config
    assert config["structured"] is True and json.loads(config["settings"]["json_schema"]) == rubric.grade_schema()
    with pytest.raises(Exception, match="different config or manifest"):  # a text pass is another run
        asyncio.run(judge_items(store, "src", items, {"j": judge}, rubric, "ref"))
