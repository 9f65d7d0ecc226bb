"""The leaderboard of a run: per model, the mean full score with a bootstrap 95% CI, pass rate, pass@k,
per category, difficulty and metric dimension, outcome shares, and text-similarity baselines beside them; for a
multi-turn run, the pass rate per turn and its paired change from turn to turn.

Input is the store's flat result rows (`Store.result_rows`) plus each task's category and difficulty (and, for a
multi-turn run, its turn and the task it follows); everything here is a pure function of those, so a leaderboard
can be rebuilt from any stored run.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from math import comb
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel

from twinbench.analysis.stats import Estimate, PassChange, estimate, pass_change

if TYPE_CHECKING:  # rich draws the text tables only: the HTML pages load none of it
    from rich.console import RenderableType
    from rich.table import Table

DIMENSIONS = ("discrete", "timing", "continuous", "safety")
SIMILARITY = ("codebleu", "edit_similarity")
OUTCOMES = ("ok", "error", "timeout", "safety", "killed", "oom", "forbidden", "budget", "harness_error", "no_code",
            "generation_failed")
PROGRAM_HEADS = {"error": "error", "timeout": "timeout", "safety": "unsafe", "killed": "killed", "oom": "oom",
                 "forbidden": "forbid", "budget": "budget"}  # how a program ended, other than ok
NO_VERDICT_HEADS = {"no_code": "no code", "generation_failed": "gen fail", "harness_error": "harness error"}
Format = Literal["table", "csv", "json", "markdown"]
Turns = Mapping[str, tuple[int, str | None]]  # task id -> (turn, id of the task it follows)


class ModelRow(BaseModel):
    """One model's line of the leaderboard."""

    model: str
    cells: int
    finished: int
    score: Estimate
    pass_rate: float | None
    pass_at_k: dict[int, float]
    by_category: dict[str, float]
    by_difficulty: dict[str, float]
    dimensions: dict[str, float | None]
    outcomes: dict[str, float]
    generation_errors: dict[str, int]
    similarity: dict[str, float | None]
    by_turn: dict[int, float] = {}
    turn_changes: list[PassChange] = []


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimator 1 - C(n-c, k) / C(n, k) (Chen et al., 2021)."""
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def _mean(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else None


def cell_outcome(status: str, exec_status: str | None) -> str:
    """How a finished cell ended: the sandbox outcome, `no_code`, or `generation_failed`."""
    if status == "failed" and exec_status is None:
        return "generation_failed"
    return exec_status or ""


def row_result(row: Mapping[str, Any]) -> tuple[str, bool | None]:
    """A stored cell's outcome (`pending` until it finishes) and whether it passed (None while pending)."""
    if row["status"] == "pending":
        return "pending", None
    return cell_outcome(row["status"], row.get("exec_status")), bool(row.get("score.pass"))


def _generation_errors(rows: list[Mapping[str, Any]]) -> dict[str, int]:
    """Why generation failed: `kind: reason` -> number of cells, most frequent first."""
    reasons = [f"{r.get('error_kind')}: {r.get('error')}" for r in rows
               if cell_outcome(r["status"], r.get("exec_status")) == "generation_failed"]
    return {reason: reasons.count(reason) for reason in sorted(set(reasons), key=lambda x: (-reasons.count(x), x))}


def turn_figures(finished: list[Mapping[str, Any]], turns: Turns) -> tuple[dict[int, float], list[PassChange]]:
    """The pass rate of each turn, and each consecutive change over the pairs of cells with the same sample where
    the later turn's task follows the earlier one's (empty unless the cells span more than one turn)."""
    passed = {(r["task"], r["sample"]): bool(r.get("score.pass")) for r in finished}
    by_turn: dict[int, list[bool]] = defaultdict(list)
    for (task, _), ok in passed.items():
        by_turn[turns.get(task, (1, None))[0]].append(ok)
    if len(by_turn) < 2:
        return {}, []
    pairs: dict[int, list[tuple[bool, bool]]] = defaultdict(list)  # later turn -> (earlier pass, later pass)
    for (task, sample), ok in passed.items():
        turn, follows = turns.get(task, (1, None))
        if (follows, sample) in passed:
            pairs[turn].append((passed[(follows, sample)], ok))
    changes = [pass_change([b for b, _ in pairs[t + 1]], [a for _, a in pairs[t + 1]], t, t + 1)
               for t in sorted(by_turn) if t + 1 in by_turn]
    return {t: float(np.mean(v)) for t, v in sorted(by_turn.items())}, changes


