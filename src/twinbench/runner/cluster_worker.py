"""What a dask.distributed worker runs for `twinbench run --cluster`: each generated cell's execution and scoring
(`finish_generated`), with a sandbox of the worker's own.

`WorkerSandboxes` is a worker plugin: on each worker one sandbox per worker thread and twin, started on a thread's first
cell and reused for the next, closed when the worker closes (a worker that is killed takes its sandboxes' processes
with it: each ends once the worker's end of its socket is gone). The workers of `--cluster local:N` also preload
this module (`dask_setup`).
"""

from __future__ import annotations

import signal
import threading

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from twinbench.models import CallRecord
from twinbench.runner.cell import Blobs, finish_generated
from twinbench.sandbox import Limits, Sandbox, Sandboxes
from twinbench.store import CellResult
from twinbench.tasks import Task
from twinbench.trace.model import Trace


class WorkerSandboxes(WorkerPlugin):
    """The sandboxes of one worker: a `sandbox.Sandboxes` per (thread, twin), each holding a sandbox per protocol."""

    name = "twinbench-sandboxes"
    idempotent = True  # a second run on the same cluster keeps the sandboxes the first one started

    def setup(self, worker: object) -> None:
        self._open: dict[tuple[int, str], Sandboxes] = {}
        self._lock = threading.Lock()

    def sandbox(self, twin: str, protocol: str | None = None) -> Sandbox:
        """This thread's sandbox for `twin` (reached through `protocol`, one of its `networks`), started on first
        use."""
        key = (threading.get_ident(), twin)
        with self._lock:
            if key not in self._open:
                self._open[key] = Sandboxes(twin)
            mine = self._open[key]
        return mine.get(protocol)  # only this thread uses its own

    def teardown(self, worker: object) -> None:
        with self._lock:
            for sandboxes in self._open.values():
                sandboxes.close()
            self._open.clear()


def kept(references: list[Trace]) -> list[Trace]:
    """A task's reference traces as a task of their own: they travel inside it, so when the worker holding them
    is lost the scheduler gives them to another worker (scattered data would be lost with it)."""
    return references


def finish_on_worker(record: CallRecord, task: Task, references: list[Trace], twin: str,
                     limits: Limits | None) -> tuple[CellResult, Blobs]:
    """`finish_generated` in this worker's sandbox for `twin` (never raises, as `finish_generated`)."""
    sandboxes: WorkerSandboxes = get_worker().plugins[WorkerSandboxes.name]
    return finish_generated(record, task, references, sandboxes.sandbox(twin, task.protocol), limits)


def dask_setup(worker: object) -> None:
    """For the workers of `local:N` (a preload): ignore SIGINT. Ctrl-C in a terminal reaches the whole process
    group, workers included; the coordinator alone stops the run and then closes its cluster."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
