"""Suite checks: self-consistency (references run clean and pass each other) and discrimination
(references of different tasks do not pass each other). Each reference runs once; scoring is pairwise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from twinbench.tasks.references import ReferenceRun, ReferenceRunner
from twinbench.tasks.schema import Task
from twinbench.tasks.suite import Suite
from twinbench.trace.canonical import CanonicalTrace, canonicalize
from twinbench.trace.config import ScoringConfig
from twinbench.trace.model import Trace
from twinbench.trace.scoring import ScoreResult, score_canonical, score_traces
from twinbench.twins import get_twin


@dataclass
class TaskCheck:
    """Self-consistency of one task: references that do not end as the task expects, references that leave
    nothing to compare (an empty canonical trace, unless the task allows it), and reference pairs (i, j)
    where j fails against i."""

    task_id: str
    unclean: list[tuple[int, str]] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)
    failing_pairs: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unclean and not self.empty and not self.failing_pairs


@dataclass
class SuiteCheck:
    """Results over a suite; rates are fractions in [0, 1]."""

    tasks: list[TaskCheck]
    pairs: int = 0
    confusions: list[tuple[str, str]] = field(default_factory=list)  # (task scored against, task whose ref passed)

    @property
    def self_consistency(self) -> float:
        return sum(t.ok for t in self.tasks) / len(self.tasks)

    @property
    def discrimination(self) -> float:
        return 1.0 - len(self.confusions) / self.pairs if self.pairs else 1.0


class Scorer:
    """Canonicalises each (trace, config) once, and scores with the discrete-exact shortcut: two canonical
    traces whose channel multisets differ cannot be matched event for event, so such a pair cannot pass."""

    def __init__(self) -> None:
        self._canonical: dict[tuple[int, str], tuple[CanonicalTrace, Counter[str]]] = {}
        self._config_keys: dict[int, str] = {}
        self._keep: list[object] = []  # keeps every id() used in a key alive

    def canonical(self, trace: Trace, config: ScoringConfig) -> tuple[CanonicalTrace, Counter[str]]:
        """The canonical form of `trace` under `config` and its channel multiset; equal configs share it."""
        if id(config) not in self._config_keys:
            self._keep.append(config)
            self._config_keys[id(config)] = config.model_dump_json()
        key = (id(trace), self._config_keys[id(config)])
        if key not in self._canonical:
            self._keep.append(trace)
            canonical = canonicalize(trace, config)
            self._canonical[key] = (canonical, Counter(canonical.channel))
        return self._canonical[key]

    def best(self, refs: list[Trace], pred: Trace, config: ScoringConfig) -> ScoreResult:
        """The best score of `pred` over `refs` (highest full score, then pass), like `score_best_of`."""
        p = self.canonical(pred, config)[0]
        results = [score_canonical(self.canonical(ref, config)[0], p, config) for ref in refs]
        return max(results, key=lambda r: (r.full_score, r.passed))

    def passes(self, refs: list[Trace], pred: Trace, config: ScoringConfig) -> bool:
        """Whether `pred` passes against at least one of `refs` under `config`."""
        p, p_channels = self.canonical(pred, config)
        for ref in refs:
            g, g_channels = self.canonical(ref, config)
            possible = g_channels == p_channels or not config.decision.require_discrete_exact
            if possible and score_canonical(g, p, config).passed:
                return True
        return False


def check_task(task: Task, runs: list[ReferenceRun], scorer: Scorer, config: ScoringConfig) -> TaskCheck:
    """Every reference ends as the task expects, leaves a trace to compare and passes against every other
    reference of the task."""
    check = TaskCheck(task.id)
    for i, run in enumerate(runs):
        if not run.ends_as(task.expected_outcome):
            check.unclean.append((i, f"expected {task.expected_outcome}: " + (
                run.error or f"{run.outcome}, {run.safety_events} safety events")))
        if config.discrete.empty_reference_fails and not len(scorer.canonical(run.trace, config)[0]):
            check.empty.append(i)
    for i, gt in enumerate(runs):
        for j, pred in enumerate(runs):
            if i != j and not task.verdict(scorer.passes([gt.trace], pred.trace, config), pred.outcome):
                check.failing_pairs.append((i, j, score_traces(gt.trace, pred.trace, config).full_score))
    return check


def check_suite(suite: Suite, runner: ReferenceRunner) -> SuiteCheck:
    """Run every reference once, then check self-consistency and discrimination (ordered task pairs)."""
    runs = runner.reference_runs(suite.tasks)
    defaults = get_twin(suite.twin).scoring_defaults()
    configs = {t.id: t.scoring_config(defaults) for t in suite.tasks}
    scorer = Scorer()
    result = SuiteCheck([check_task(t, runs[t.id], scorer, configs[t.id]) for t in suite.tasks])
    for a in suite.tasks:
        refs = [r.trace for r in runs[a.id]]
        for b in suite.tasks:
            if a.id == b.id:
                continue
            result.pairs += 1
            if any(a.verdict(scorer.passes(refs, r.trace, configs[a.id]), r.outcome) for r in runs[b.id]):
                result.confusions.append((a.id, b.id))
    return result
