"""How far a score can be trusted: correlations with outcomes (model and instance level), AUROC, turn deltas."""

from twinbench.analysis.report import AnalysisReport, CorrelationRow, analyze
from twinbench.analysis.stats import (
    METHODS,
    Estimate,
    PassChange,
    TurnDelta,
    auroc,
    auroc_ci,
    bin_grades,
    correlation,
    correlation_ci,
    krippendorff_alpha,
    paired_difference_ci,
    pass_change,
    turn_delta,
)
from twinbench.analysis.table import ScoreTable, load_table

__all__ = [
    "METHODS",
    "AnalysisReport",
    "CorrelationRow",
    "Estimate",
    "PassChange",
    "ScoreTable",
    "TurnDelta",
    "analyze",
    "auroc",
    "auroc_ci",
    "bin_grades",
    "correlation",
    "correlation_ci",
    "krippendorff_alpha",
    "paired_difference_ci",
    "pass_change",
    "load_table",
    "turn_delta",
]
