"""A panel of judges: per-item mean and median, and how far the judges agree with each other."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Mapping

import numpy as np
from pydantic import BaseModel, Field

from twinbench.analysis.stats import correlation, krippendorff_alpha


class PanelGrade(BaseModel):
    """The panel's verdict on one item: every judge's grade (None when unparsed), their mean and median."""

    grades: dict[str, float | None]
    mean: float | None
    median: float | None
    n: int


def aggregate(grades: Mapping[str, float | None]) -> PanelGrade:
    """Mean and median over the judges whose grade parsed; None when none did."""
    values = [g for g in grades.values() if g is not None]
    return PanelGrade(
        grades=dict(grades),
        mean=statistics.fmean(values) if values else None,
        median=statistics.median(values) if values else None,
        n=len(values),
    )


class PanelAgreement(BaseModel):
    """Inter-judge agreement over the items: pairwise Spearman and Krippendorff's alpha (interval)."""

    judges: list[str]
    items: int
    pairwise_spearman: dict[str, float | None] = Field(default_factory=dict)
    krippendorff_alpha_interval: float | None = None


def agreement(per_item: Mapping[str, Mapping[str, float | None]]) -> PanelAgreement:
    """`per_item` maps item -> judge -> grade. Pairs use items both judges graded; alpha handles missing ones."""
    judges = sorted({j for grades in per_item.values() for j in grades})
    items = sorted(per_item)
    matrix = np.array([[_nan(per_item[i].get(j)) for i in items] for j in judges], float).reshape(
        len(judges), len(items)
    )
    out = PanelAgreement(judges=judges, items=len(items))
    for (a, ra), (b, rb) in itertools.combinations(zip(judges, matrix, strict=True), 2):
        both = np.isfinite(ra) & np.isfinite(rb)
        rho = correlation(ra[both], rb[both], "spearman")
        out.pairwise_spearman[f"{a} ~ {b}"] = None if math.isnan(rho) else rho
    if len(judges) >= 2:
        alpha = krippendorff_alpha(matrix, "interval")
        out.krippendorff_alpha_interval = None if math.isnan(alpha) else alpha
    return out


def _nan(value: float | None) -> float:
    return math.nan if value is None else value
