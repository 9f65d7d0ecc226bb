"""Plotly figures as plain dicts (`{"data": [...], "layout": {...}}`, drawn by plotly.js in the page): the
leaderboard's, a cell's aligned timeline and continuous channels, a checked plan's devices and temperature."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from twinbench.analysis.stats import Estimate
from twinbench.report.leaderboard import OUTCOMES, ModelRow
from twinbench.trace.model import Trace

Figure = dict[str, Any]
GL_POINTS = 2000  # more points than this are drawn with WebGL
MAX_TIMELINE = 6000  # aligned rows drawn on a timeline; past it every difference and the first matches
MAX_PANELS = 12  # stacked panels of one figure (channels, devices)
KIND_STYLE = {  # trace name, marker
    "match": ("matched", {"color": "#8a94a6", "size": 6}),
    "substitution": ("mismatch", {"color": "#d62728", "size": 11, "symbol": "x", "line": {"width": 2}}),
    "mismatch": ("mismatch", {"color": "#d62728", "size": 11, "symbol": "x", "line": {"width": 2}}),
    "missing": ("missing (reference only)", {"color": "#ff7f0e", "size": 10, "symbol": "triangle-down"}),
    "inserted": ("inserted (prediction only)", {"color": "#9467bd", "size": 10, "symbol": "diamond"}),
}
BASE_LAYOUT = {"margin": {"l": 60, "r": 20, "t": 40, "b": 40}, "font": {"size": 12},
               "hovermode": "closest", "paper_bgcolor": "white", "plot_bgcolor": "#fafbfc"}


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {**BASE_LAYOUT, "title": {"text": title, "x": 0, "font": {"size": 14}}, **extra}


def _scatter(n: int) -> str:
    return "scattergl" if n > GL_POINTS else "scatter"


def _pct(v: float | None) -> float | None:
    return None if v is None else round(100 * v, 2)


def score_figure(board: Sequence[ModelRow]) -> Figure:
    """Mean full score per model with its bootstrap 95% CI as error bars."""
    return score_bars([(m.model, m.score, m.pass_rate) for m in board], "Mean full score (%), 95% CI")


def score_bars(models: Sequence[tuple[str, Estimate, float | None]], title: str) -> Figure:
    """A bar per (model, mean full score with its 95% CI, pass rate), the CI as error bars."""
    values = [_pct(score.value) or 0.0 for _, score, _ in models]
    plus = [max((_pct(score.hi) or v) - v, 0.0) for (_, score, _), v in zip(models, values, strict=True)]
    minus = [max(v - (_pct(score.lo) or v), 0.0) for (_, score, _), v in zip(models, values, strict=True)]
    hover = [f"{name}<br>score {v:.1f} (95% CI {v - lo:.1f}-{v + hi:.1f})<br>pass {_pct(passed)}"
             for (name, _, passed), v, lo, hi in zip(models, values, minus, plus, strict=True)]
    data = [{"type": "bar", "x": [name for name, _, _ in models], "y": values, "name": "score", "hovertext": hover,
             "hoverinfo": "text", "error_y": {"type": "data", "array": plus, "arrayminus": minus, "visible": True},
             "marker": {"color": "#4c78a8"}}]
    return {"data": data, "layout": _layout(title, yaxis={"range": [0, 100]}, height=320)}


def heatmap_figure(board: Sequence[ModelRow], attr: str, title: str) -> Figure:
    """Mean full score (%) per model (rows) and group (columns): `attr` is `by_category` or `by_difficulty`."""
    groups = sorted({g for m in board for g in getattr(m, attr)})
    z = [[_pct(getattr(m, attr).get(g)) for g in groups] for m in board]
    data = [{"type": "heatmap", "x": groups, "y": [m.model for m in board], "z": z, "zmin": 0, "zmax": 100,
             "colorscale": "Viridis", "texttemplate": "%{z:.0f}", "hovertemplate": "%{y}<br>%{x}: %{z:.1f}%"
             "<extra></extra>"}]
    return {"data": data, "layout": _layout(title, height=140 + 28 * len(board), yaxis={"automargin": True},
                                            xaxis={"automargin": True})}


def outcome_figure(board: Sequence[ModelRow]) -> Figure:
    """How each model's finished cells ended, as shares stacked to 100%."""
    models = [m.model for m in board]
    data = [{"type": "bar", "orientation": "h", "name": o, "y": models, "x": [_pct(m.outcomes[o]) for m in board],
             "hovertemplate": f"%{{y}}<br>{o}: %{{x:.1f}}%<extra></extra>"}
            for o in OUTCOMES if any(m.outcomes[o] for m in board)]
    return {"data": data, "layout": _layout("Outcome shares (% of finished cells)", barmode="stack",
                                            height=140 + 28 * len(board), xaxis={"range": [0, 100]},
                                            yaxis={"automargin": True})}


