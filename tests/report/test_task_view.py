"""The task page's figures: per model, what its finished cells scored and how they ended; pending cells are listed
but not counted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinbench.report.task_view import CELL_COLUMNS, task_view


def row(model: str, sample: int, trace: float | None, passed: bool, status: str = "ok",
        exec_status: str | None = "ok") -> dict:
    return {"cell_id": f"{model}-{sample}", "model": model, "task": "t", "turn": 0, "sample": sample,
            "status": status, "exec_status": exec_status, "score.trace": trace, "score.pass": float(passed),
            "score.codebleu": 0.5}


def test_models_best_first_with_pass_rate_ci_outcomes_and_their_cells():
    rows = [row("weak", 0, 1.0, True), row("weak", 1, 0.0, False, exec_status="timeout"),
            row("weak", 2, None, False, status="failed", exec_status=None), row("weak", 3, None, False, "pending"),
            *[row("strong", s, 1.0, True) for s in range(3)]]
    view = task_view("t", rows, {"category": "c", "difficulty": "simple"}, "Do it.", n_boot=200)
    assert (view["instruction"], view["category"]) == ("Do it.", "c")
    strong, weak = view["models"]
    assert (strong["model"], strong["pass_rate"], strong["score"]["value"]) == ("strong", 1.0, 1.0)
    assert (weak["cells"], weak["finished"], weak["passed"]) == (4, 3, 1)
    assert weak["pass_rate"] == pytest.approx(1 / 3) and weak["score"]["value"] == pytest.approx(1 / 3)
    assert weak["outcomes"] == {"ok": 1, "timeout": 1, "generation_failed": 1}
    cells = [dict(zip(CELL_COLUMNS, r, strict=True)) for r in weak["rows"]]
    assert [c["outcome"] for c in cells] == ["ok", "timeout", "generation_failed", "pending"]
    assert cells[-1]["passed"] is None and cells[0]["id"] == "weak-0"


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_the_score_is_the_mean_trace_score_inside_its_interval(traces):
    view = task_view("t", [row("m", i, v, v > 0.5) for i, v in enumerate(traces)], {}, None, n_boot=100)
    score = view["models"][0]["score"]
    assert score["value"] == pytest.approx(sum(traces) / len(traces))
    assert score["lo"] - 1e-9 <= score["value"] <= score["hi"] + 1e-9
