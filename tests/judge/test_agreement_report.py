"""`twinbench judge agreement`: the HTML page (calibration against the diagonal, the most-disagreeing answers beside
their references with traces run in the real twin, opened offline in headless Chromium) and the SimBench sample's
report against the release's human Pass, each figure checked against an independent computation."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from twinbench.cli import main
from twinbench.imports.simbench import model_key
from twinbench.judge.calset import CalibrationSet, build_set, replay_lines, store_set
from twinbench.store import Store
from twinbench.tasks import ReferenceRunner, load_suite

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "simbench-sample"


def twinbench(*args: str) -> str:
    """Run the command line in this process; its standard output (exit 0 asserted)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            assert not exc.code, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> tuple[Path, str, CalibrationSet, dict[str, float]]:
    """A two-task beamline set (one dev, one held-out task) graded by a random replay judge: (store, run, set,
    grade per `kind | task`)."""
    work = tmp_path_factory.mktemp("agreement")
    suite = load_suite("beamline")
    with ReferenceRunner(suite.twin) as runner:
        cal = build_set(suite, [suite.task("align-1"), suite.task("detector-1")], runner, seed=0)
    store = work / "s.sqlite"
    run_id = store_set(Store.open(store), cal)
    lines = replay_lines(cal, "random", seed=1)
    (work / "random.jsonl").write_text("\n".join(lines) + "\n")
    twinbench("judge", "run", run_id, "--judge", f"replay:{work / 'random.jsonl'}", "--store", str(store))
    grades = {(d := json.loads(line))["task"]: float(re.findall(r"\[\[(\d+)\]\]", d["text"])[-1]) for line in lines}
    return store, run_id, cal, grades


