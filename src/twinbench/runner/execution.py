"""Where a generated cell is executed and scored: in this process (`LocalExecution`: the pool's one thread with one
pre-warmed sandbox) or on a dask.distributed cluster (`twinbench.runner.cluster.ClusterExecution`). Both run
`finish_generated`; either way the result comes back to the pool, which alone writes the store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from twinbench.runner.cell import Blobs, finish_generated

if TYPE_CHECKING:
    from twinbench.models import CallRecord
    from twinbench.runner.pool import Pool
    from twinbench.sandbox import Limits, Sandboxes
    from twinbench.store import CellResult
    from twinbench.tasks import Task
    from twinbench.trace.model import Trace


class Execution(Protocol):
    """Executes and scores generated cells."""

    @property
    def in_flight(self) -> int:
        """How many cells at once keep it busy."""

    async def finish(self, pool: Pool, record: CallRecord, task: Task) -> tuple[CellResult, Blobs]: ...


@dataclass
class LocalExecution:
    """One cell at a time in the pool's thread, with a pre-warmed sandbox (and one per protocol tasks use)."""

    references: Mapping[str, list[Trace]]
    sandboxes: Sandboxes
    limits: Limits | None = None
    in_flight: int = 1

    async def finish(self, pool: Pool, record: CallRecord, task: Task) -> tuple[CellResult, Blobs]:
        return await pool.in_thread(finish_generated, record, task, self.references[task.id],
                                    self.sandboxes.get(task.protocol), self.limits)


@asynccontextmanager
async def open_execution(twin: str, references: Mapping[str, list[Trace]], limits: Limits | None = None,
                         cluster: str | None = None, timeout: float | None = None) -> AsyncIterator[Execution]:
    """Execution in this process, or on the cluster at `cluster` (a scheduler address or `local:N`, its scheduler
    answering within `timeout` seconds: `runner.cluster.CONNECT_TIMEOUT` by default)."""
    if cluster is None:
        from twinbench.sandbox import Sandboxes

        with Sandboxes(twin) as sandboxes:
            sandboxes.get()  # its zygote boots while the first cells are generated
            yield LocalExecution(references, sandboxes, limits)
        return
    from twinbench.runner.cluster import CONNECT_TIMEOUT, ClusterExecution, connect

    async with connect(cluster, timeout or CONNECT_TIMEOUT) as client:
        yield await ClusterExecution.start(client, references, twin, limits)
