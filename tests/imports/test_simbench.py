"""Importing the real SimBench sample: names matched, every judge output parsed, similarity recomputed."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from twinbench.imports.simbench import import_simbench, load_suite, model_key
from twinbench.judge import TaskSuite, score_details
from twinbench.store import Cell, Store

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "simbench-sample"
ROUND = {"first": 1, "second": 2, "third": 3}


def read(name: str) -> list[dict[str, str]]:
    with (SAMPLE / "statistics" / name).open() as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def imported(simbench_import):
    path, report = simbench_import
    return Store.open(path), report


def values(store: Store, scorer: str) -> dict[tuple[str, str, int], float | None]:
    out = {}
    for run in store.runs():
        for row in store.result_rows(run.run_id):
            out[(row["model"], row["task"], row["turn"])] = row.get(f"score.{scorer}")
    return out


def test_model_names_are_matched_across_files():
    assert model_key("gemma-2-2b-it") == model_key("gemma-2-2b") == "gemma-2-2b"
    assert model_key("codestral-22b-instruct-v0.1") == model_key("codestral-22b")
    assert model_key("GPT4o-mini") == "gpt-4o-mini" != model_key("GPT4o")
    assert model_key("Claude-sonnet-3.5") == "claude-3-5-sonnet"
    assert model_key("mistral-large-latest") == "mistral-large"


def test_runs_cells_and_unmatched_names(imported):
    store, report = imported
    folders = sorted(p.name for p in (SAMPLE / "output_llms").iterdir())
    assert report.runs == [f"simbench/{m}" for m in folders]
    assert report.cells == len(folders) * 6 * 3
    released_pass_names = {r["Model Name"] for r in read("pass.csv")}
    assert sorted(report.unmatched["pass.csv"]) == sorted(
        n for n in released_pass_names if model_key(n) not in {model_key(f) for f in folders}
    )
    assert "LLM.csv" not in report.unmatched and "evaluation_results.csv" not in report.unmatched


def test_every_judge_output_parses_and_equals_llm_csv(imported):
    store, report = imported
    files = list(SAMPLE.glob("output_llms/*/*/*_score_*.txt"))
    assert report.judge_outputs == report.judge_parsed == len(files) and report.judge_failed == []
    stored = {v: values(store, f"judge.{v}") for v in ("ref", "doc", "ref_doc")}
    columns = {"ref": "Score Reference", "doc": "Score Document", "ref_doc": "Score Reference Document"}
    rows = read("LLM.csv")
    for r in rows:
        key = (r["Test Model"], r["System"], ROUND[r["Round"]])
        for variant, column in columns.items():
            assert stored[variant][key] == float(r[column]), (key, variant)
    assert report.csv_grades_compared == 3 * len(rows) and report.csv_grade_mismatches == []
    print(
        f"\nimport: {report.judge_parsed}/{report.judge_outputs} judge outputs parsed, {report.judge_flagged} "
        f"flagged, {report.csv_grades_compared} grades equal to LLM.csv"
    )


def test_recomputed_codebleu_and_rouge_match_the_release(imported):
    store, report = imported
    codebleu, rouge = values(store, "codebleu"), values(store, "rougeLsum")
    rows = read("evaluation_results.csv")
    diffs = [abs(codebleu[(r["model"], r["system"], int(r["round"][-1]))] - float(r["codebleu"])) for r in rows]
    share = sum(d < 1e-9 for d in diffs) / len(diffs)
    print(f"\nCodeBLEU: {share:.1%} of {len(rows)} rows equal, largest difference {max(diffs):.4f}")
    assert share >= 0.9 and max(diffs) < 0.05
    assert (report.codebleu_compared, report.codebleu_max_diff) == (len(rows), pytest.approx(max(diffs)))
    for r in rows:
        assert rouge[(r["model"], r["system"], int(r["round"][-1]))] == pytest.approx(float(r["rougeLsum"]), abs=1e-12)


def test_expert_counts_are_per_system_and_the_suite_is_stored(imported):
    store, report = imported
    passes = values(store, "pass")
    for r in read("pass.csv"):
        folder = next(
            (f for f in (SAMPLE / "output_llms").iterdir() if model_key(f.name) == model_key(r["Model Name"])), None
        )
        if folder is not None:
            assert {passes[(folder.name, r["Task Name"], t)] for t in (1, 2, 3)} == {float(r["2nd & 3rd Rounds Pass"])}
    suite = TaskSuite.from_store(store, store.run("simbench/gpt-4o").config["suite_sha"])
    assert suite == load_suite(SAMPLE) and len(suite.tasks) == 6
    pend = suite.task("pendulum")
    assert pend.turn(2).start_code == (SAMPLE / "demo_data/pendulum/pyinput2.py").read_text()
    assert pend.turn(1).reference == (SAMPLE / "demo_data/pendulum/truth1.py").read_text()


def test_parse_details_and_a_partial_model_are_kept(imported):
    store, _ = imported
    detail = score_details(store, "simbench/phi-3-medium-128k-instruct", "judge.ref")
    single = detail[Cell(model="phi-3-medium-128k-instruct", task="cable", turn=1).id]
    assert single["marker"] == "single" and single["grade"] == 35 and single["release_value"] == 35
    partial = store.result_rows("simbench/phi-3-medium-4k-instruct")
    assert len(partial) == 18 and all(r["status"] == "ok" and r["text"] and "score.judge.ref" not in r for r in partial)


def test_reimport_is_a_no_op(imported):
    store, report = imported
    with sqlite3.connect(store.path) as db:
        before = db.execute("SELECT count(*), max(finished_at) FROM cells").fetchone()
    again = import_simbench(SAMPLE, store, workers=1)
    assert again.runs == report.runs and again.cells == report.cells
    assert again.judge_outputs == again.codebleu_compared == 0  # nothing was pending
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT count(*), max(finished_at) FROM cells").fetchone() == before
