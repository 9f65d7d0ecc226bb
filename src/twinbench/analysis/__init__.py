"""How far a score can be trusted: correlations with outcomes (model and instance level), AUROC, turn deltas.

Each name loads its module on first use: a leaderboard, which needs the statistics alone, loads no more."""

from typing import TYPE_CHECKING

from twinbench.lazy import attributes

if TYPE_CHECKING:
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
__getattr__ = attributes(__name__, {**dict.fromkeys(__all__, "stats"),  # but for these:
                                    **dict.fromkeys(["AnalysisReport", "CorrelationRow", "analyze"], "report"),
                                    **dict.fromkeys(["ScoreTable", "load_table"], "table")})
