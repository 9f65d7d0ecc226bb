"""Execution and scoring of cells on a dask.distributed cluster (`twinbench run --cluster ADDRESS`).

The coordinator (the `twinbench run` process) generates every answer, as it does without a cluster, and hands each
generated cell to the cluster, where a worker runs `finish_generated` with a sandbox of its own
(`twinbench.runner.cluster_worker`). The reference traces are computed once, by the coordinator, and shipped: each
worker receives a task's traces once and keeps them (from the scheduler again if the worker holding them is lost).
Every result comes back to the coordinator, which alone writes the store. A worker lost mid-run costs only the cells
it held: the scheduler runs them again on another worker, and the coordinator stores each cell once, when its result
arrives.
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twinbench.errors import InputError

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

    from twinbench.models import CallRecord
    from twinbench.runner.cell import Blobs
    from twinbench.runner.pool import Pool
    from twinbench.sandbox import Limits
    from twinbench.store import CellResult
    from twinbench.tasks import Task
    from twinbench.trace.model import Trace

LOCAL = "local:"
OPTION = "--cluster"
INSTALL = "pip install 'twinbench[cluster]'"
CONNECT_TIMEOUT = 10.0  # seconds for a scheduler to answer (dask: 30 s, long to learn of a typo); in `run --help`
CLOSE_TIMEOUT = 30.0  # seconds for a worker of `local:N` to exit by itself at the end of a run before it is killed
SCHEMES = ("tcp", "tls", "ws", "wss")  # the schemes of a scheduler a run can reach with dask alone
ADDRESS = re.compile(r"(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]@]+)"
                     r":(?P<port>[0-9]{1,5})")


class ClusterError(Exception):
    """The cluster could not finish a cell (its scheduler was lost, or the cell's task ended worker after
    worker); the run stopped, every cell stored so far is kept."""


def local_workers(address: str) -> int | None:
    """N for `local:N` (a LocalCluster of N worker processes started for the run), None for a scheduler address;
    InputError for an empty address or a `local:` without a whole number of at least 1."""
    if not address.strip():
        raise InputError(OPTION, "empty address: give a scheduler address (tcp://HOST:8786) or local:N")
    if not address.startswith(LOCAL):
        return None
    n = address.removeprefix(LOCAL)
    if not re.fullmatch(r"[0-9]{1,4}", n) or int(n) < 1:
        raise InputError(OPTION, f"{address!r}: local:N takes a number of worker processes from 1 to 9999")
    return int(n)


def check_scheduler_address(address: str) -> None:
    """InputError unless `address` is [SCHEME://]HOST:PORT with a port from 1 to 65535 and a scheme of SCHEMES (tcp
    when none is given); nothing is contacted."""
    form = ADDRESS.fullmatch(address)
    if form is None or not 1 <= int(form["port"]) <= 65535:
        raise InputError(OPTION, f"{address!r}: not a scheduler address: give [tcp://]HOST:PORT (port 1 to 65535) "
                                 "or local:N")
    if (form["scheme"] or "tcp") not in SCHEMES:
        raise InputError(OPTION, f"{address!r}: unknown scheme {form['scheme']}://: give tcp://HOST:PORT (or "
                                 f"{', '.join(SCHEMES[1:])}) or local:N")


def parse_cluster(address: str) -> int | None:
    """N for `local:N`, None for a well-formed scheduler address; InputError for any other address, or when
    dask.distributed is not installed."""
    n = local_workers(address)
    check_installed()
    if n is None:
        check_scheduler_address(address)
    return n


def check_installed() -> None:
    """InputError unless dask.distributed can be imported (the `cluster` extra)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError(OPTION, f"needs dask.distributed, which is not installed: {INSTALL}") from None


@asynccontextmanager
async def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> AsyncIterator[Client]:
    """An asynchronous client of the cluster at `address`, whose scheduler must answer within `timeout` seconds;
    `local:N` starts a LocalCluster of N worker processes (`local_cluster`) for as long as the client is open."""
    n = parse_cluster(address)
    from distributed import Client

    async with AsyncExitStack() as stack:
        target: Any = address
        if n is not None:
            target = await stack.enter_async_context(local_cluster(n))
        try:
            client = await stack.enter_async_context(Client(target, asynchronous=True, timeout=timeout))
        except (OSError, TimeoutError):
            raise InputError(OPTION, f"no scheduler answers at {address} within {timeout:g} s (is it running? "
                                     "--cluster-timeout SECONDS waits longer)") from None
        yield client


@asynccontextmanager
async def local_cluster(n: int) -> AsyncIterator[LocalCluster]:
    """A LocalCluster of `n` worker processes of one thread each, ignoring Ctrl-C (`cluster_worker.dask_setup`),
    its scheduler's HTTP server (no dashboard) on a free port. At the end of a run its workers get CLOSE_TIMEOUT
    seconds to exit by themselves (dask kills a worker still alive after 4 s, with a warning: a busy machine takes
    longer to end a worker's scoring processes); a run that fails or is interrupted leaves them to dask."""
    from distributed import LocalCluster

    async with AsyncExitStack() as stack:
        with ctrl_c_held():
            cluster = await stack.enter_async_context(LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, asynchronous=True, dashboard_address=":0",
                scheduler_kwargs={"dashboard": False}, preload=["twinbench.runner.cluster_worker"]))
        yield cluster
        await asyncio.gather(*(worker.close(timeout=CLOSE_TIMEOUT) for worker in cluster.workers.values()))


@contextmanager
def ctrl_c_held() -> Iterator[None]:
    """A Ctrl-C (SIGINT) that arrives in the block takes effect at its end: dask is never interrupted halfway
    through starting its scheduler and workers (which it would report with tracebacks)."""
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)


@dataclass
class ClusterExecution:
    """Cells executed and scored on the cluster's workers; `references` holds each task's shipped traces. Two
    cells per worker thread (`threads`, counted at the start) are kept in flight: one running, one ready."""

    client: Client
    references: Mapping[str, Any]  # task id -> the future of its reference traces, kept on the cluster
    twin: str
    limits: Limits | None
    threads: int

    @property
    def in_flight(self) -> int:
        return 2 * self.threads

    @classmethod
    async def start(cls, client: Client, references: Mapping[str, list[Trace]], twin: str,
                    limits: Limits | None = None) -> ClusterExecution:
        """Give the workers their sandboxes and ship the reference traces."""
        from twinbench.runner.cluster_worker import WorkerSandboxes, kept

        await client.register_plugin(WorkerSandboxes())
        shipped = {task_id: client.submit(kept, traces, pure=False) for task_id, traces in references.items()}
        threads = sum((await client.nthreads()).values())
        return cls(client, shipped, twin, limits, max(threads, 1))

    async def finish(self, pool: Pool, record: CallRecord, task: Task) -> tuple[CellResult, Blobs]:
        from twinbench.runner.cluster_worker import finish_on_worker

        future = self.client.submit(finish_on_worker, record, task, self.references[task.id], self.twin, self.limits,
                                    pure=False)
        try:
            return await future
        except Exception as exc:  # finish_on_worker never raises: this is the cluster's failure
            raise ClusterError(f"{OPTION}: cell of task {task.id} not finished: {type(exc).__name__}: {exc}") from exc
