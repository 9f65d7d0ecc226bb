"""The validity check: wrong variants (the twin's, `Twin.variants()`) of each task's first reference must
score lower and fail; equal rewrites must pass. A variant whose trace is the same as a reference's is a
no-op (for instance two commuting set-points swapped) and is excluded: it is not wrong, whatever its source
says."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from twinbench.sandbox import Limits, RunResult
from twinbench.tasks.checks import Scorer
from twinbench.tasks.references import ReferenceRunner
from twinbench.tasks.schema import Task
from twinbench.trace.canonical import CanonicalTrace
from twinbench.trace.model import Trace
from twinbench.trace.scoring import ScoreResult
from twinbench.twins import Variants, get_twin

SERIES_ATOL = 0.01  # a continuous value this close is the same (a set-point swapped by one round trip)


def same_trace(ca: CanonicalTrace, cb: CanonicalTrace, instant: float | None = None) -> bool:
    """Whether two canonical traces are the same: channels, values, times (to `instant` seconds, the
    simultaneity window: within it two puts are one step whatever their order; 1 µs without one) and
    continuous series (to `SERIES_ATOL`)."""
    atol = instant or 1e-6
    if ca.channel != cb.channel or len(ca.t) != len(cb.t) or not np.allclose(ca.t, cb.t, atol=atol, rtol=0):
        return False
    if any(va != vb and not (isinstance(va, float | int) and isinstance(vb, float | int) and abs(va - vb) < 1e-9)
           for va, vb in zip(ca.value, cb.value, strict=True)):
        return False
    if ca.series.keys() != cb.series.keys():
        return False
    return all(len(ca.series[k].t) == len(cb.series[k].t)
               and np.allclose(np.asarray(ca.series[k].t), np.asarray(cb.series[k].t), atol=atol, rtol=0)
               and np.allclose(np.asarray(ca.series[k].v), np.asarray(cb.series[k].v), atol=SERIES_ATOL)
               for k in ca.series)


@dataclass(frozen=True)
class VariantResult:
    """One variant: `status` is 'detected'/'missed' (wrong kinds), 'passed'/'failed' (equal rewrites),
    'noop' (same trace as a reference) or 'n/a' (the transformation does not apply)."""

    task_id: str
    kind: str
    status: str
    score: float | None = None
    source: str | None = None


@dataclass
class ValidityReport:
    variants: Variants
    results: list[VariantResult] = field(default_factory=list)

    def counts(self, kind: str) -> Counter[str]:
        return Counter(r.status for r in self.results if r.kind == kind)

    def rate(self, kinds: list[str], good: str, bad: str) -> float:
        """good / (good + bad) over `kinds`; no-ops and inapplicable variants are left out."""
        c = Counter(r.status for r in self.results if r.kind in kinds)
        return c[good] / (c[good] + c[bad]) if c[good] + c[bad] else 1.0

    @property
    def kinds(self) -> list[str]:
        return [*self.variants.wrong, *self.variants.equivalent]

    @property
    def wrong_detection_rate(self) -> float:
        return self.rate(list(self.variants.wrong), "detected", "missed")

    @property
    def equivalent_pass_rate(self) -> float:
        return self.rate(list(self.variants.equivalent), "passed", "failed")


def check_validity(tasks: list[Task], runner: ReferenceRunner) -> ValidityReport:
    """Make every variant of each task's first reference (the variants of the runner's twin), run them all,
    score each against all the task's references, and classify it."""
    twin = get_twin(runner.twin)
    variants = twin.variants()
    refs = {t: [r.trace for r in runs] for t, runs in runner.reference_runs(tasks).items()}
    report = ValidityReport(variants)
    pending: list[tuple[Task, str, str]] = []
    for task in tasks:
        for kind, make in {**variants.wrong, **variants.equivalent}.items():
            source = make(task.references[0])
            if source is None:
                report.results.append(VariantResult(task.id, kind, "n/a"))
            else:
                pending.append((task, kind, source))
    executed = execute_programs([(task, source) for task, _, source in pending], runner, refs, variants.budget)
    scorer = Scorer()
    defaults = twin.scoring_defaults()
    configs = {t.id: t.scoring_config(defaults) for t in tasks}
    for (task, kind, source), (result, best, passed) in zip(pending, executed, strict=True):
        config, task_refs = configs[task.id], refs[task.id]
        if kind in variants.equivalent:
            status = "passed" if passed else "failed"
        elif any(same_trace(scorer.canonical(ref, config)[0], scorer.canonical(result.trace, config)[0],
                            config.simultaneity_eps) for ref in task_refs):
            status = "noop"
        else:
            baseline = scorer.best(task_refs, task_refs[0], config).full_score
            status = "detected" if best.full_score < baseline and not passed else "missed"
        report.results.append(VariantResult(task.id, kind, status, best.full_score, source))
    return report


def execute_programs(programs: list[tuple[Task, str]], runner: ReferenceRunner, refs: dict[str, list[Trace]],
                     budget: float | None = None) -> list[tuple[RunResult, ScoreResult, bool]]:
    """Run each (task, source) in the runner's sandbox from the task's starting state and score its trace against
    the task's reference traces: the run, the best match and the execution Pass (trace passed, ended as expected)."""
    limits = Limits(budget=budget)  # a variant's budget: a rewrite is as slow as its original
    results = runner.run_programs([(source, task.initial_state, limits, task.protocol) for task, source in programs])
    scorer = Scorer()
    defaults = get_twin(runner.twin).scoring_defaults()
    out = []
    for (task, _), result in zip(programs, results, strict=True):
        best = scorer.best(refs[task.id], result.trace, task.scoring_config(defaults))
        out.append((result, best, task.verdict(best.passed, str(result.outcome))))
    return out