def similarity_figure(index: Sequence[Sequence[Any]], columns: Sequence[str]) -> Figure:
    """Text similarity (CodeBLEU) against the trace score, one point per finished cell, one colour per model;
    each point carries its cell id (a click opens the cell)."""
    col = {name: i for i, name in enumerate(columns)}
    by_model: dict[str, list[Sequence[Any]]] = {}
    for row in index:
        if row[col["trace"]] is not None and row[col["codebleu"]] is not None:
            by_model.setdefault(row[col["model"]], []).append(row)
    data = [{"type": _scatter(len(rows)), "mode": "markers", "name": model, "x": [r[col["codebleu"]] for r in rows],
             "y": [r[col["trace"]] for r in rows], "customdata": [r[col["id"]] for r in rows],
             "text": [f"{r[col['task']]} #{r[col['sample']]} ({r[col['outcome']]})" for r in rows],
             "hovertemplate": "%{text}<br>CodeBLEU %{x:.2f}, trace %{y:.2f}<extra>%{fullData.name}</extra>",
             "marker": {"size": 7, "opacity": 0.7}} for model, rows in by_model.items()]
    return {"data": data, "layout": _layout("Text similarity vs trace score (one point per cell; click to open)",
                                            xaxis={"title": {"text": "CodeBLEU"}, "range": [-0.02, 1.02]},
                                            yaxis={"title": {"text": "full trace score"}, "range": [-0.02, 1.02]},
                                            height=380)}


def task_figure(index: Sequence[Sequence[Any]], columns: Sequence[str]) -> Figure:
    """Models compared task by task: the mean full score (%) of each task (rows) for each model (columns), with
    the cells passed out of the finished ones in the hover; a click opens the task's page (the models compared on
    it)."""
    col = {name: i for i, name in enumerate(columns)}
    cells: dict[tuple[str, str], list[Sequence[Any]]] = {}
    for row in index:
        if row[col["passed"]] is not None:
            cells.setdefault((row[col["task"]], row[col["model"]]), []).append(row)
    tasks = sorted({t for t, _ in cells})
    models = list(dict.fromkeys(m for _, m in cells))

    def mean(rows: list[Sequence[Any]]) -> float | None:
        return round(100 * sum(r[col["trace"]] or 0.0 for r in rows) / len(rows), 1) if rows else None

    z = [[mean(cells.get((t, m), [])) for m in models] for t in tasks]
    text = [[f"{sum(bool(r[col['passed']]) for r in cells.get((t, m), []))}/{len(cells.get((t, m), []))} passed"
             for m in models] for t in tasks]
    data = [{"type": "heatmap", "x": models, "y": tasks, "z": z, "text": text, "zmin": 0, "zmax": 100,
             "colorscale": "Viridis", "hovertemplate": "%{y}<br>%{x}: %{z:.1f}% (%{text})<extra></extra>"}]
    title = "Models by task: mean full score (%); click a task to compare the models on it"
    return {"data": data, "layout": _layout(title,
                                            height=140 + 16 * len(tasks), yaxis={"automargin": True,
                                                                                 "autorange": "reversed"},
                                            xaxis={"automargin": True, "side": "top"})}


