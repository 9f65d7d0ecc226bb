"""Where a judged answer's reference comes from: a folder of `<task>.py` files, the tasks a benchmark run keeps, or
the chain suite a run's config names (`suite_sha`: an imported SimBench release, a chain run, a calibration set)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from twinbench.errors import InputError
from twinbench.store import Store

ReferenceFor = Callable[[str, int], str | None]  # (task, turn) -> reference program


def reference_for(store: Store, run_id: str, folder: Path | None = None) -> ReferenceFor:
    """(task, turn) -> reference: `<task>.py` files of `folder`, else the run's stored tasks or chain suite."""
    if folder is not None:
        if not folder.is_dir():
            raise InputError(str(folder), "not a folder of <task>.py references")
        files = {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.py")}
        return lambda task, turn: files.get(task)
    from twinbench.judge.tasks import TaskSuite
    from twinbench.runner.benchmark import stored_tasks

    config = store.run(run_id).config
    if tasks := stored_tasks(store, config):  # a benchmark run keeps its tasks, references included
        return lambda task, turn: tasks[task].references[0] if task in tasks else None
    sha = config.get("suite_sha")
    if sha is None:
        return lambda task, turn: None
    suite = TaskSuite.from_store(store, sha)
    ids = {t.id for t in suite.tasks}
    return lambda task, turn: suite.task(task).turn(max(turn, 1)).reference if task in ids else None