def model_row(model: str, rows: list[Mapping[str, Any]], tasks: Mapping[str, tuple[str, str]],
              n_boot: int = 2000, turns: Turns | None = None) -> ModelRow:
    finished = [r for r in rows if r["status"] != "pending"]
    per_task: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in finished:
        per_task[r["task"]].append(r)
    task_ids = sorted(per_task)
    task_means = np.array([np.mean([r.get("score.trace") or 0.0 for r in per_task[t]]) for t in task_ids])
    score = estimate(lambda idx: task_means[idx].mean(axis=1), len(task_ids), n_boot=n_boot)

    passes = {t: [bool(r.get("score.pass")) for r in per_task[t]] for t in task_ids}
    samples = min((len(v) for v in passes.values()), default=0)
    ks = sorted({1, samples}) if samples > 1 else ([1] if samples else [])
    at_k = {k: float(np.mean([pass_at_k(len(v), sum(v), k) for v in passes.values()])) for k in ks}

    def grouped(index: int) -> dict[str, float]:
        groups: dict[str, list[float]] = defaultdict(list)
        for t in task_ids:
            groups[tasks.get(t, ("?", "?"))[index]].extend(r.get("score.trace") or 0.0 for r in per_task[t])
        return {g: float(np.mean(v)) for g, v in sorted(groups.items())}

    outcomes = [cell_outcome(r["status"], r.get("exec_status")) for r in finished]
    by_turn, changes = turn_figures(finished, turns) if turns else ({}, [])
    return ModelRow(
        model=model, cells=len(rows), finished=len(finished), score=score,
        pass_rate=_mean([float(bool(r.get("score.pass"))) for r in finished]),
        pass_at_k=at_k, by_category=grouped(0), by_difficulty=grouped(1),
        dimensions={d: _mean([r.get(f"score.{d}") for r in finished]) for d in DIMENSIONS},
        outcomes={o: (outcomes.count(o) / len(outcomes) if outcomes else 0.0) for o in OUTCOMES},
        generation_errors=_generation_errors(finished),
        similarity={s: _mean([r.get(f"score.{s}") for r in finished]) for s in SIMILARITY},
        by_turn=by_turn, turn_changes=changes,
    )


def leaderboard(rows: Sequence[Mapping[str, Any]], tasks: Mapping[str, tuple[str, str]],
                n_boot: int = 2000, turns: Turns | None = None) -> list[ModelRow]:
    """Model rows, best mean full score first. `tasks` maps task id -> (category, difficulty); `turns`, for a
    multi-turn run, task id -> (turn, id of the task it follows), a task it leaves out being turn 1."""
    by_model: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        by_model[r["model"]].append(r)
    board = [model_row(m, rs, tasks, n_boot, turns) for m, rs in by_model.items()]
    return sorted(board, key=lambda m: (-(m.score.value or 0.0), m.model))


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}"


def _points(v: float | None) -> str:
    """A change in percentage points, with its sign."""
    return "-" if v is None else f"{100 * v:+.1f}"


def _p(v: float | None) -> str:
    return "-" if v is None else "<0.001" if v < 0.001 else f"{v:.3f}"


def flat(board: list[ModelRow]) -> list[dict[str, Any]]:
    """One flat dict per model (CSV / markdown columns)."""
    out = []
    for m in board:
        row: dict[str, Any] = {"model": m.model, "cells": m.cells, "finished": m.finished,
                               "score": m.score.value, "ci_lo": m.score.lo, "ci_hi": m.score.hi,
                               "pass_rate": m.pass_rate}
        row |= {f"pass@{k}": v for k, v in m.pass_at_k.items()}
        row |= {f"difficulty.{k}": v for k, v in m.by_difficulty.items()}
        row |= {f"dim.{k}": v for k, v in m.dimensions.items()}
        row |= {f"share.{k}": v for k, v in m.outcomes.items()}
        row |= {f"sim.{k}": v for k, v in m.similarity.items()}
        row |= {f"category.{k}": v for k, v in m.by_category.items()}
        row |= {f"turn.{k}": v for k, v in m.by_turn.items()}
        for c in m.turn_changes:
            name = f"change.{c.from_turn}-{c.to_turn}"
            row |= {name: c.change, f"{name}.p": c.mcnemar_p, f"{name}.pairs": c.n}
        out.append(row)
    return out


