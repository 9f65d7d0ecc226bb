"""Reference traces of a suite's tasks: run once in the twin, cached on disk by twin fingerprint + code hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import twinbench
from twinbench.sandbox import Limits, Outcome, RunResult, Sandboxes
from twinbench.tasks.schema import Task
from twinbench.trace.io import events_from_obj, trace_to_obj
from twinbench.trace.model import Trace
from twinbench.twins import DEFAULT_TWIN, get_twin
from twinbench.twins.base import code_hash, package_dir


@cache
def twin_fingerprint(twin: str = DEFAULT_TWIN) -> str:
    """A hash of the code that decides a trace: the twin's own (`Twin.fingerprint`), the sandbox and the
    twin toolkit every twin shares (`twins/*.py`), and the package version. Another twin's code is not in
    it: editing one twin keeps the reference traces of the others."""
    digest = hashlib.sha256(f"{twinbench.__version__}:{twin}:{get_twin(twin).fingerprint()}".encode())
    code_hash(package_dir("twinbench.sandbox"), digest)
    for path in sorted(package_dir("twinbench.twins").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def program_key(twin: str, program: str, state: dict[str, Any], protocol: str | None = None) -> str:
    """Cache key of one program run from one initial state (through one of the twin's `networks`, if given)."""
    parts = [twin_fingerprint(twin), program, state, *([protocol] if protocol else [])]
    payload = json.dumps(parts, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class ReferenceRun:
    """What one reference did: its outcome, trace and number of refused commands."""

    outcome: str
    trace: Trace
    safety_events: int
    error: str | None = None

    def ends_as(self, expected: str) -> bool:
        """Whether the run ended as expected; a run expected to end `ok` must also have had nothing refused."""
        return self.outcome == expected and (self.safety_events == 0 or expected != Outcome.OK)


Job = tuple[str, dict[str, Any], Limits | None, str | None]  # source, initial state, limits, Task.protocol


class ReferenceRunner:
    """Runs programs in one reused `Sandbox` (on two cores a second one in parallel gains nothing: each run
    is CPU-bound on both sides). Each reference runs at most once per runner; with `cache_dir`, its run is
    also stored as JSON, keyed by twin fingerprint + program + initial state, and read back next time."""

    def __init__(self, twin: str = DEFAULT_TWIN, cache_dir: Path | None = None):
        self.twin = twin
        self.cache_dir = cache_dir
        self._sandboxes = Sandboxes(twin)
        self._memo: dict[str, ReferenceRun] = {}
        self.runs = 0

    def __enter__(self) -> ReferenceRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._sandboxes.close()

    def run_programs(self, jobs: list[Job]) -> list[RunResult]:
        """Run every (source, initial state, limits, protocol) job; results in order."""
        results = [self._sandboxes.get(protocol).run(src, task_state=state, limits=limits)
                   for src, state, limits, protocol in jobs]
        self.runs += len(results)
        return results

    def reference_runs(self, tasks: list[Task]) -> dict[str, list[ReferenceRun]]:
        """Every reference of every task (task id -> runs in reference order), from the cache when present."""
        out: dict[str, list[ReferenceRun | None]] = {t.id: [None] * len(t.references) for t in tasks}
        missing: list[tuple[str, int, str]] = []
        jobs: list[Job] = []
        for task in tasks:
            for i, program in enumerate(task.references):
                key = program_key(self.twin, program, task.initial_state, task.protocol)
                out[task.id][i] = self._memo.get(key) or self._load(key)
                if out[task.id][i] is None:
                    missing.append((task.id, i, key))
                    jobs.append((program, task.initial_state, None, task.protocol))
        for (task_id, i, key), result in zip(missing, self.run_programs(jobs), strict=True):
            error = f"{result.error.type}: {result.error.message}" if result.error else (result.detail or None)
            out[task_id][i] = self._store(key, ReferenceRun(str(result.outcome), result.trace, len(result.safety),
                                                            error))
        return {k: [r for r in v if r is not None] for k, v in out.items()}

    def _load(self, key: str) -> ReferenceRun | None:
        path = self.cache_dir / f"{key}.json" if self.cache_dir else None
        if path is None or not path.is_file():
            return None
        obj = json.loads(path.read_text(encoding="utf-8"))
        run = ReferenceRun(obj["outcome"], events_from_obj(obj["trace"], str(path)), obj["safety_events"], obj["error"])
        self._memo[key] = run
        return run

    def _store(self, key: str, run: ReferenceRun) -> ReferenceRun:
        """Keep the run for this runner; on disk only what the reference itself did (a harness failure is this
        run's accident, so the next runner tries the reference again)."""
        self._memo[key] = run
        if self.cache_dir is not None and run.outcome != Outcome.HARNESS_ERROR:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            obj = {"outcome": run.outcome, "trace": trace_to_obj(run.trace), "safety_events": run.safety_events,
                   "error": run.error}
            (self.cache_dir / f"{key}.json").write_text(json.dumps(obj), encoding="utf-8")
        return run

    def reference_traces(self, task: Task) -> list[Trace]:
        """The traces of every reference of `task` (what a prediction is scored against)."""
        return [r.trace for r in self.reference_runs([task])[task.id]]
