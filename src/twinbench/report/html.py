"""The HTML pages (Jinja2 templates, one script and one stylesheet of this package, plotly.js from the `plotly`
package): a run's report, standalone (everything inlined, each cell's data embedded and drawn when opened) or served
by `twinbench view` (plotly.js and each cell's data fetched), and a checked plan's page."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import orjson

from twinbench.report import figures
from twinbench.report.run_data import INDEX_COLUMNS

if TYPE_CHECKING:
    import jinja2

    from twinbench.report.run_data import RunData


def script_json(obj: Any) -> str:
    """JSON safe inside a `<script>` element: every `<` escaped, non-finite numbers as null."""
    try:
        text = orjson.dumps(obj, default=str, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # an integer beyond 64 bits
        text = json.dumps(obj, default=str)
    return text.replace("<", "\\u003c")


@cache
def asset(name: str) -> str:
    """A file of the package's `static` folder, as text."""
    return resources.files("twinbench.report").joinpath("static", name).read_text(encoding="utf-8")


@cache
def plotly_js() -> str:
    """The plotly.js bundle shipped with the `plotly` package (no network needed)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("twinbench.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["pct"] = lambda v: "-" if v is None else f"{100 * v:.1f}"
    env.filters["script_json"] = script_json
    return env


def _page(template: str, plotly_src: str | None, **context: Any) -> str:
    """A page with the package's script and style inlined; plotly.js inlined too unless `plotly_src` is its URL."""
    return environment().get_template(template).render(
        css=asset("style.css"), app_js=asset("app.js"), plotly_src=plotly_src,
        plotly_js=None if plotly_src else plotly_js(), **context)


def board_figures(data: RunData) -> dict[str, Any]:
    board = data.board
    return {"score": figures.score_figure(board),
            "category": figures.heatmap_figure(board, "by_category", "Mean full score by category (%)"),
            "difficulty": figures.heatmap_figure(board, "by_difficulty", "Mean full score by difficulty (%)"),
            "outcomes": figures.outcome_figure(board),
            "scatter": figures.similarity_figure(data.index, INDEX_COLUMNS),
            "tasks": figures.task_figure(data.index, INDEX_COLUMNS)}


def run_page(data: RunData, cells: dict[str, str] | None = None, cell_url: str | None = None,
             plotly_src: str | None = None, runs_url: str | None = None, tasks: dict[str, str] | None = None,
             task_url: str | None = None) -> str:
    """A run's page: leaderboard, figures, the filterable cell list, the task view and the cell view. The page
    reads a cell from `cells` (cell id -> its data as `script_json` text, embedded for a standalone file) or fetches
    it from `cell_url` + its id; a task likewise from `tasks` or `task_url`."""
    summary = data.summary
    page = {"run": data.run_id, "columns": INDEX_COLUMNS, "rows": data.index, "figures": board_figures(data),
            "cell_url": cell_url, "task_url": task_url}
    ks = sorted({k for m in data.board for k in m.pass_at_k})
    return _page("run.html.j2", plotly_src, run=summary, board=data.board, ks=ks, page=page, runs_url=runs_url,
                 embedded=[*(("task-json", k, v) for k, v in (tasks or {}).items()),
                           *(("cell", k, v) for k, v in (cells or {}).items())])


def runs_page(summaries: list[Any], run_url: str) -> str:
    """The list of benchmark runs `twinbench view` serves, each linking to its page."""
    return environment().get_template("runs.html.j2").render(css=asset("style.css"), runs=summaries, run_url=run_url)


def check_page(plans: list[dict[str, Any]]) -> str:
    """The page of `twinbench check --html`: one section per checked plan (see `report.check_html`)."""
    return _page("check.html.j2", None, plans=plans, page={"plans": [p["figures"] for p in plans]})


def figure_page(template: str, figures: dict[str, Any], **context: Any) -> str:
    """A standalone page of `template` (everything inlined), each figure drawn into the element of its id."""
    return _page(template, None, page={"figures_by_id": figures}, **context)
