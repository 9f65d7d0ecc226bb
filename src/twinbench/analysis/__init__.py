"""How far a score can be trusted: correlations with outcomes (model and instance level), AUROC, turn deltas.

Each name is imported from its submodule on first use (a leaderboard needs `stats` alone)."""

from twinbench.lazy import lazy_attributes

MODULES = {
    "report": ("AnalysisReport", "CorrelationRow", "analyze"),
    "stats": ("METHODS", "Estimate", "PassChange", "TurnDelta", "auroc", "auroc_ci", "bin_grades", "correlation",
              "correlation_ci", "krippendorff_alpha", "paired_difference_ci", "pass_change", "turn_delta"),
    "table": ("ScoreTable", "load_table"),
}
__all__ = sorted(name for names in MODULES.values() for name in names)
__getattr__ = lazy_attributes(__name__, MODULES)
