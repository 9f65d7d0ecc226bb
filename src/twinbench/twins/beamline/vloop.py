"""An asyncio loop on the twin's virtual clock, for `RunEngine(loop=...)`: `bps.sleep` costs no wall time."""

from __future__ import annotations

import asyncio
import selectors
from typing import Any

from twinbench.twins.link import Link


class _SkipSelector:
    """When nothing is ready and only timers are pending, advance the virtual clock instead of waiting."""

    def __init__(self, selector: selectors.BaseSelector, link: Link):
        self._selector, self._link = selector, link

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout is None or timeout <= 0:
            return self._selector.select(timeout)
        ready = self._selector.select(0)
        if not ready:
            self._link.call("sleep", seconds=timeout)
        return ready

    def __getattr__(self, name: str) -> Any:
        return getattr(self._selector, name)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """Its `time()` is the twin's clock; a pending `asyncio.sleep` jumps the clock to its deadline."""

    def __init__(self, link: Link):
        super().__init__()
        self._link = link
        self._selector = _SkipSelector(self._selector, link)  # type: ignore[assignment]

    def time(self) -> float:
        return self._link.now
