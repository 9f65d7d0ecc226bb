"""Generate every pending cell of a run and write each one to the store the moment it finishes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from twinbench.models.cache import ResponseCache
from twinbench.models.generate import generate
from twinbench.models.provider import Provider
from twinbench.models.types import Message

if TYPE_CHECKING:  # the store imports twinbench.models.types, so importing it here at load time would be circular
    from twinbench.store import Cell, Store


async def generate_pending(
    store: Store,
    run_id: str,
    providers: Mapping[str, Provider],
    messages_for: Callable[[Cell], list[Message]],
    *,
    cache: ResponseCache | None = None,
    workers: int = 16,
) -> int:
    """Resume-safe generation: only cells not yet finished are asked for; returns how many were done.

    `providers` maps each manifest model name to its provider; endpoint caps still apply per call.
    """
    from twinbench.store import CellResult

    pending = iter(store.pending_cells(run_id))
    done = 0

    async def worker() -> None:
        nonlocal done
        for cell in pending:
            record = await generate(providers[cell.model], messages_for(cell), cell.key, cache=cache)
            store.finish_cell(run_id, cell, CellResult.from_call(record))
            done += 1

    await asyncio.gather(*(worker() for _ in range(workers)))
    return done
