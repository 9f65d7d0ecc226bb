"""A run that the crash test kills with SIGKILL: `python crash_worker.py DB BASE_URL`."""

from __future__ import annotations

import asyncio
import sys

from twinbench.models import Message, generate_pending, make_provider, parse_spec
from twinbench.store import Cell, Store

TASKS, SAMPLES = 100, 4


def main(db: str, base_url: str) -> None:
    spec = parse_spec(f"openai:fake-model@{base_url}").model_copy(update={"name": "fake", "concurrency": 4})
    store = Store.open(db)
    cells = [Cell(model="fake", task=f"task-{t:03d}", sample=s) for t in range(TASKS) for s in range(SAMPLES)]
    store.create_run("crash", {"tasks": TASKS, "samples": SAMPLES}, cells)
    provider = make_provider(spec)

    async def go() -> None:
        print("ready", flush=True)
        try:
            await generate_pending(
                store,
                "crash",
                {"fake": provider},
                lambda c: [Message(role="user", content=f"{c.task}#{c.sample}")],
            )
        finally:
            await provider.aclose()

    asyncio.run(go())
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
