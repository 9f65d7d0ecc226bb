"""`twinbench judge calibrate`: judge references and their perturbed variants, then measure agreement with the
expected ordering (nominal grades per severity) or with expert scores read from a CSV."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from twinbench.analysis.stats import Estimate, bin_grades, correlation_ci, krippendorff_alpha
from twinbench.errors import InputError
from twinbench.judge.perturb import KINDS, SEVERITIES, Kind, Severity, perturb
from twinbench.judge.rubric import Rubric, Variant
from twinbench.judge.run import JUDGE_SETTINGS, JudgeItem, judge_items
from twinbench.models import CallKey, CallRecord, GenerationSettings, Provider, ResponseCache
from twinbench.store import Cell, CellResult, Store

Level = Literal["reference", "mild", "severe"]
NOMINAL: dict[Level, float] = {"reference": 100.0, "mild": 80.0, "severe": 50.0}
CAL_MODEL = "calibration"


class CalCase(BaseModel):
    """One program to grade: a reference (level `reference`) or a perturbation of it."""

    case_id: str
    source: str
    kind: Kind | None = None
    level: Level
    change: str = ""
    code: str
    reference: str


class CaseResult(BaseModel):
    case_id: str
    source: str
    kind: Kind | None
    level: Level
    target: float
    grade: float | None


class CalibrationReport(BaseModel):
    """Agreement of the judge panel with the target grades (nominal per level, or experts')."""

    variant: Variant
    judges: list[str]
    rubric: dict[str, str]
    target: Literal["nominal", "expert"]
    cases: list[CaseResult]
    graded: int
    spearman: Estimate
    kendall: Estimate
    mae: float | None
    krippendorff_alpha_binned: float | None = Field(description="ordinal alpha of judge vs target, 20-point bins")
    level_means: dict[str, float | None]
    ordered: bool | None = Field(description="mean grade reference > mild > severe (None if a level has no grade)")
    kind_means: dict[str, float | None]
    judge_run: str


def make_cases(
    references: Mapping[str, str],
    kinds: Sequence[Kind] = KINDS,
    severities: Sequence[Severity] = SEVERITIES,
    seed: int = 0,
) -> list[CalCase]:
    """Each reference as itself, plus every applicable (kind, severity) perturbation of it."""
    cases = []
    for name, code in references.items():
        cases.append(CalCase(case_id=f"{name}:reference", source=name, level="reference", code=code, reference=code))
        for kind in kinds:
            for severity in severities:
                if (made := perturb(code, kind, severity, seed)) is not None:
                    cases.append(
                        CalCase(
                            case_id=f"{name}:{kind}:{severity}",
                            source=name,
                            kind=kind,
                            level=severity,
                            change=made[1],
                            code=made[0],
                            reference=code,
                        )
                    )
    return cases


def read_references(path: Path, limit: int | None = None, cleaned: bool = True) -> dict[str, str]:
    """A folder of `.py` files, or a SimBench release (`demo_data/<system>/[cleaned_]truthN.py`); sorted by size."""
    if (path / "demo_data").is_dir():
        pattern = "demo_data/*/cleaned_truth*.py" if cleaned else "demo_data/*/truth[0-9].py"
        files = {f"{p.parent.name}/{p.stem.removeprefix('cleaned_')}": p for p in path.glob(pattern)}
    elif path.is_dir():
        files = {p.stem: p for p in path.glob("*.py")}
    else:
        raise InputError(str(path), "not a folder of .py references or a SimBench release")
    if not files:
        raise InputError(str(path), "no reference programs found")
    ordered = sorted(files.items(), key=lambda kv: (kv[1].stat().st_size, kv[0]))[:limit]
    return {name: p.read_text(encoding="utf-8") for name, p in ordered}


def read_expert_scores(path: Path, case_ids: set[str]) -> dict[str, float]:
    """CSV with columns `case_id,score`; ids must be calibration case ids."""
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(str(path), f"cannot read expert scores: {exc}") from None
    out = {}
    for i, row in enumerate(rows, 2):
        if "case_id" not in row or "score" not in row:
            raise InputError(str(path), "needs columns case_id,score")
        if row["case_id"] not in case_ids:
            raise InputError(str(path), f"unknown case id '{row['case_id']}'", item=f"line {i}")
        try:
            out[row["case_id"]] = float(row["score"])
        except ValueError:
            raise InputError(str(path), f"score '{row['score']}' is not a number", item=f"line {i}") from None
    return out


def cases_run_id(cases: Sequence[CalCase]) -> str:
    digest = hashlib.sha256("\n".join(f"{c.case_id}\n{c.code}" for c in cases).encode()).hexdigest()[:12]
    return f"calibration/{digest}"


def _store_cases(store: Store, cases: Sequence[CalCase]) -> tuple[str, dict[str, Cell]]:
    """The cases as a run of answers (model `calibration`), so the judge pass reads them like any run."""
    run_id = cases_run_id(cases)
    cells = {c.case_id: Cell(model=CAL_MODEL, task=c.case_id) for c in cases}
    config = {"kind": "calibration-cases", "cases": [c.model_dump(exclude={"code", "reference"}) for c in cases]}
    store.create_run(run_id, config, cells.values())
    pending = {c.id for c in store.pending_cells(run_id)}
    for case in cases:
        cell = cells[case.case_id]
        if cell.id in pending:
            record = CallRecord(
                key=CallKey(task=case.case_id),
                model=CAL_MODEL,
                provider="calibration",
                endpoint="perturbation",
                text=case.code,
            )
            store.finish_cell(run_id, cell, CellResult(status="ok", response=record))
    return run_id, cells


async def calibrate(
    store: Store,
    cases: Sequence[CalCase],
    providers: Mapping[str, Provider],
    rubric: Rubric,
    variant: Variant = "ref",
    *,
    expert: Mapping[str, float] | None = None,
    doc: str | None = None,
    settings: GenerationSettings = JUDGE_SETTINGS,
    cache: ResponseCache | None = None,
    max_code_chars: int | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> CalibrationReport:
    """Judge every case with the panel and report agreement with the targets."""
    run_id, cells = _store_cases(store, cases)
    items = [JudgeItem(cell=cells[c.case_id], candidate=c.code, reference=c.reference) for c in cases]
    summary = await judge_items(
        store,
        run_id,
        items,
        providers,
        rubric,
        variant,
        doc=doc,
        settings=settings,
        cache=cache,
        max_code_chars=max_code_chars,
    )
    targets = {c.case_id: NOMINAL[c.level] for c in cases} if expert is None else dict(expert)
    results = [
        CaseResult(
            case_id=c.case_id,
            source=c.source,
            kind=c.kind,
            level=c.level,
            target=targets[c.case_id],
            grade=summary.panel[cells[c.case_id].id].mean,
        )
        for c in cases
        if c.case_id in targets
    ]
    graded = [r for r in results if r.grade is not None]
    g = np.array([r.grade for r in graded], float)
    t = np.array([r.target for r in graded], float)
    alpha = krippendorff_alpha(np.vstack([bin_grades(g), bin_grades(t)]), "ordinal") if len(graded) else float("nan")
    level_means = _means(results, lambda r: r.level, [*NOMINAL])
    ordered = None
    if all(level_means[k] is not None for k in NOMINAL):
        ordered = level_means["reference"] > level_means["mild"] > level_means["severe"]
    return CalibrationReport(
        variant=variant,
        judges=sorted(providers),
        rubric={"id": rubric.id, "version": rubric.version, "fingerprint": rubric.fingerprint},
        target="nominal" if expert is None else "expert",
        cases=results,
        graded=len(graded),
        spearman=correlation_ci(g, t, "spearman", n_boot, seed),
        kendall=correlation_ci(g, t, "kendall", n_boot, seed),
        mae=float(np.mean(np.abs(g - t))) if len(graded) else None,
        krippendorff_alpha_binned=None if np.isnan(alpha) else alpha,
        level_means=level_means,
        ordered=ordered,
        kind_means=_means(results, lambda r: r.kind or "reference", ["reference", *KINDS]),
        judge_run=summary.run_id,
    )


def _means(results: Sequence[CaseResult], key, order: Sequence[str]) -> dict[str, float | None]:
    groups: dict[str, list[float]] = defaultdict(list)
    for r in results:
        if r.grade is not None:
            groups[key(r)].append(r.grade)
    return {k: (float(np.mean(groups[k])) if groups[k] else None) for k in order}
