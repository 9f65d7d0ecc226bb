"""`twinbench run`: every (model, task, sample) cell of a suite, generated, executed, scored and stored.

Cells go through the one worker pool (`runner.pool`): generation is asynchronous (each endpoint keeps its own
concurrency cap); execution and scoring (`runner.execution`) run one cell at a time in the pool's thread with one
pre-warmed sandbox, so the CPU-bound part never oversubscribes a small machine, or on the workers of a
dask.distributed cluster (`runner.cluster`). Each cell is written to the store, by this process alone, the moment it
finishes; running the same command again resumes with the cells still missing.

A later turn of a multi-turn exercise (a task that `follows` another) is prompted with the program of the turn
before: in `expert` chain mode the first reference of the task it follows, in `own` mode the model's own program of
that turn and sample (the cells of one chain then run in turn order; a turn that produced no code leaves the next
turn with its instruction alone).
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
from twinbench.runner.chains import (
    ChainMode,
    Chains,
    cell_program,
    chains_of,
    check_chains,
    expert_programs,
    multi_turn,
    stored_programs,
)
from twinbench.runner.execution import Execution
from twinbench.runner.pool import Pool
from twinbench.runner.prompting import INPUT_SCORER, TURN_TEMPLATE, messages_for, prompt_sha
from twinbench.sandbox import Limits
from twinbench.store import Cell, CellResult, ExecutionRecord, ScoreRecord, Store, blob_sha
from twinbench.store.records import BENCHMARK
from twinbench.tasks import ReferenceRunner, Suite, Task, twin_fingerprint
from twinbench.trace.model import Trace
from twinbench.twins import get_twin


def cache_dir() -> Path:
    """Where reference traces are cached (per twin version): $TWINBENCH_CACHE or ~/.cache/twinbench."""
    return cache_root() / "references"


def select_tasks(suite: Suite, patterns: Sequence[str] | None) -> list[Task]:
    """Tasks whose id or category matches any glob pattern (all when none is given)."""
    if not patterns:
        return list(suite.tasks)
    return [t for t in suite.tasks if any(fnmatch(t.id, p) or fnmatch(t.category, p) for p in patterns)]


def tasks_blob(suite: Suite, tasks: list[Task]) -> bytes:
    """The suite's metadata and the full content of the chosen tasks, as stored beside the run; for a multi-turn
    run also the expert's program each later turn can start from (the task it follows may be left out)."""
    content = {"suite": suite.meta.model_dump(mode="json"), "tasks": [t.model_dump(mode="json") for t in tasks]}
    if multi_turn(tasks):
        content["previous"] = expert_programs(suite, tasks)
    return json.dumps(content, sort_keys=True).encode()


def run_manifest(models: Sequence[str], tasks: Sequence[Task], samples: int) -> list[Cell]:
    """Every cell of a run; the cells of a multi-turn run carry their task's turn (a single-turn run's, turn 0)."""
    chained = multi_turn(tasks)
    return [Cell(model=m, task=t.id, turn=t.turn if chained else 0, sample=i)
            for m in models for t in tasks for i in range(samples)]


def stored_tasks(store: Store, config: Mapping) -> dict[str, Task]:
    """The tasks a benchmark run was made of, read back from the store (empty for other runs)."""
    if "tasks_sha" not in config:
        return {}
    content = json.loads(store.get_blob(config["tasks_sha"]))
    return {t["id"]: Task.model_validate(t) for t in content["tasks"]}


def run_config(suite: Suite, tasks: list[Task], specs: Sequence[ModelSpec], samples: int, system: str,
               limits: Limits | None = None, chain: ChainMode = "expert") -> dict:
    """What identifies a run: a changed task, suite file, prompt, twin, model setting, limit or (for a multi-turn
    run) chain mode is a different run."""
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
    if multi_turn(tasks):  # single-turn runs leave these keys out: their earlier ids stay valid
        config |= {"chain": chain, "turn_prompt_sha": prompt_sha(TURN_TEMPLATE)}
        for t in tasks:
            if t.follows is not None:
                config["tasks"][t.id] |= {"turn": t.turn, "follows": t.follows}
    return config


@dataclass(frozen=True)
class RunPlan:
    """A run before it starts: its identity, its cells and, for a multi-turn run, how its turns are chained."""

    config: dict
    cells: list[Cell]
    chains: Chains | None


def plan_run(suite: Suite, tasks: list[Task], specs: Sequence[ModelSpec], samples: int, system: str,
             limits: Limits | None = None, chain: ChainMode = "expert") -> RunPlan:
    """The config, manifest and chaining of a run of `tasks`; InputError when `own` chains miss a turn."""
    check_chains(tasks, chain)
    chains = Chains(chain, expert_programs(suite, tasks)) if multi_turn(tasks) else None
    return RunPlan(run_config(suite, tasks, specs, samples, system, limits, chain),
                   run_manifest([s.name for s in specs], tasks, samples), chains)


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


async def run_cells(pool: Pool, tasks: list[Task], providers: Mapping[str, Provider], system: str,
                    execution: Execution, cache: ResponseCache | None = None, chains: Chains | None = None) -> int:
    """Generate every pending cell of the pool's run, have `execution` execute and score it, and store it; returns
    how many were stored. A
    later turn is asked with the program of the turn before (`chains`); what it was asked with is stored beside
    it (score record `turn_input`: chain mode, where the program came from, the user message's blob)."""
    by_id = {t.id: t for t in tasks}
    own = chains is not None and chains.mode == "own"
    programs = stored_programs(pool.store, pool.run_id) if own else {}

    def previous(cell: Cell) -> tuple[str | None, str | None]:
        """The program the cell's turn starts from, and where it came from (None, None: a first turn)."""
        task = by_id[cell.task]
        if chains is None or task.follows is None:
            return None, None
        if not own:
            return chains.expert[task.id], "expert"
        program = programs[(cell.model, task.follows, cell.sample)]
        return program, "own" if program is not None else "none"

    async def compute(cell: Cell):
        task = by_id[cell.task]
        program, source = previous(cell)
        messages = messages_for(task, system, program)
        record = await generate(providers[cell.model], messages, cell.key, cache=cache)
        result, blobs = await execution.finish(pool, record, task)
        if source is not None:
            detail = {"chain": chains.mode, "previous": source, "message_sha": blobs.add(messages[-1].content.encode())}
            result.scores.append(ScoreRecord(scorer=INPUT_SCORER, value=None, detail=detail))
        if own:
            ran = result.execution or ExecutionRecord(status="none")
            programs[(cell.model, task.id, cell.sample)] = cell_program(ran.code_sha, ran.extraction, blobs.get)
        return result, blobs.values()

    workers = max(max((p.spec.concurrency for p in providers.values()), default=1), execution.in_flight)
    return await pool.each_pending(compute, workers, (lambda cells: chains_of(cells, by_id)) if own else None)


def reference_traces(tasks: list[Task], twin: str, cached: bool = True) -> dict[str, list[Trace]]:
    """Every task's reference traces, computed once per twin version (disk cache) and reused."""
    with ReferenceRunner(twin, cache_dir() if cached else None) as runner:
        runs = runner.reference_runs(tasks)
    return {task_id: [r.trace for r in task_runs] for task_id, task_runs in runs.items()}
