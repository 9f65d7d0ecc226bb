"""A physics suite checked with real MuJoCo, without the twin: every reference runs; the references of a task
agree (named joints and bodies at every compared time, up to the horizon of a chaotic task); tasks differ from
each other; wrong variants of a task's first reference are detected and equal rewrites pass."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from twinbench.tasks.schema import Task
from twinbench.twins.physics.suite_check import (
    Job,
    check_times,
    differences,
    run_jobs,
    simulated_duration,
    state_at,
    trajectory_differences,
)

Variants = Mapping[str, Callable[[str], str | None]]
DISTINCT_KEYS = ("joints", "orientations", "bodies", "sensors", "params")
PARAM_RTOL = 1e-6
SAME = 1e-9  # a wrong variant this close to the reference everywhere is a no-op
WORKERS = 2  # worker subprocesses (the machine has two cores)


def compared_times(task: Task, horizons: Mapping[str, float]) -> list[float]:
    duration = simulated_duration(task.references[0])
    if duration is None:
        raise ValueError(f"{task.id}: the first reference has no `while data.time < T:` loop")
    return check_times(duration, horizons.get(task.id))


@dataclass
class ReferenceCheck:
    """What the references did: errors (task id -> messages), disagreements inside a task (task id -> the
    quantities on which a reference differs from the first) and pairs of tasks whose runs are the same."""

    runs: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)
    disagreements: dict[str, list[str]] = field(default_factory=dict)
    same_pairs: list[tuple[str, str]] = field(default_factory=list)
    pairs: int = 0


def _distinct(a: dict, b: dict) -> bool:
    if any(a[k].keys() != b[k].keys() for k in DISTINCT_KEYS):
        return True
    return bool(differences(a, b, atol=0, rtol=PARAM_RTOL, keys=("params",))
                or differences(a, b, atol=1e-3, keys=("joints", "orientations", "bodies", "sensors")))


def check_references(tasks: Sequence[Task], horizons: Mapping[str, float]) -> ReferenceCheck:
    """Run every reference (in WORKERS subprocesses) and compare them within each task and across tasks."""
    plan = [(task, compared_times(task, horizons)) for task in tasks]
    jobs = [Job(ref, times) for task, times in plan for ref in task.references]
    results = iter(run_jobs(jobs, workers=WORKERS))
    report = ReferenceCheck(runs=len(jobs))
    last: dict[str, dict] = {}
    for task, times in plan:
        runs = [next(results) for _ in task.references]
        errors = [f"reference {i}: {r['error']}" for i, r in enumerate(runs) if r["error"]]
        if errors:
            report.errors[task.id] = errors
            continue
        for i, run in enumerate(runs[1:], start=1):
            diff = trajectory_differences(runs[0], run, times)
            if diff:
                report.disagreements.setdefault(task.id, []).extend(f"reference {i}: {d}" for d in diff[:5])
        last[task.id] = state_at(runs[0], times[-1])
    for (ta, a), (tb, b) in itertools.combinations(last.items(), 2):
        report.pairs += 1
        if not _distinct(a, b):
            report.same_pairs.append((ta, tb))
    return report


@dataclass(frozen=True)
class VariantResult:
    """One variant of a task's first reference. Wrong kinds: 'detected' (its trajectory differs), 'by-params'
    (trajectory within tolerance, model parameters differ), 'crashed' (the program fails), 'missed', 'noop'
    (the same run as the reference). Equal rewrites: 'passed' or 'failed'. Either: 'n/a' (does not apply)."""

    task_id: str
    kind: str
    status: str
    deviation: float | None = None


@dataclass
class VariantReport:
    results: list[VariantResult] = field(default_factory=list)

    def counts(self, kind: str) -> Counter[str]:
        return Counter(r.status for r in self.results if r.kind == kind)

    def rate(self, kinds: Sequence[str], good: Sequence[str], bad: Sequence[str]) -> float:
        c = Counter(r.status for r in self.results if r.kind in kinds)
        hits, total = sum(c[g] for g in good), sum(c[s] for s in (*good, *bad))
        return hits / total if total else 1.0


def _deviation(a: dict, b: dict, times: Sequence[float]) -> float:
    worst = 0.0
    for t in times:
        sa, sb = state_at(a, t), state_at(b, t)
        if sa is None or sb is None:
            return float("inf")
        for key in ("joints", "bodies"):
            if sa[key].keys() != sb[key].keys():
                return float("inf")
            for name, va in sa[key].items():
                vb = sb[key][name]
                if len(va) != len(vb):
                    return float("inf")
                worst = max(worst, float(np.max(np.abs(np.subtract(va, vb)))))
    return worst


def _classify(wrong: bool, ref: dict, run: dict, times: Sequence[float]) -> tuple[str, float | None]:
    if run["error"]:
        return ("crashed" if wrong else "failed"), None
    deviation = _deviation(ref, run, times)
    state = bool(trajectory_differences(ref, run, times))
    params = bool(differences(ref["final"], run["final"], atol=0, rtol=PARAM_RTOL, keys=("params",)))
    if not wrong:
        return ("failed" if state or params else "passed"), deviation
    if state:
        return "detected", deviation
    if params:
        return "by-params", deviation
    return ("noop" if deviation <= SAME else "missed"), deviation


def check_variants(tasks: Sequence[Task], horizons: Mapping[str, float], wrong: Variants,
                   equivalent: Variants) -> VariantReport:
    """Make every variant of each task's first reference, run them with the reference (WORKERS subprocesses) and
    classify them by comparing trajectories and model parameters with the reference's."""
    report = VariantReport()
    jobs: list[Job] = []
    pending: list[tuple[Task, str, list[float]]] = []
    for task in tasks:
        times = compared_times(task, horizons)
        jobs.append(Job(task.references[0], times))
        pending.append((task, "", times))
        for kind, make in {**wrong, **equivalent}.items():
            source = make(task.references[0])
            if source is None:
                report.results.append(VariantResult(task.id, kind, "n/a"))
            else:
                jobs.append(Job(source, times))
                pending.append((task, kind, times))
    reference: dict = {}
    for (task, kind, times), run in zip(pending, run_jobs(jobs, timeout=3600, workers=WORKERS), strict=True):
        if not kind:
            reference = run
            continue
        status, deviation = _classify(kind in wrong, reference, run, times)
        report.results.append(VariantResult(task.id, kind, status, deviation))
    return report

