"""Per-endpoint gates: a concurrency cap and a shared pause after a rate limit."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class EndpointGate:
    """At most `concurrency` calls in flight; after a 429 every caller waits until `resume_at`."""

    def __init__(self, concurrency: int):
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._resume_at = 0.0

    def pause_until(self, loop_time: float) -> None:
        self._resume_at = max(self._resume_at, loop_time)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        while (wait := self._resume_at - loop.time()) > 0:
            await asyncio.sleep(wait)
        async with self._slots:
            yield


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, EndpointGate]] = (
    weakref.WeakKeyDictionary()
)


def gate_for(endpoint: str, concurrency: int) -> EndpointGate:
    """The gate shared by every call to `endpoint` in the running event loop (first cap wins)."""
    gates = _gates.setdefault(asyncio.get_running_loop(), {})
    if endpoint not in gates:
        gates[endpoint] = EndpointGate(concurrency)
    return gates[endpoint]