def _lines(board: list[ModelRow]) -> list[tuple[str, list[str], list[list[str]]]]:
    """Four tables (title, header, rows), each readable at 80 columns: scores; metric dimensions and text
    similarity; how the programs ended; cells that got no program verdict; for a multi-turn run, a fifth: the
    pass rate by turn."""
    ks = sorted({k for m in board for k in m.pass_at_k})
    head = ["model", "score", "95% CI", "pass", *[f"pass@{k}" for k in ks], "simple", "complex"]
    rows = [[m.model, _pct(m.score.value), f"{_pct(m.score.lo)}-{_pct(m.score.hi)}", _pct(m.pass_rate),
             *[_pct(m.pass_at_k.get(k)) for k in ks], _pct(m.by_difficulty.get("simple")),
             _pct(m.by_difficulty.get("complex"))] for m in board]
    head2 = ["model", "discrete", "timing", "contin.", "safety", "CodeBLEU", "edit sim"]
    rows2 = [[m.model, *[_pct(m.dimensions[d]) for d in DIMENSIONS], _pct(m.similarity["codebleu"]),
              _pct(m.similarity["edit_similarity"])] for m in board]
    ended = [(["model", *heads.values()], [[m.model, *[_pct(m.outcomes[o]) for o in heads]] for m in board])
             for heads in (PROGRAM_HEADS, NO_VERDICT_HEADS)]
    return [("Leaderboard (%; score = mean full trace score, 95% CI by task bootstrap)", head, rows),
            ("Metric dimensions and text similarity (%)", head2, rows2),
            ("How the programs ended (% of finished cells; the others ended ok)", *ended[0]),
            ("Cells without a program verdict (% of finished cells)", *ended[1]),
            *([turn_lines(board)] if any(m.by_turn for m in board) else [])]


def turn_lines(board: list[ModelRow]) -> tuple[str, list[str], list[list[str]]]:
    """Pass rate per turn, and each change to the next turn in points with its exact McNemar p."""
    turns = sorted({t for m in board for t in m.by_turn})
    steps = sorted({(c.from_turn, c.to_turn) for m in board for c in m.turn_changes})
    head = ["model", *[f"turn {t}" for t in turns], *[h for a, b in steps for h in (f"{a}->{b}", "p")]]
    rows = []
    for m in board:
        changes = {(c.from_turn, c.to_turn): c for c in m.turn_changes}
        cells = [(_points(c.change), _p(c.mcnemar_p)) if (c := changes.get(step)) else ("-", "-") for step in steps]
        rows.append([m.model, *[_pct(m.by_turn.get(t)) for t in turns], *[x for pair in cells for x in pair]])
    return ("Pass rate by turn (%), change to the next turn (points; p: exact McNemar over the same chain and "
            "sample)", head, rows)


def markdown_table(head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (readable as plain text too)."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def _table(title: str, head: list[str], rows: list[list[str]]) -> Table:
    """At 80 columns: the first column (names) wraps, numbers never do, a long header wraps at its spaces."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  collapse_padding=True)
    table.add_column(head[0], overflow="fold", ratio=1, min_width=8)
    for i, col in enumerate(head[1:], start=1):
        table.add_column(Text(col), justify="right", overflow="fold",
                         min_width=max(len(word) for word in ["100.0", *col.split(), *(row[i] for row in rows)]))
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def failure_note(board: list[ModelRow]) -> str:
    """Why generation failed, per model (empty when it never did)."""
    lines = [f"generation failed for {m.model}: " + "; ".join(f"{n} x {reason}" for reason, n in
                                                             m.generation_errors.items())
             for m in board if m.generation_errors]
    return "\n".join(lines)


def render(board: list[ModelRow], fmt: Format) -> str | list[RenderableType]:
    """The leaderboard as rich tables, or CSV / JSON / markdown text (percentages in the tables)."""
    if fmt == "json":
        return json.dumps([m.model_dump() for m in board], indent=1)
    if fmt == "csv":
        rows = flat(board)
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(dict.fromkeys(c for r in rows for c in r)))
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
    tables = _lines(board)
    note = failure_note(board)
    if fmt == "markdown":
        text = "\n".join(markdown_table(head, rows) + "\n" for _, head, rows in tables)
        return text + (f"\n{note}\n" if note else "")
    from rich.text import Text

    out: list[RenderableType] = [_table(*t) for t in tables]
    out.append(category_table(board))
    if note:
        out.append(Text(note))
    return out


def category_table(board: list[ModelRow]) -> Table:
    """Mean full score per category (rows) for every model (columns)."""
    categories = sorted({c for m in board for c in m.by_category})
    rows = [[c, *[_pct(m.by_category.get(c)) for m in board]] for c in categories]
    return _table("Mean full score by category (%)", ["category", *[m.model for m in board]], rows)
