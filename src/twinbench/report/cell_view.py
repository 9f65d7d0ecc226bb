"""One cell as its page shows it: the instruction, the raw answer, the extracted program and its output, the trace
aligned against the best reference (a timeline figure and the list of differences), the continuous channels
overlaid, the safety events, and the judge's grades. Plain JSON-ready data; plots are Plotly figure dicts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from twinbench.report.figures import continuous_figure, timeline_figure
from twinbench.report.leaderboard import row_result
from twinbench.tasks import Task
from twinbench.trace.model import Trace
from twinbench.twins.recorder import SAFETY_CHANNEL

MAX_DIFFERENCES = 300  # differences listed on a cell page; the timeline marks them all
DIFF_KINDS = ("substitution", "mismatch", "missing", "inserted")


def _value(value: Any) -> str:
    """A value on one line, at most 80 characters."""
    text = f"{value:.6g}" if isinstance(value, float) else str(value).replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= 80 else text[:77] + "..."


def difference(row: Mapping[str, Any]) -> dict[str, Any]:
    """An aligned row that is not a match, as one readable line (`text`) with its kind, channel and time."""
    gt, pred, kind = row["gt"], row["pred"], row["kind"]
    side = pred or gt
    if kind == "missing":
        text = f"missing: {gt['channel']} = {_value(gt['value'])} at t={gt['t']:.3f} s (reference only)"
    elif kind == "inserted":
        text = f"inserted: {pred['channel']} = {_value(pred['value'])} at t={pred['t']:.3f} s (prediction only)"
    else:
        name = gt["channel"] if gt["channel"] == pred["channel"] else f"{gt['channel']} -> {pred['channel']}"
        text = (f"{kind}: {name}: reference {_value(gt['value'])} at t={gt['t']:.3f} s, prediction "
                f"{_value(pred['value'])} at t={pred['t']:.3f} s")
    return {"kind": kind, "channel": side["channel"], "t": side["t"], "text": text}


def alignment_view(task: Task, trace: Trace, references: list[Trace], twin: str) -> dict[str, Any]:
    """The prediction scored against every reference again; the best one's alignment, figures and reasons."""
    from twinbench.trace.scoring import score_best_of
    from twinbench.twins import get_twin

    config = task.scoring_config(get_twin(twin).scoring_defaults())
    outcome = score_best_of(references, trace, config)
    best = outcome.chosen
    rows = best.aligned_rows()
    differences = [difference(r) for r in rows if r["kind"] != "match"]
    counts = {k: sum(1 for r in rows if r["kind"] == k) for k in ("match", *DIFF_KINDS)}
    reference = references[outcome.best]
    continuous = sorted({ch for ch in (*reference.channel, *trace.channel) if config.continuous_for(ch)})
    return {"reference": outcome.best, "references": len(references), "full_score": best.full_score,
            "passed": best.passed, "reasons": best.reasons, "counts": counts,
            "metrics": {name: {"score": m.score, "passed": m.passed} for name, m in best.metrics.items()},
            "differences": differences[:MAX_DIFFERENCES],
            "more_differences": max(len(differences) - MAX_DIFFERENCES, 0),
            "timeline": timeline_figure(rows),
            "continuous": continuous_figure(reference, trace, continuous) if continuous else None}


def cell_view(row: Mapping[str, Any], meta: Mapping[str, Any], task: Task | None, record: Mapping[str, Any],
              trace: Trace | None, references: list[Trace], config: Mapping[str, Any], code: str | None,
              output: str | None, judge: list[dict[str, Any]]) -> dict[str, Any]:
    """The cell page's data: `row` is its `Store.outcome_rows` row, `record` its `Store.cell_record`, `judge` the
    judges' grades (`RunData.judge`)."""
    scores = record["scores"]
    outcome, passed = row_result(row)
    view = {
        "id": row["cell_id"], "model": row["model"], "task": row["task"], "turn": row["turn"],
        "sample": row["sample"], "category": meta.get("category"), "difficulty": meta.get("difficulty"),
        "status": row["status"], "outcome": outcome, "passed": passed,
        "scores": {name: s["value"] for name, s in scores.items()},
        "instruction": task.instruction if task else None, "answer": record["text"],
        "extraction": record["extraction"], "code": code, "output": output, "errors": record["errors"],
        "safety": [{"t": e.t, "value": str(e.value)} for e in trace if e.channel == SAFETY_CHANNEL] if trace else [],
        "judge": judge, "alignment": None,
    }
    if task is not None and trace is not None and references:
        view["alignment"] = alignment_view(task, trace, references, config["twin"])
    return view
