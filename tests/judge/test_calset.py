"""The labelled calibration set: built in the real sandbox from the beamline suite, split by task, stored as a run,
and graded by replay judges through `twinbench judge run`; `judge agreement` holds them against execution."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from twinbench.cli import load
from twinbench.judge.calset import CalibrationSet, assign_splits, build_set, store_set, syntax_error
from twinbench.store import Store
from twinbench.tasks import load_suite

TASKS = ["align-1", "beam-1", "measure-1", "detector-1"]


@pytest.fixture(scope="module")
def cal(tmp_path_factory) -> CalibrationSet:
    from twinbench.tasks import ReferenceRunner

    suite = load_suite("beamline")
    with ReferenceRunner(suite.twin) as runner:
        return build_set(suite, [suite.task(t) for t in TASKS], runner, seed=3)


def test_answers_are_labelled_by_running_them(cal):
    by_quality = {q: [a for a in cal.answers if a.quality == q] for q in ("reference", "equal", "wrong", "broken")}
    assert len(by_quality["reference"]) == len(by_quality["broken"]) == len(TASKS)
    assert all(a.passed for a in by_quality["reference"])
    assert not any(a.passed for a in by_quality["broken"]) and {a.outcome for a in by_quality["broken"]} != {"ok"}
    assert by_quality["wrong"] and not all(a.passed for a in by_quality["wrong"])
    assert {a.split for a in cal.answers} == {"dev", "heldout"}
    for task in TASKS:  # every answer to a task is in the task's split
        assert len({a.split for a in cal.answers if a.task == task}) == 1


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=30, unique=True), st.integers(0, 2**31),
       st.floats(0.0, 1.0))
def test_split_is_fixed_by_tasks_and_seed_and_holds_out_the_share(tasks, seed, share):
    splits = assign_splits(tasks, seed, share)
    assert splits == assign_splits(list(reversed(tasks)), seed, share)
    assert sum(s == "heldout" for s in splits.values()) == round(share * len(tasks))


@given(st.lists(st.from_regex(r"[a-z]{1,5} = [0-9]{1,3}", fullmatch=True), min_size=1, max_size=5))
def test_syntax_error_never_compiles(lines):
    with pytest.raises(SyntaxError):
        compile(syntax_error("\n".join(lines) + "\n"), "<answer>", "exec")


def test_saved_set_round_trips_and_bad_field_is_named(cal, tmp_path):
    path = tmp_path / "set.json"
    cal.save(path)
    assert CalibrationSet.load(path) == cal
    data = json.loads(path.read_text())
    data["answers"][0]["quality"] = "great"
    path.write_text(json.dumps(data))
    with pytest.raises(Exception, match=r"answers\.0\.quality"):
        CalibrationSet.load(path)


def test_replay_judges_against_execution(cal, tmp_path):
    db = tmp_path / "store.sqlite"
    run_id = store_set(Store.open(db), cal)
    assert store_set(Store.open(db), cal) == run_id  # idempotent
    cal.save(tmp_path / "set.json")
    cli, app = CliRunner(), load(["judge"])
    for by, seed in (("execution", 0), ("random", 7)):
        out = tmp_path / f"{by}.jsonl"
        res = cli.invoke(app, ["judge", "replay-judge", str(tmp_path / "set.json"), str(out), "--by", by,
                               "--seed", str(seed)])
        assert res.exit_code == 0, res.output
        res = cli.invoke(app, ["judge", "run", run_id, "--judge", f"replay:{out}", "--store", str(db),
                               "--scorer", f"judge.{by}"])
        assert res.exit_code == 0, res.output
    res = cli.invoke(app, ["judge", "agreement", run_id, "--store", str(db), "--boot", "200", "--json"])
    assert res.exit_code == 0, res.output
    rows = {(r["score"], r["split"]): r for r in json.loads(res.output)["rows"]}
    assert {s for s, _ in rows} == {"judge.execution", "judge.random"}
    n_pass = sum(a.passed for a in cal.answers)
    for split in ("dev", "heldout"):
        ex = rows[("judge.execution", split)]
        assert ex["auroc"]["value"] == 1.0 and ex["accuracy"]["value"] == 1.0 and not ex["worst"]
        rnd = rows[("judge.random", split)]
        assert rnd["auroc"]["lo"] < rnd["auroc"]["value"] < rnd["auroc"]["hi"]
    assert sum(rows[("judge.execution", s)]["positives"] for s in ("dev", "heldout")) == n_pass


def test_judge_run_names_a_split_the_run_lacks(cal, tmp_path):
    db = tmp_path / "store.sqlite"
    run_id = store_set(Store.open(db), cal)
    res = CliRunner().invoke(load(["judge"]), ["judge", "run", run_id, "--split", "test", "--store", str(db)])
    assert str(res.exception) == f"--split: run {run_id} has no split 'test' (has: dev, heldout)"
