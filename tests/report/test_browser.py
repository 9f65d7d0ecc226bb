"""The HTML report, `twinbench view` and `check --html` in real headless Chromium (Debian's, driven by Playwright):
the pages open without console errors, a click leads from the leaderboard to a failed cell's marked mismatch, the
models-by-task heatmap and a cell page lead to a task page comparing the models, the standalone file needs no
network, and the check page draws a ramp's temperature profile.

Screenshots of the main pages are written to `<pytest basetemp>/artifacts/` (see docs/runs.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from twinbench.report.server import ViewServer
from twinbench.runner.benchmark import select_tasks
from twinbench.runner.replay_answers import write_replay
from twinbench.store import Store
from twinbench.tasks import load_suite

TASKS = ["move_relative", "temperature_ramp", "safety"]  # one task of each: a handful of cells
SAMPLES = 5  # references, one wrong variant (sample 2), an unfenced answer, a refusal
RAMP = Path(__file__).parents[1] / "twins" / "beamline" / "preflight" / "ramp_25_150.py"
DRAWN = ".main-svg"  # what plotly.js adds to a figure's element once it has drawn it


def twinbench(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TWINBENCH_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "twinbench", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def run(tmp_path_factory, reference_cache) -> Path:
    """A replay run of one task per category, 5 samples each, in `s.sqlite` of the returned folder."""
    folder = tmp_path_factory.mktemp("report-run")
    suite = load_suite("beamline")
    tasks = [select_tasks(suite, [pattern])[0] for pattern in TASKS]
    replay = write_replay(tasks, SAMPLES, folder / "answers.jsonl")
    done = twinbench("run", "--model", f"replay:{replay}", "--samples", str(SAMPLES), "--store", "s.sqlite",
                     "--no-leaderboard", *[a for t in tasks for a in ("--tasks", t.id)], cwd=folder,
                     cache=reference_cache)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def report(run, reference_cache) -> Path:
    done = twinbench("report", "--store", "s.sqlite", "-o", "report.html", cwd=run, cache=reference_cache)
    assert done.returncode == 0, done.stderr
    assert "15 cells" in done.stderr
    return run / "report.html"


@pytest.fixture(scope="module")
def browser() -> Browser:
    """One headless Debian Chromium for the module (Playwright's own browsers are never downloaded)."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True)
        yield chromium
        chromium.close()


class Watched:
    """A page in a fresh offline context, with its console errors and every request that left the file system."""

    def __init__(self, browser: Browser, offline: bool = True):
        self.context = browser.new_context(offline=offline, viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        if offline:
            self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def figure_data(page: Page, element_id: str) -> list[dict]:
    return page.evaluate(f"document.getElementById('{element_id}').data.map(t => ({{name: t.name, x: t.x, y: t.y}}))")


def test_report_opens_offline_without_console_errors_and_draws_the_leaderboard(report, watched, artifacts):
    page = watched.page
    page.goto(report.as_uri())
    for fig in ("score", "outcomes", "category", "difficulty", "scatter", "tasks"):
        page.wait_for_selector(f"#fig-{fig} {DRAWN}")
    assert page.locator("#leaderboard tr.model-row").count() == 1
    assert page.locator("#cell-count").inner_text().startswith("15 of 15 cells")
    scatter = figure_data(page, "fig-scatter")
    assert sum(len(t["x"]) for t in scatter) == 15  # one point per cell
    page.screenshot(path=str(artifacts / "report-leaderboard.png"), full_page=True)
    assert watched.errors == []
    assert watched.requests == []  # networking off: nothing but the file itself


def open_failed_cell(page: Page) -> None:
    """From the leaderboard: the model's cells, failed ones that ran, the first of them."""
    page.locator("#leaderboard tr.model-row").first.click()
    page.select_option("#filters select[name=passed]", "failed")
    page.select_option("#filters select[name=outcome]", "ok")
    rows = page.locator("#cell-table tr.cell-row")
    assert rows.count() >= 1
    rows.first.click()
    page.wait_for_selector(f"#timeline {DRAWN}")


def test_a_click_from_the_leaderboard_opens_a_failed_cell_with_its_mismatch_marked(report, watched, artifacts):
    page = watched.page
    page.goto(report.as_uri())
    page.wait_for_selector(f"#fig-score {DRAWN}")
    open_failed_cell(page)
    assert page.locator("#cell-view .badge.failed").count() == 1
    differences = page.locator("#cell-view li.diff")
    assert differences.count() >= 1
    marked = {t["name"]: len(t["x"]) for t in figure_data(page, "timeline")}
    kinds = {"mismatch", "missing (reference only)", "inserted (prediction only)"}
    assert any(marked.get(k) for k in kinds), marked  # the timeline marks the events that differ
    first = differences.first.inner_text()
    assert first.split(":")[0] in ("substitution", "mismatch", "missing", "inserted")
    assert page.locator("#cell-view pre.code").inner_text().strip()  # the extracted program is shown
    page.screenshot(path=str(artifacts / "report-failed-cell.png"), full_page=True)
    page.locator("#cell-view a.back").click()
    page.wait_for_selector("#board-view:not([hidden])")
    assert watched.errors == [] and watched.requests == []


def test_the_cell_list_filters_by_outcome_and_result(report, watched):
    page = watched.page
    page.goto(report.as_uri())
    page.select_option("#filters select[name=outcome]", "no_code")
    assert page.locator("#cell-table tr.cell-row").count() == 3  # the refusal of each task
    page.select_option("#filters select[name=passed]", "passed")
    assert page.locator("#cell-table tr.cell-row").count() == 0


@pytest.fixture(scope="module")
def two_models(tmp_path_factory, reference_cache) -> Path:
    """A run of the same tasks by two replayed models, `a` (as `run`'s) and `b` (the first reference, fenced, every
    time), and its report: `report.html` of the returned folder."""
    folder = tmp_path_factory.mktemp("report-two-models")
    suite = load_suite("beamline")
    tasks = [select_tasks(suite, [pattern])[0] for pattern in TASKS]
    write_replay(tasks, SAMPLES, folder / "a")
    (folder / "b").write_text("".join(json.dumps({"task": t.id, "sample": s, "text": f"```python\n{t.references[0]}"
                                                  "\n```"}) + "\n" for t in tasks for s in range(SAMPLES)))
    done = twinbench("run", "--model", "replay:a", "--model", "replay:b", "--samples", str(SAMPLES), "--store",
                     "s.sqlite", "--no-leaderboard", *[a for t in tasks for a in ("--tasks", t.id)], cwd=folder,
                     cache=reference_cache)
    assert done.returncode == 0, done.stderr
    done = twinbench("report", "--store", "s.sqlite", "-o", "report.html", cwd=folder, cache=reference_cache)
    assert done.returncode == 0, done.stderr
    return folder


def task_figures(page: Page) -> dict[str, list[str]]:
    """The task page's models table: model -> its cells (score, CI, pass, passed, outcomes)."""
    page.wait_for_selector("#task-models tr.task-model")
    rows = page.locator("#task-models tr.task-model")
    return {rows.nth(i).locator("td").first.inner_text(): rows.nth(i).locator("td").all_inner_texts()[1:]
            for i in range(rows.count())}


def test_the_heatmap_opens_a_task_page_comparing_the_models(two_models, watched, artifacts):
    page = watched.page
    page.goto((two_models / "report.html").as_uri())
    page.wait_for_selector(f"#fig-tasks {DRAWN}")
    task = select_tasks(load_suite("beamline"), [TASKS[0]])[0]
    figure = page.evaluate("document.getElementById('fig-tasks').data[0]")
    assert task.id in figure["y"] and sorted(figure["x"]) == ["replay:a", "replay:b"]
    page.evaluate(f"document.getElementById('fig-tasks').emit('plotly_click', "
                  f"{{points: [{{x: 'replay:b', y: '{task.id}'}}]}})")  # what plotly.js sends for a click on it
    figures = task_figures(page)
    assert page.url.endswith(f"#/task/{task.id}")
    assert list(figures) == ["replay:b", "replay:a"]  # the better model first
    best, _, passed, count, outcomes = figures["replay:b"]
    assert (passed, count, outcomes) == ("100.0", f"{SAMPLES}/{SAMPLES}", f"{SAMPLES} ok")
    score, ci, passed, _, outcomes = figures["replay:a"]
    assert float(score) < float(best) and float(passed) < 100 and "1 no_code" in outcomes  # sample 4 refuses
    lo, hi = map(float, ci.split("–"))
    assert lo < float(score) < hi  # the samples differ: a CI around the mean
    assert page.locator("#task-view pre").first.inner_text().strip() == task.instruction.strip()
    page.wait_for_selector(f"#task-figure {DRAWN}")
    (bars,) = figure_data(page, "task-figure")
    assert bars["x"] == ["replay:b", "replay:a"]  # the bars as the table: its figures to one decimal
    assert bars["y"] == [pytest.approx(float(best), abs=0.05), pytest.approx(float(score), abs=0.05)]
    assert page.locator("#task-view table.task-cells").count() == 2
    assert page.locator("#task-view table.task-cells tr.cell-row").count() == 2 * SAMPLES
    page.screenshot(path=str(artifacts / "report-task.png"), full_page=True)
    page.locator("#task-view table.task-cells tr.cell-row a").first.click()  # a cell of the best model
    page.wait_for_selector("#cell-view .badge.passed")
    assert "replay:b" in page.locator("#cell-view h2").inner_text()
    assert watched.errors == [] and watched.requests == []


def test_a_cell_page_links_to_its_task_page(report, watched):
    page = watched.page
    page.goto(report.as_uri())
    open_failed_cell(page)
    task = page.locator("#cell-view h2 a.task-link")
    name = task.inner_text()
    task.click()
    figures = task_figures(page)
    assert page.url.endswith(f"#/task/{name}") and len(figures) == 1
    (model,) = figures.values()
    assert float(model[2]) < 100  # the failed cell's task is not passed every time
    assert page.locator("#task-view tr.cell-row").count() == SAMPLES
    assert watched.errors == [] and watched.requests == []


def test_check_html_draws_the_temperature_profile_of_a_ramp(tmp_path, browser, artifacts, reference_cache):
    done = twinbench("check", str(RAMP), "--html", "check.html", cwd=tmp_path, cache=reference_cache)
    assert done.returncode == 0, done.stderr
    w = Watched(browser)
    try:
        page = w.page
        page.goto((tmp_path / "check.html").as_uri())
        page.wait_for_selector(f"#plan-0-temperature {DRAWN}")
        page.wait_for_selector(f"#plan-0-devices {DRAWN}")
        (curve,) = [t for t in figure_data(page, "plan-0-temperature") if t["name"].startswith("temperature")]
        assert min(curve["y"]) < 30 and max(curve["y"]) == pytest.approx(150.0, abs=0.5)
        assert "ramp up" in page.locator("#plan-0-temperature").text_content()  # the pre-flight's segment named
        assert "Simulated duration" in page.locator("#plan-0").inner_text()
        page.screenshot(path=str(artifacts / "check-ramp.png"), full_page=True)
        assert w.errors == [] and w.requests == []
    finally:
        w.close()


@pytest.fixture(scope="module")
def server(run, reference_cache):
    """`twinbench view`'s server over the run, in this process (the served cells align against the cached
    references)."""
    (summary,) = Store.open(run / "s.sqlite", create=False).runs()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TWINBENCH_CACHE", str(reference_cache))
        s = ViewServer(run / "s.sqlite", [summary.run_id]).start()
        yield s
        s.close()


def test_view_serves_the_run_and_loads_a_cell_per_request(server, browser, artifacts):
    with urllib.request.urlopen(server.url) as response:
        assert response.status == 200 and "leaderboard" in response.read().decode()
    w = Watched(browser, offline=False)
    fetched: list[str] = []
    w.page.on("request", lambda r: fetched.append(r.url))
    try:
        page = w.page
        page.goto(server.url)
        page.wait_for_selector(f"#fig-score {DRAWN}")
        assert not any("/cell?" in u for u in fetched)  # no cell is read before one is opened
        open_failed_cell(page)
        assert sum("/cell?" in u for u in fetched) == 1
        assert page.locator("#cell-view li.diff").count() >= 1
        page.screenshot(path=str(artifacts / "view-cell.png"), full_page=True)
        assert w.errors == []
    finally:
        w.close()


def test_view_serves_a_task_page_with_its_data_fetched(server, browser):
    task = select_tasks(load_suite("beamline"), [TASKS[1]])[0].id
    w = Watched(browser, offline=False)
    fetched: list[str] = []
    w.page.on("request", lambda r: fetched.append(r.url))
    try:
        w.page.goto(f"{server.url}#/task/{task}")
        figures = task_figures(w.page)
        assert len(figures) == 1 and sum("/task?" in u for u in fetched) == 1
        assert w.page.locator("#task-view tr.cell-row").count() == SAMPLES
        assert w.errors == []
    finally:
        w.close()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{server.url}task?run={server.runs.run_ids[0]}&id=nosuchtask")
    assert err.value.code == 404 and "no such task" in err.value.read().decode()


def test_view_answers_an_unknown_cell_with_404(server):
    url = f"{server.url}cell?run={server.runs.run_ids[0]}&id=nosuchcell"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url)
    assert err.value.code == 404 and "no such cell" in err.value.read().decode()


def test_report_of_an_unknown_run_is_one_line_naming_it(run, reference_cache):
    done = twinbench("report", "nosuchrun", "--store", "s.sqlite", cwd=run, cache=reference_cache)
    assert done.returncode == 2
    assert "nosuchrun" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_cell_json_of_view_is_the_one_embedded_in_the_report(server, report):
    run_id = server.runs.run_ids[0]
    text = report.read_text()
    start = text.index('<script type="application/json" id="cell-') + len('<script type="application/json" id="cell-')
    cell_id = text[start:text.index('"', start)]
    embedded = json.loads(text[text.index(">", start) + 1:text.index("</script>", start)])
    with urllib.request.urlopen(f"{server.url}cell?run={run_id}&id={cell_id}") as response:
        served = json.loads(response.read())
    assert served == embedded


def test_view_command_serves_on_127_0_0_1_until_stopped(run, reference_cache):
    env = {**os.environ, "TWINBENCH_CACHE": str(reference_cache)}
    proc = subprocess.Popen([sys.executable, "-m", "twinbench", "view", "--store", "s.sqlite", "--no-browser"],
                            cwd=run, env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        url = next(word for word in line.split() if word.startswith("http://127.0.0.1:"))
        with urllib.request.urlopen(url) as response:
            assert 'id="leaderboard"' in response.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_view_of_a_run_not_in_the_store_is_one_line_naming_it(run, reference_cache):
    done = twinbench("view", "nosuchrun", "--store", "s.sqlite", "--no-browser", cwd=run, cache=reference_cache)
    assert done.returncode == 2
    assert "nosuchrun" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_cell_shows_each_judges_grade_and_answer_from_the_judge_run(run, reference_cache, tmp_path, browser):
    """A judge panel's grade on a cell, with each judge's answer read from the judge run (real store, copied)."""
    from twinbench.judge.run import judging_cell
    from twinbench.models import CallKey, CallRecord
    from twinbench.report.html import run_page, script_json
    from twinbench.report.run_data import RunData
    from twinbench.store import Cell, CellResult, ScoreRecord

    shutil.copy(run / "s.sqlite", tmp_path / "s.sqlite")
    store = Store.open(tmp_path / "s.sqlite", create=False)
    (summary,) = store.runs()
    row = store.result_rows(summary.run_id)[0]
    cell = Cell(model=row["model"], task=row["task"], turn=row["turn"], sample=row["sample"])
    judged = judging_cell("judge-a", cell)
    store.create_run("judge/ref/x", {"kind": "judge"}, [judged])
    answer = "The plan moves the right axis.\n[[80]]"
    store.finish_cell("judge/ref/x", judged, CellResult(status="ok", response=CallRecord(
        key=CallKey(task=judged.task), model="judge-a", provider="replay", endpoint="replay", text=answer)))
    store.record_score(summary.run_id, cell, ScoreRecord(scorer="judge.ref", value=80.0, detail={
        "grades": {"judge-a": 80.0, "judge-b": None}, "mean": 80.0, "median": 80.0, "n": 1,
        "judge_run": "judge/ref/x"}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TWINBENCH_CACHE", str(reference_cache))
        data = RunData(store, summary.run_id)
        view = data.cell(row["cell_id"])
        assert view["judge"] == [{"scorer": "judge.ref", "grade": 80.0, "judges": [
            {"judge": "judge-a", "grade": 80.0, "answer": answer}, {"judge": "judge-b", "grade": None,
                                                                     "answer": None}]}]
        (tmp_path / "r.html").write_text(run_page(data, {row["cell_id"]: script_json(view)}))
    w = Watched(browser)
    try:
        w.page.goto((tmp_path / "r.html").as_uri() + f"#/cell/{row['cell_id']}")
        table = w.page.locator("#cell-view table.judge")
        table.wait_for()
        assert "judge-a" in table.inner_text() and "80.000" in table.inner_text()
        w.page.locator("#cell-view table.judge summary").first.click()
        assert "The plan moves the right axis." in table.inner_text()
        assert w.errors == [] and w.requests == []
    finally:
        w.close()
