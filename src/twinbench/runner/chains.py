"""Multi-turn exercises: a later turn (a task that `follows` another) starts from the program of the turn before,
the expert's (`expert` mode: the first reference of the task it follows) or the model's own (`own` mode: its
program of that turn, same sample; None when that turn produced no code)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from twinbench.errors import InputError
from twinbench.store import Cell, Store

if TYPE_CHECKING:
    from twinbench.tasks import Suite, Task

ChainMode = Literal["expert", "own"]
ChainKey = tuple[str, str, int]  # model, task, sample


def multi_turn(tasks: Sequence[Task]) -> bool:
    """Whether a run holds a later turn of a multi-turn exercise."""
    return any(t.follows is not None for t in tasks)


def expert_programs(suite: Suite, tasks: Sequence[Task]) -> dict[str, str]:
    """For each later turn: the expert's program of the turn before (the first reference of the task it follows)."""
    return {t.id: suite.task(t.follows).references[0] for t in tasks if t.follows is not None}


def check_chains(tasks: Sequence[Task], chain: ChainMode) -> None:
    """In `own` mode each later turn starts from the model's program of the turn before: its task must be run too."""
    if chain != "own":
        return
    chosen = {t.id for t in tasks}
    missing = next((t for t in tasks if t.follows is not None and t.follows not in chosen), None)
    if missing is not None:
        raise InputError("--chain own", f"task {missing.id} follows {missing.follows}, which --tasks leaves out "
                         "(the turn starts from the model's own program of that task)")


@dataclass(frozen=True)
class Chains:
    """Where a later turn's program comes from: `mode`, and per later-turn task the expert's program of the turn
    before (`expert_programs`)."""

    mode: ChainMode
    expert: Mapping[str, str]


def task_turns(config: Mapping) -> dict[str, tuple[int, str | None]] | None:
    """A stored multi-turn run's task id -> (turn, the task it follows); None for a single-turn run."""
    if "chain" not in config:
        return None
    return {task_id: (t.get("turn", 1), t.get("follows")) for task_id, t in config["tasks"].items()}


def cell_program(code_sha: str | None, extraction: str | None, read: Callable[[str], bytes | None]) -> str | None:
    """The program a cell ran (read from its code blob); None when its answer held no code or generation failed."""
    data = None if code_sha is None or extraction == "none" else read(code_sha)
    return None if data is None else data.decode()


def stored_programs(store: Store, run_id: str) -> dict[ChainKey, str | None]:
    """The program of every finished cell of a run, for the next turn of its chain in `own` mode."""
    return {(r["model"], r["task"], r["sample"]): cell_program(r["code_sha"], r["extraction"], store.get_blob)
            for r in store.result_rows(run_id) if r["status"] != "pending"}


def chains_of(cells: list[Cell], tasks: Mapping[str, Task]) -> list[list[Cell]]:
    """Cells grouped by chain (model, first turn's task, sample), each in turn order, in the order chains first
    appear."""

    def first(task_id: str) -> str:
        while (follows := tasks[task_id].follows) is not None and follows in tasks:
            task_id = follows
        return task_id

    groups: dict[ChainKey, list[Cell]] = {}
    for cell in cells:
        groups.setdefault((cell.model, first(cell.task), cell.sample), []).append(cell)
    return [sorted(group, key=lambda c: tasks[c.task].turn) for group in groups.values()]
