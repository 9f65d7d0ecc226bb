"""One worker pool over the pending cells of a run, shared by `twinbench run`, `judge run` and multi-turn chains.

Workers take work items (cells, or chains of cells) from one feed; each result is written to the store the moment it
is ready, on the event loop's thread. CPU-bound work goes through `in_thread`, one call at a time. A failing write
stops the pool with `WriterError`: the other workers are cancelled, nothing waits forever. SIGINT, SIGTERM and SIGHUP
stop it with `Interrupted`: no further result is written, so the cells in flight stay pending and are redone on
resume; the pool returns once the thread in flight has ended (its result is dropped).
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from twinbench.store import Cell, CellResult, Store

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
T = TypeVar("T")


class Interrupted(BaseException):
    """A stop signal arrived: every finished cell is stored, the others stay pending. A BaseException, like
    KeyboardInterrupt: no `except Exception` on the way (a reference run, a twin, a provider) may swallow it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Outside a pool, a stop signal raises `Interrupted` in the main thread (a pool takes over while it runs)."""

    def handler(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


class WriterError(Exception):
    """The store could not take a result (full disk, broken or read-only file); the pool stopped."""


class Pool:
    """Runs work over items with a fixed number of workers and writes each finished cell of `run_id`."""

    def __init__(self, store: Store, run_id: str, on_cell: Callable[[Cell, CellResult], None] | None = None):
        self.store, self.run_id, self.on_cell = store, run_id, on_cell
        self.done = 0
        self.stopped_by: int | None = None
        self._threads: list[Future[Any]] = []
        self._executor: ThreadPoolExecutor | None = None

    def finish(self, cell: Cell, result: CellResult, blobs: Iterable[bytes] = ()) -> None:
        """Store one finished cell and the blobs it refers to; nothing once a stop signal has arrived."""
        if self.stopped_by is not None:
            return
        try:
            for data in blobs:
                self.store.put_blob(data)
            self.store.finish_cell(self.run_id, cell, result)
        except (sqlite3.Error, OSError) as exc:
            raise WriterError(f"{self.store.path}: cannot store a result ({type(exc).__name__}: {exc})") from exc
        self.done += 1
        if self.on_cell is not None:
            self.on_cell(cell, result)

    async def in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in the pool's one worker thread (CPU-bound work never runs two at a time)."""
        assert self._executor is not None, "in_thread is for work running inside Pool.run"
        future = self._executor.submit(fn, *args)
        self._threads = [f for f in self._threads if not f.done()] + [future]
        return await asyncio.wrap_future(future)

    async def run(self, items: Iterable[T], work: Callable[[T], Awaitable[None]], workers: int) -> int:
        """Give every item to `work` with `workers` workers; returns how many cells were stored."""
        feed = iter(items)

        async def worker() -> None:
            for item in feed:
                await work(item)

        tasks: list[asyncio.Task[None]] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="twinbench-cell")
        try:
            with self.store.writing(), self._signals(tasks):
                try:
                    async with asyncio.TaskGroup() as group:
                        tasks += [group.create_task(worker()) for _ in range(max(1, workers))]
                except BaseExceptionGroup as failed:  # the first failure; the other workers were cancelled
                    raise failed.exceptions[0] from None
                finally:  # a thread cannot be cancelled: wait for it, its result is dropped
                    await asyncio.gather(*(asyncio.wrap_future(f) for f in self._threads), return_exceptions=True)
        finally:
            self._executor.shutdown()
            self._executor, self._threads = None, []
        if self.stopped_by is not None:
            raise Interrupted(self.stopped_by)
        return self.done

    async def each_pending(self, compute: Callable[[Cell], Awaitable[tuple[CellResult, Iterable[bytes]]]],
                           workers: int, chains: Callable[[list[Cell]], Iterable[list[Cell]]] | None = None) -> int:
        """Compute and store every pending cell of the run (a cell's result with its blobs). `chains` groups the
        pending cells into work items whose cells are computed and stored one after another, in order."""

        async def chain(cells: list[Cell]) -> None:
            for cell in cells:
                result, blobs = await compute(cell)
                self.finish(cell, result, blobs)

        pending = self.store.pending_cells(self.run_id)
        return await self.run(chains(pending) if chains else ([cell] for cell in pending), chain, workers)

    @contextmanager
    def _signals(self, tasks: list[asyncio.Task[None]]) -> Iterator[None]:
        """Stop signals end the workers (the first one counts; later ones are ignored while stopping)."""
        if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals
            yield
            return
        loop = asyncio.get_running_loop()
        previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}

        def stop(signum: int) -> None:
            if self.stopped_by is None:
                self.stopped_by = signum
                for task in tasks:
                    task.cancel()

        for s in STOP_SIGNALS:
            loop.add_signal_handler(s, stop, s)
        try:
            yield
        finally:
            for s, handler in previous.items():
                loop.remove_signal_handler(s)
                signal.signal(s, handler)
