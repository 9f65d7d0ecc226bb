"""Benchmark tasks: the task format, suites, reference traces, suite checks and the validity check."""

from twinbench.tasks.references import ReferenceRun, ReferenceRunner, twin_fingerprint
from twinbench.tasks.schema import ScoringOverrides, SuiteMeta, Task
from twinbench.tasks.suite import Suite, builtin_suites, load_suite

__all__ = ["ReferenceRun", "ReferenceRunner", "ScoringOverrides", "Suite", "SuiteMeta", "Task", "builtin_suites",
           "load_suite", "twin_fingerprint"]