def _drawn_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(rows) <= MAX_TIMELINE:
        return rows
    differ = [r for r in rows if r["kind"] != "match"][:MAX_TIMELINE]
    matches = [r for r in rows if r["kind"] == "match"][:MAX_TIMELINE - len(differ)]
    return differ + matches


def _short(value: Any) -> Any:
    """A value as a figure needs it: a number to 6 significant digits, anything else as text of at most 60
    characters."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _times(ts: Sequence[float]) -> list[float]:
    return [round(t, 4) for t in ts]


def timeline_figure(rows: list[dict[str, Any]]) -> Figure:
    """The aligned trace over time: for each channel a reference row and a prediction row; matches grey,
    mismatches, missing and inserted events marked in their own colours (each its own legend entry)."""
    drawn = _drawn_rows(rows)
    channels = list(dict.fromkeys(ev["channel"] for r in drawn for ev in (r["gt"], r["pred"]) if ev is not None))
    lanes = [f"{ch} · {side}" for ch in channels for side in ("ref", "pred")]
    points: dict[str, dict[str, list[Any]]] = {}
    for r in drawn:
        group = points.setdefault(KIND_STYLE[r["kind"]][0], {"x": [], "y": [], "customdata": []})
        for side, ev in (("ref", r["gt"]), ("pred", r["pred"])):
            if ev is not None:
                group["x"].append(round(ev["t"], 4))
                group["y"].append(f"{ev['channel']} · {side}")
                group["customdata"].append(_short(ev["value"]))
    markers = {name: marker for name, marker in KIND_STYLE.values()}
    data = [{"type": _scatter(len(group["x"])), "mode": "markers", "name": name, **group, "marker": markers[name],
             "hovertemplate": "%{y}<br>t=%{x:.3f} s<br>%{customdata}<extra>%{fullData.name}</extra>"}
            for name, group in points.items()]
    shown = f"{len(drawn)} of {len(rows)}" if len(drawn) < len(rows) else f"{len(rows)}"
    layout = _layout(f"Timeline: a reference and a prediction lane per channel ({shown} aligned rows)",
                     height=120 + 22 * max(len(lanes), 2), showlegend=True, xaxis={"title": {"text": "t (s)"}},
                     yaxis={"type": "category", "categoryorder": "array", "categoryarray": lanes[::-1],
                            "automargin": True},
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"},
                     margin={**BASE_LAYOUT["margin"], "t": 70})
    return {"data": data, "layout": layout}


def _numeric(values: Sequence[Any]) -> bool:
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def stacked_figure(title: str, panels: list[tuple[str, list[dict[str, Any]]]], panel_height: int = 130) -> Figure:
    """Panels of line traces stacked over one shared time axis: `panels` is (axis title, traces) per panel."""
    panels = panels[:MAX_PANELS]
    n = max(len(panels), 1)
    data, layout = [], _layout(title, height=80 + panel_height * n, showlegend=True,
                               xaxis={"title": {"text": "t (s)"}, "anchor": f"y{n if n > 1 else ''}"})
    gap = 0.03 if n > 1 else 0.0
    for i, (name, traces) in enumerate(panels):
        axis = f"y{i + 1 if i else ''}"
        top, bottom = 1 - i / n, 1 - (i + 1) / n
        layout[f"yaxis{i + 1 if i else ''}"] = {"domain": [bottom + gap, top - gap], "title": {"text": name},
                                                 "automargin": True, "anchor": "x"}
        data += [{**t, "xaxis": "x", "yaxis": axis} for t in traces]
    return {"data": data, "layout": layout}


def _series(trace: Trace, channel: str) -> tuple[list[float], list[Any]]:
    pairs = [(t, v) for c, t, v in zip(trace.channel, trace.t, trace.value, strict=True) if c == channel]
    return [t for t, _ in pairs], [v for _, v in pairs]


def continuous_figure(reference: Trace, prediction: Trace, channels: Sequence[str]) -> Figure | None:
    """Each numeric continuous channel, reference (dashed) and prediction overlaid; None when none is numeric."""
    panels = []
    for ch in channels:
        traces = []
        for side, trace, dash in (("reference", reference, "dash"), ("prediction", prediction, "solid")):
            t, v = _series(trace, ch)
            if _numeric(v):
                traces.append({"type": _scatter(len(t)), "mode": "lines", "name": f"{ch} {side}", "x": _times(t),
                               "y": [_short(x) for x in v], "line": {"dash": dash, "width": 2}})
        if traces:
            panels.append((ch, traces))
    return stacked_figure("Continuous channels: reference (dashed) and prediction", panels) if panels else None


def device_figure(events: Sequence[Any], labels: Mapping[str, str], skip: set[str], end: float) -> Figure | None:
    """Every numeric channel of a plan's trace outside `skip` as a step line over time (one panel per device),
    each holding its last value until `end`."""
    by_channel: dict[str, tuple[list[float], list[Any]]] = {}
    for e in events:
        if e.channel not in skip:
            ts, vs = by_channel.setdefault(e.channel, ([], []))
            ts.append(e.t)
            vs.append(e.value)
    for ts, vs in by_channel.values():
        if ts[-1] < end:
            ts.append(end)
            vs.append(vs[-1])
    panels = [(labels.get(ch, ch), [{"type": _scatter(len(ts)), "mode": "lines+markers", "name": labels.get(ch, ch),
                                     "x": ts, "y": vs, "line": {"shape": "hv"}, "marker": {"size": 4}}])
              for ch, (ts, vs) in by_channel.items() if _numeric(vs)]
    return stacked_figure("Device timelines", panels, panel_height=90) if panels else None


def temperature_figure(times: list[float], values: list[float], segments: Sequence[Mapping[str, Any]]) -> Figure:
    """The measured temperature over time, with the pre-flight's profile segments shaded and named."""
    data = [{"type": _scatter(len(times)), "mode": "lines", "name": "temperature (°C)", "x": times, "y": values,
             "line": {"color": "#d62728", "width": 2}}]
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": s["start"], "x1": s["end"], "y0": 0, "y1": 1,
               "fillcolor": "#4c78a8" if s["kind"].startswith("ramp") else "#cccccc", "opacity": 0.12,
               "line": {"width": 0}} for s in segments]
    notes = [{"x": (s["start"] + s["end"]) / 2, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom",
              "text": s["kind"], "showarrow": False, "font": {"size": 10}} for s in segments]
    return {"data": data, "layout": _layout("Temperature profile", height=320, shapes=shapes, annotations=notes,
                                            xaxis={"title": {"text": "t (s)"}},
                                            yaxis={"title": {"text": "°C"}})}


