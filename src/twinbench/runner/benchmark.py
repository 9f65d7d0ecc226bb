"""`twinbench run`: every (model, task, sample) cell of a suite, generated, executed, scored and stored.

Generation is asynchronous (each endpoint keeps its own concurrency cap); execution and scoring run one
cell at a time in a worker thread with one pre-warmed sandbox, so the CPU-bound part never oversubscribes
a small machine. Each cell is written to the store the moment it finishes; running the same command again
resumes with the cells still missing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from twinbench.cache import cache_root
from twinbench.models import CallRecord, ModelSpec, ResponseCache, generate, make_provider
from twinbench.runner.cell import finish_generated
from twinbench.runner.prompting import PROMPT_VERSION, messages_for, prompt_sha
from twinbench.sandbox import Limits, Sandbox
from twinbench.store import Cell, CellResult, Store
from twinbench.tasks import ReferenceRunner, Suite, Task, twin_fingerprint
from twinbench.trace.model import Trace


def cache_dir() -> Path:
    """Where reference traces are cached (per twin version): $TWINBENCH_CACHE or ~/.cache/twinbench."""
    return cache_root() / "references"


def select_tasks(suite: Suite, patterns: Sequence[str] | None) -> list[Task]:
    """Tasks whose id or category matches any glob pattern (all when none is given)."""
    if not patterns:
        return list(suite.tasks)
    return [t for t in suite.tasks if any(fnmatch(t.id, p) or fnmatch(t.category, p) for p in patterns)]


def run_config(suite: Suite, tasks: list[Task], specs: Sequence[ModelSpec], samples: int, system: str) -> dict:
    """What identifies a run: a changed suite, prompt, twin or model setting is a different run."""
    return {
        "suite": suite.name, "suite_version": suite.version, "samples": samples,
        "tasks": {t.id: {"category": t.category, "difficulty": t.difficulty} for t in tasks},
        "prompt_version": PROMPT_VERSION, "system_prompt_sha": prompt_sha(system),
        "twin": suite.meta.twin, "twin_version": twin_fingerprint(suite.meta.twin),
        "models": {s.name: s.model_dump(mode="json", exclude={"api_key_env"}) for s in specs},
    }


def default_run_id(config: dict) -> str:
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:10]
    return f"{config['suite']}-{digest}"


@dataclass
class Tally:
    """Running totals for the progress display."""

    done: int = 0
    passed: int = 0
    errors: int = 0
    spend: float = 0.0

    def add(self, result: CellResult) -> None:
        self.done += 1
        scores = {s.scorer: s.value for s in result.scores}
        self.passed += int(bool(scores.get("pass")))
        status = result.execution.status if result.execution else "generation_failed"
        self.errors += int(result.status == "failed" or status not in ("ok", "safety"))
        if result.response is not None and result.response.cost_usd:
            self.spend += result.response.cost_usd


async def run_cells(store: Store, run_id: str, tasks: list[Task], specs: Sequence[ModelSpec],
                    references: dict[str, list[Trace]], system: str, sandbox: Sandbox,
                    on_cell: Callable[[Cell, CellResult], None], limits: Limits | None = None,
                    cache: ResponseCache | None = None) -> int:
    """Generate, execute, score and store every pending cell of `run_id`; returns how many were done."""
    by_id = {t.id: t for t in tasks}
    providers = {s.name: make_provider(s) for s in specs}
    pending = store.pending_cells(run_id)
    queue: asyncio.Queue[tuple[Cell, CallRecord] | None] = asyncio.Queue(maxsize=64)
    loop = asyncio.get_running_loop()
    feed = iter(pending)

    async def generator() -> None:
        for cell in feed:
            task = by_id[cell.task]
            record = await generate(providers[cell.model], messages_for(task, system), cell.key, cache=cache)
            await queue.put((cell, record))

    async def executor() -> None:
        while (item := await queue.get()) is not None:
            cell, record = item
            task = by_id[cell.task]
            result, blobs = await loop.run_in_executor(
                None, finish_generated, record, task, references[task.id], sandbox, limits)
            for data in blobs.values():
                store.put_blob(data)
            store.finish_cell(run_id, cell, result)
            on_cell(cell, result)

    workers = max(s.concurrency for s in specs) if specs else 1
    consumer = asyncio.create_task(executor())
    try:
        await asyncio.gather(*(generator() for _ in range(workers)))
        await queue.put(None)
        await consumer
    finally:
        consumer.cancel()
        for provider in providers.values():
            await provider.aclose()
    return len(pending)


def reference_traces(tasks: list[Task], twin: str, cached: bool = True) -> dict[str, list[Trace]]:
    """Every task's reference traces, computed once per twin version (disk cache) and reused."""
    with ReferenceRunner(twin, cache_dir() if cached else None) as runner:
        runs = runner.reference_runs(tasks)
    return {task_id: [r.trace for r in task_runs] for task_id, task_runs in runs.items()}