def page_data(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="tb-data">(.*?)</script>', page, re.S).group(1))


def test_html_page_draws_calibration_and_shows_disagreements_with_programs_and_traces(judged, tmp_path):
    store, run_id, cal, grades = judged
    out = tmp_path / "agreement.html"
    report = json.loads(twinbench("judge", "agreement", run_id, "--worst", "2", "--boot", "100", "--json",
                                  "--html", str(out), "--store", str(store)))
    page = out.read_text()
    assert "<script src=" not in page  # plotly.js and every figure inlined: nothing to fetch
    figures = page_data(page)["figures_by_id"]
    diagonal, *splits = figures["calibration-0"]["data"]
    assert (diagonal["x"], diagonal["y"]) == ([0, 100], [0, 1])
    assert sorted(s["name"] for s in splits) == ["dev", "heldout"] == sorted({a.split for a in cal.answers})
    for series in splits:  # each point: a 20-point bin's mean grade and pass rate, recomputed from set and judge
        answers = [a for a in cal.answers if a.split == series["name"]]
        g = np.array([grades[f"{a.kind} | {a.task}"] for a in answers])
        y = np.array([a.passed for a in answers])
        bins = np.minimum(g // 20, 4)
        expected = [(round(g[bins == b].mean(), 2), round(y[bins == b].mean(), 4)) for b in sorted(set(bins))]
        assert list(zip(series["x"], series["y"], strict=True)) == expected
    cases = [(row["split"], w) for row in report["rows"] for w in row["worst"]]
    assert cases and all((w["grade"] >= 50) != (w["outcome"] > 0) for _, w in cases)
    for i, (split, w) in enumerate(cases):
        answer = next(a for a in cal.answers if (a.kind, a.task) == (w["model"], w["task"]))
        section = page.split(f'id="case-{i}"')[1].split("</section>")[0]
        assert f'<span class="badge">{split}</span>' in section
        judged_code, reference = re.findall(r"<pre>(.*?)</pre>", section, re.S)
        assert html.unescape(judged_code).strip() == answer.code.strip()
        assert html.unescape(reference) == cal.references[w["task"]]
        lanes = {lane for trace in figures[f"case-{i}-timeline"]["data"] for lane in trace["y"]}
        assert any(lane.endswith(" · ref") for lane in lanes)
        assert any(lane.endswith(" · pred") for lane in lanes) or not answer.passed  # a passing answer has a trace


def test_html_page_opens_offline_and_draws_every_figure(judged, tmp_path):
    from playwright.sync_api import sync_playwright

    store, run_id, _, _ = judged
    out = tmp_path / "agreement.html"
    twinbench("judge", "agreement", run_id, "--worst", "1", "--boot", "50", "--html", str(out), "--store", str(store))
    figures = page_data(out.read_text())["figures_by_id"]
    drawn = [k for k, fig in figures.items() if fig is not None]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(out.as_uri())
        for key in drawn:
            page.wait_for_selector(f"#{key} .main-svg", timeout=30_000)
        browser.close()
    assert errors == [] and "calibration-0" in drawn


def expected_units() -> dict[tuple[str, str], tuple[float, int]]:
    """(model folder, system) -> (mean of the last `[[x]]` of the turn-2 and turn-3 reference judgements, the
    expert pass count of those turns), read straight from the sample's files."""
    with (SAMPLE / "statistics" / "pass.csv").open() as fh:
        passes = {(model_key(r["Model Name"]), r["Task Name"]): int(r["2nd & 3rd Rounds Pass"])
                  for r in csv.DictReader(fh)}
    units = {}
    for folder in sorted((SAMPLE / "output_llms").iterdir()):
        for system in sorted(p for p in folder.iterdir() if p.is_dir()):
            files = [system / f"{rnd}_score_reference.txt" for rnd in ("second", "third")]
            grades = [float(re.findall(r"\[\[(\d+(?:\.\d+)?)\]\]", f.read_text(errors="replace"))[-1])
                      for f in files if f.is_file()]
            if grades and (model_key(folder.name), system.name) in passes:
                units[(folder.name, system.name)] = (float(np.mean(grades)), passes[(model_key(folder.name),
                                                                                    system.name)])
    return units


def test_simbench_report_holds_the_release_grades_against_the_human_pass(simbench_import):
    store, _ = simbench_import
    runs = [r.run_id for r in Store.open(store).runs() if r.run_id.startswith("simbench/")]
    report = json.loads(twinbench("judge", "agreement", *runs, "--turns", "2,3", "--boot", "200", "--json",
                                  "--store", str(store)))
    assert report["turns"] == [2, 3] and report["outcome"] == "pass"
    rows = {r["score"]: r for r in report["rows"]}
    assert set(rows) == {"judge.ref", "judge.doc", "judge.ref_doc"}
    assert all(r["judge"] == "(stored)" and r["split"] == "all" for r in rows.values())
    units = expected_units()
    ref = rows["judge.ref"]
    assert ref["answers"] == len(units) and ref["models"] == len({m for m, _ in units})
    positives = [g for g, p in units.values() if p > 0]
    negatives = [g for g, p in units.values() if p == 0]
    assert ref["positives"] == len(positives)
    auroc = mannwhitneyu(positives, negatives).statistic / (len(positives) * len(negatives))
    assert ref["auroc"]["value"] == pytest.approx(auroc, abs=1e-9)
    assert 0 <= ref["auroc"]["lo"] <= auroc <= ref["auroc"]["hi"] <= 1
    assert sum(b["n"] for b in ref["bins"]) == len(units)
    for w in ref["worst"]:  # each listed answer: the judge's pass decision contradicts the experts'
        grade, passed = units[(w["model"], w["task"])]
        assert (w["grade"], w["outcome"]) == (pytest.approx(grade), passed) and (grade >= 50) != (passed > 0)


def test_html_page_of_a_benchmark_run_aligns_the_stored_trace(tmp_path, reference_cache, monkeypatch):
    from twinbench.runner.replay_answers import write_replay

    monkeypatch.setenv("TWINBENCH_CACHE", str(reference_cache))
    task = load_suite("beamline").task("move-rel-x-1")
    replay = write_replay([task], 3, tmp_path / "answers.jsonl")
    store = tmp_path / "b.sqlite"
    twinbench("run", "--model", f"replay:{replay}", "--samples", "3", "--tasks", task.id, "--no-leaderboard",
              "--store", str(store))
    [run_id] = [r.run_id for r in Store.open(store).runs()]
    rows = [r for r in Store.open(store).result_rows(run_id) if r["status"] == "ok"]
    inverted = tmp_path / "judge.jsonl"  # grades the opposite of the execution Pass: every answer disagrees
    inverted.write_text("".join(json.dumps({"task": f"{r['model']} | {r['task']}", "sample": r["sample"],
                                            "text": f"[[{10 if r.get('score.pass') else 90}]]"}) + "\n"
                                for r in rows))
    twinbench("judge", "run", run_id, "--judge", f"replay:{inverted}", "--store", str(store))
    out = tmp_path / "bench.html"
    report = json.loads(twinbench("judge", "agreement", run_id, "--worst", "1", "--boot", "50", "--json", "--html",
                                  str(out), "--store", str(store)))
    [worst] = report["rows"][0]["worst"]
    page = out.read_text()
    stored = next(r for r in rows if r["sample"] == worst["sample"])
    section = page.split('id="case-0"')[1].split("</section>")[0]
    judged_code, reference = re.findall(r"<pre>(.*?)</pre>", section, re.S)
    assert html.unescape(judged_code) == Store.open(store).get_blob(stored["code_sha"]).decode()
    assert html.unescape(reference) == task.references[0]
    assert "Trace: full score" in section
    lanes = {lane for trace in page_data(page)["figures_by_id"]["case-0-timeline"]["data"] for lane in trace["y"]}
    assert any(lane.endswith(" · ref") for lane in lanes) and any(lane.endswith(" · pred") for lane in lanes)
