"""Judge the answers of a run with a panel: every call through `generate()` (one retry loop, the response cache)
into its own run of the store, and the panel's grade written back to the judged cells."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing

from pydantic import BaseModel, Field

from twinbench.judge.panel import PanelAgreement, PanelGrade, aggregate, agreement
from twinbench.judge.parse import parse_judgement
from twinbench.judge.rubric import Rubric, Variant
from twinbench.models import GenerationSettings, Provider, ResponseCache, generate
from twinbench.runner.pool import Pool
from twinbench.store import Cell, CellResult, ErrorRecord, ScoreRecord, Store

JUDGE_SETTINGS = GenerationSettings(temperature=0.0, top_p=1.0, max_tokens=1024, seed=0)


class JudgeItem(BaseModel):
    """One program to judge: the cell it answers, its code and the reference for that cell."""

    cell: Cell
    candidate: str
    reference: str | None = None


class JudgeSummary(BaseModel):
    """What a judge pass did: its run id, counts, each item's panel grade and the judges' agreement."""

    run_id: str
    source_run: str
    variant: Variant
    scorer: str
    calls: int
    parsed: int = 0
    flagged: int = 0
    failed: int = 0
    panel: dict[str, PanelGrade] = Field(default_factory=dict, description="source cell id -> panel grade")
    agreement: PanelAgreement | None = None


def judge_run_id(source_run: str, scorer: str) -> str:
    """`judge/ref/RUN` for the scorer `judge.ref`; `judge/ref.b/RUN` for `judge.ref.b`."""
    return f"judge/{scorer.removeprefix('judge.')}/{source_run}"


def judge_cell(judge: str, item: JudgeItem) -> Cell:
    """The judge run's cell for one (judge, judged cell)."""
    return judging_cell(judge, item.cell)


def judging_cell(judge: str, judged: Cell) -> Cell:
    """The judge run's cell in which `judge` graded the source run's cell `judged`."""
    return Cell(model=judge, task=f"{judged.model} | {judged.task}", turn=judged.turn, sample=judged.sample)


def _clip(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[:limit] + f"\n# ... [{len(text) - limit} characters cut]"


async def judge_items(
    store: Store,
    source_run: str,
    items: Sequence[JudgeItem],
    providers: Mapping[str, Provider],
    rubric: Rubric,
    variant: Variant,
    *,
    doc: str | None = None,
    settings: GenerationSettings = JUDGE_SETTINGS,
    cache: ResponseCache | None = None,
    max_code_chars: int | None = None,
    scorer: str | None = None,
    workers: int = 4,
    structured: bool = False,
) -> JudgeSummary:
    """Judge every item with every provider; resumes an interrupted pass (finished calls are not repeated).

    Grades are stored under `scorer` (default `judge.<variant>`), in the judge run and, as the panel mean, on the
    source run; pick another name to keep an existing score (e.g. grades imported from a release). `structured`
    asks for a JSON answer held to the rubric's grade schema (the provider constrains it); the run's config
    records it, and each grade's detail its parse mode.
    """
    scorer = scorer or f"judge.{variant}"
    if structured:
        settings = settings.with_schema(rubric.grade_schema())
    run_id = judge_run_id(source_run, scorer)
    config = {
        "kind": "judge",
        "scorer": scorer,
        "source_run": source_run,
        "variant": variant,
        "rubric": {"id": rubric.id, "version": rubric.version, "fingerprint": rubric.fingerprint},
        "judges": sorted(providers),
        "settings": settings.model_dump(),
        **({"structured": True} if structured else {}),
        "max_code_chars": max_code_chars,
        "doc_chars": len(doc or ""),
    }
    plan = {judge_cell(j, item).id: (j, item) for j in sorted(providers) for item in items}
    store.create_run(run_id, config, [judge_cell(j, item) for j, item in plan.values()])

    async def compute(cell: Cell) -> tuple[CellResult, tuple[()]]:
        judge, item = plan[cell.id]
        messages = rubric.messages(
            variant,
            _clip(item.candidate, max_code_chars),
            None if item.reference is None else _clip(item.reference, max_code_chars),
            doc,
            structured,
        )
        record = await generate(providers[judge], messages, cell.key, settings, cache=cache)
        return _result(record, rubric, scorer, structured), ()

    await Pool(store, run_id).each_pending(compute, workers)
    return _collect(store, run_id, source_run, variant, scorer, plan, items)


def _result(record, rubric: Rubric, scorer: str, structured: bool) -> CellResult:
    if not record.ok:
        return CellResult.from_call(record)
    parsed = parse_judgement(record.text or "", rubric, structured)
    score = ScoreRecord(scorer=scorer, value=parsed.grade, detail=parsed.model_dump())
    if parsed.grade is None:
        error = ErrorRecord(stage="judge-parse", kind="no-grade", message=parsed.failure or "no grade")
        return CellResult(status="failed", response=record, scores=[score], errors=[error])
    return CellResult(status="ok", response=record, scores=[score])


def _collect(store, run_id, source_run, variant, scorer, plan, items) -> JudgeSummary:
    """Read the judge run back, aggregate per judged cell and write the panel grade onto the source run."""
    rows = {r["cell_id"]: r for r in store.result_rows(run_id)}
    per_item: dict[str, dict[str, float | None]] = {item.cell.id: {} for item in items}
    summary = JudgeSummary(run_id=run_id, source_run=source_run, variant=variant, scorer=scorer, calls=len(plan))
    for cell_id, (judge, item) in plan.items():
        row = rows[cell_id]
        grade = row.get(f"score.{scorer}")
        per_item[item.cell.id][judge] = grade
        if row["status"] == "ok":
            summary.parsed += 1
        elif row["status"] == "failed":
            summary.failed += 1
    details = score_details(store, run_id, scorer)
    summary.flagged = sum(1 for d in details.values() if d.get("status") == "flagged")
    for item in items:
        panel = aggregate(per_item[item.cell.id])
        summary.panel[item.cell.id] = panel
        detail = {**panel.model_dump(), "judge_run": run_id}
        store.record_score(source_run, item.cell, ScoreRecord(scorer=scorer, value=panel.mean, detail=detail))
    if len({j for j, _ in plan.values()}) >= 2:
        summary.agreement = agreement(per_item)
    return summary


def score_details(store: Store, run_id: str, scorer: str) -> dict[str, dict]:
    """cell id -> the JSON detail of one scorer in a run (the Store API gives values only)."""
    with closing(sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT cell_id, detail FROM scores WHERE run_id = ? AND scorer = ?", (run_id, scorer))
        return {cell_id: json.loads(detail) for cell_id, detail in rows}
