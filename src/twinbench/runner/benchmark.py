"""`twinbench run`: every (model, task, sample) cell of a suite, generated, executed, scored and stored.

Cells go through the one worker pool (`runner.pool`): generation is asynchronous (each endpoint keeps its own
concurrency cap); execution and scoring run one cell at a time in the pool's thread with one pre-warmed sandbox, so
the CPU-bound part never oversubscribes a small machine. Each cell is written to the store the moment it finishes;
running the same command again resumes with the cells still missing.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from twinbench.cache import cache_root
from twinbench.models import ModelSpec, Provider, ResponseCache, generate
from twinbench.report.leaderboard import cell_outcome
from twinbench.runner.cell import finish_generated
from twinbench.runner.pool import Pool
from twinbench.runner.prompting import messages_for, prompt_sha
from twinbench.sandbox import Limits, Sandbox
from twinbench.store import Cell, CellResult, Store, blob_sha
from twinbench.tasks import ReferenceRunner, Suite, Task, twin_fingerprint
from twinbench.trace.model import Trace
from twinbench.twins import get_twin

BENCHMARK = "benchmark"


def cache_dir() -> Path:
    """Where reference traces are cached (per twin version): $TWINBENCH_CACHE or ~/.cache/twinbench."""
    return cache_root() / "references"


def select_tasks(suite: Suite, patterns: Sequence[str] | None) -> list[Task]:
    """Tasks whose id or category matches any glob pattern (all when none is given)."""
    if not patterns:
        return list(suite.tasks)
    return [t for t in suite.tasks if any(fnmatch(t.id, p) or fnmatch(t.category, p) for p in patterns)]


def tasks_blob(suite: Suite, tasks: list[Task]) -> bytes:
    """The suite's metadata and the full content of the chosen tasks, as stored beside the run."""
    content = {"suite": suite.meta.model_dump(mode="json"), "tasks": [t.model_dump(mode="json") for t in tasks]}
    return json.dumps(content, sort_keys=True).encode()


def stored_tasks(store: Store, config: Mapping) -> dict[str, Task]:
    """The tasks a benchmark run was made of, read back from the store (empty for other runs)."""
    if "tasks_sha" not in config:
        return {}
    content = json.loads(store.get_blob(config["tasks_sha"]))
    return {t["id"]: Task.model_validate(t) for t in content["tasks"]}


def run_config(suite: Suite, tasks: list[Task], specs: Sequence[ModelSpec], samples: int, system: str,
               limits: Limits | None = None) -> dict:
    """What identifies a run: a changed task, suite file, prompt, twin, model setting or limit is a different run."""
    config = {
        "kind": BENCHMARK, "suite": suite.name, "suite_version": suite.version, "samples": samples,
        "tasks": {t.id: {"category": t.category, "difficulty": t.difficulty} for t in tasks},
        "tasks_sha": blob_sha(tasks_blob(suite, tasks)),
        "prompt_version": get_twin(suite.twin).prompt_version, "system_prompt_sha": prompt_sha(system),
        "twin": suite.twin, "twin_version": twin_fingerprint(suite.twin),
        "models": {s.name: s.model_dump(mode="json", exclude={"api_key_env"}) for s in specs},
    }
    if limits is not None and limits.overrides():  # default limits leave the key out: earlier run ids stay valid
        config["limits"] = limits.overrides()
    return config


def default_run_id(config: dict) -> str:
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:10]
    return f"{config['suite']}-{digest}"


@dataclass
class Tally:
    """Running totals for the progress display, counted as the leaderboard counts outcomes."""

    done: int = 0
    passed: int = 0
    spend: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)

    def add(self, result: CellResult) -> None:
        self.done += 1
        self.passed += int(any(s.scorer == "pass" and s.value for s in result.scores))
        self.outcomes[cell_outcome(result.status, result.execution.status if result.execution else None)] += 1
        if result.response is not None and result.response.cost_usd:
            self.spend += result.response.cost_usd

    def line(self) -> str:
        others = "  ".join(f"{name} {n}" for name, n in sorted(self.outcomes.items()) if name != "ok")
        return f"pass {self.passed / max(self.done, 1):.0%}  {others}  spend ${self.spend:.4f}"


async def run_cells(pool: Pool, tasks: list[Task], providers: Mapping[str, Provider],
                    references: dict[str, list[Trace]], system: str, sandbox: Sandbox,
                    limits: Limits | None = None, cache: ResponseCache | None = None) -> int:
    """Generate, execute, score and store every pending cell of the pool's run; returns how many were stored."""
    by_id = {t.id: t for t in tasks}

    async def compute(cell: Cell):
        task = by_id[cell.task]
        record = await generate(providers[cell.model], messages_for(task, system), cell.key, cache=cache)
        result, blobs = await pool.in_thread(finish_generated, record, task, references[task.id], sandbox, limits)
        return result, blobs.values()

    workers = max((p.spec.concurrency for p in providers.values()), default=1)
    return await pool.each_pending(compute, workers)


def reference_traces(tasks: list[Task], twin: str, cached: bool = True) -> dict[str, list[Trace]]:
    """Every task's reference traces, computed once per twin version (disk cache) and reused."""
    with ReferenceRunner(twin, cache_dir() if cached else None) as runner:
        runs = runner.reference_runs(tasks)
    return {task_id: [r.trace for r in task_runs] for task_id, task_runs in runs.items()}
