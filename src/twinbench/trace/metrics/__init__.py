"""Metrics over an aligned pair of canonical traces; each returns a score, a pass and its sub-figures."""

from twinbench.trace.metrics.result import MetricResult

__all__ = ["MetricResult"]
