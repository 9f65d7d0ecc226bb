"""Choosing a judge prompt on a calibration set's `dev` split only: every candidate (a prompt variant `ref`, `doc`,
`ref_doc` under a rubric and its templates) grades the dev answers, is held against their execution Pass, and the
one with the highest AUROC (then accuracy; then the first given) is chosen. Held-out answers are never judged here,
so the choice cannot have seen them; report the chosen prompt on `heldout` (`judge run --split heldout`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from twinbench.analysis.agreement import judge_agreement, outcomes
from twinbench.analysis.stats import Estimate
from twinbench.errors import InputError
from twinbench.judge.rubric import Rubric, Variant
from twinbench.judge.run import JUDGE_SETTINGS, JudgeItem, judge_items
from twinbench.models import GenerationSettings, Provider, ResponseCache
from twinbench.store import Store

TUNE_SPLIT = "dev"


class Candidate(BaseModel):
    """One prompt: its variant and rubric, the score it was stored under, and its figures on the dev answers."""

    variant: Variant
    rubric: str = Field(description="rubric id, version and fingerprint")
    scorer: str
    answers: int
    graded: int
    auroc: Estimate
    accuracy: Estimate


class TuneResult(BaseModel):
    """What was compared, on which split, and which prompt was chosen."""

    run: str
    split: str = TUNE_SPLIT
    judges: list[str]
    threshold: float
    candidates: list[Candidate]
    chosen: str | None = Field(description="scorer of the chosen candidate; None when no candidate was graded")


def tune_scorer(variant: Variant, rubric: Rubric) -> str:
    """`judge.tune.ref.<fingerprint>`: a score (and judge run) of its own per candidate."""
    return f"judge.tune.{variant}.{rubric.fingerprint[:10]}"


def dev_items(items: Sequence[JudgeItem], splits: Mapping[str, str]) -> list[JudgeItem]:
    """Only the answers of dev tasks: the held-out ones never reach a judge while a prompt is being chosen."""
    if TUNE_SPLIT not in set(splits.values()):
        raise InputError("judge tune", "the run has no dev split (make one with `judge calibration-set`)")
    return [i for i in items if splits.get(i.cell.task) == TUNE_SPLIT]


def _key(c: Candidate) -> tuple[float, float]:
    return (-1.0 if c.auroc.value is None else c.auroc.value, -1.0 if c.accuracy.value is None else c.accuracy.value)


async def tune(
    store: Store,
    run_id: str,
    items: Sequence[JudgeItem],
    providers: Mapping[str, Provider],
    candidates: Sequence[tuple[Variant, Rubric]],
    *,
    doc: str | None = None,
    settings: GenerationSettings = JUDGE_SETTINGS,
    cache: ResponseCache | None = None,
    outcome: str = "pass",
    threshold: float = 50.0,
    n_boot: int = 2000,
    seed: int = 0,
) -> TuneResult:
    """Judge the dev answers of `items` with each candidate (panel mean per answer) and choose the best."""
    splits = store.run(run_id).config.get("splits") or {}
    dev = dev_items(items, splits)
    truth = [o for o in outcomes(store, [run_id], outcome) if splits.get(o[1]) == TUNE_SPLIT]
    result = TuneResult(run=run_id, judges=sorted(providers), threshold=threshold, candidates=[], chosen=None)
    for variant, rubric in candidates:
        scorer = tune_scorer(variant, rubric)
        summary = await judge_items(store, run_id, dev, providers, rubric, variant, doc=doc, settings=settings,
                                    cache=cache, scorer=scorer)
        panel = [(i.cell.model, i.cell.task, i.cell.turn, i.cell.sample, summary.panel[i.cell.id].mean) for i in dev]
        report = judge_agreement({(scorer, "panel"): panel}, truth, splits, outcome, threshold, None, n_boot, seed, 0)
        [row] = report.rows or [None]
        result.candidates.append(Candidate(
            variant=variant, rubric=f"{rubric.id} {rubric.version} {rubric.fingerprint[:10]}", scorer=scorer,
            answers=len(dev), graded=report.coverage[0].graded,
            auroc=row.auroc if row else Estimate(value=None, n=0),
            accuracy=row.accuracy if row else Estimate(value=None, n=0)))
    graded = [c for c in result.candidates if c.auroc.value is not None]
    if graded:
        result.chosen = max(graded, key=_key).scorer  # max keeps the first of equals
    return result