def calibration_figure(title: str, outcome: str, series: Sequence[tuple[str, Sequence[Any]]]) -> Figure:
    """A reliability diagram: for each split (`series`: name, grade bins with `lo`, `hi`, `n`, `mean_grade`,
    `pass_rate`) the outcome rate of each judge-grade bin at the bin's mean grade, the marker growing with the
    bin's answers, against the diagonal on which a grade of g means a g% rate."""
    data: list[dict[str, Any]] = [{"type": "scatter", "mode": "lines", "name": "diagonal (calibrated)",
                                   "x": [0, 100], "y": [0, 1], "line": {"dash": "dash", "color": "#8a94a6"}}]
    for name, bins in series:
        shown = [b for b in bins if b.n]
        data.append({"type": "scatter", "mode": "lines+markers", "name": name,
                     "x": [round(b.mean_grade, 2) for b in shown], "y": [round(b.pass_rate, 4) for b in shown],
                     "text": [f"grades {b.lo:g}-{b.hi:g}: {b.n} answers" for b in shown],
                     "marker": {"size": [6 + 2 * b.n ** 0.5 for b in shown]},
                     "hovertemplate": f"%{{text}}<br>mean grade %{{x:.1f}}, {outcome} rate %{{y:.2f}}"
                                      "<extra>%{fullData.name}</extra>"})
    return {"data": data, "layout": _layout(title, height=360, showlegend=True,
                                            xaxis={"title": {"text": "judge grade (bin mean)"}, "range": [0, 100]},
                                            yaxis={"title": {"text": f"{outcome} rate"}, "range": [-0.02, 1.02]})}
