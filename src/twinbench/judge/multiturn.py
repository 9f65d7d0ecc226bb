"""Chains of turns: `expert` mode starts each turn from the expert's code (as SimBench did), `own` mode from the
model's own previous answer. Every turn's input (messages, start code) is stored beside its answer."""

from __future__ import annotations

import json
from typing import Literal

from twinbench.judge.tasks import ChainTask, TaskSuite
from twinbench.models import GenerationSettings, Message, Provider, ResponseCache, generate
from twinbench.runner.extract import extract_code
from twinbench.runner.pool import Pool
from twinbench.runner.prompting import INPUT_SCORER
from twinbench.store import Cell, CellResult, ScoreRecord, Store, blob_sha

Mode = Literal["expert", "own"]
FIRST_TURN = "Write a complete Python script for the following request.\n\n{prompt}"
EDIT_TURN = (
    "Here is a Python script. It may contain errors: find and fix them, then modify it as requested.\n\n"
    "```python\n{code}\n```\n\nRequest:\n{prompt}\n\nAnswer with the complete modified script."
)


def turn_messages(task: ChainTask, turn: int, start_code: str | None) -> list[Message]:
    """The single user message of one turn (turn 1 with no start code: write from scratch)."""
    prompt = task.turn(turn).prompt
    if start_code is None:
        return [Message(role="user", content=FIRST_TURN.format(prompt=prompt))]
    return [Message(role="user", content=EDIT_TURN.format(code=start_code.rstrip("\n"), prompt=prompt))]


def expert_start(task: ChainTask, turn: int) -> str | None:
    """Expert mode: the turn's own start code if the task gives one, else the previous turn's reference."""
    if turn == 1:
        return task.turn(1).start_code
    return task.turn(turn).start_code or task.turn(turn - 1).reference


def chain_cells(model: str, suite: TaskSuite, samples: int = 1) -> list[Cell]:
    return [
        Cell(model=model, task=t.id, turn=n, sample=s)
        for t in suite.tasks
        for s in range(samples)
        for n in range(1, len(t.turns) + 1)
    ]


async def run_chains(
    store: Store,
    run_id: str,
    provider: Provider,
    suite: TaskSuite,
    mode: Mode,
    *,
    samples: int = 1,
    settings: GenerationSettings | None = None,
    cache: ResponseCache | None = None,
    workers: int = 4,
) -> int:
    """Run every chain (task x sample) turn by turn; resumable. Returns how many turns were asked for.

    A failed turn ends its chain in `own` mode (there is no answer to continue from); later turns stay pending.
    """
    model = provider.spec.name
    config = {
        "kind": "chains",
        "mode": mode,
        "suite": suite.name,
        "suite_version": suite.version,
        "suite_sha": suite.save(store),
        "model": model,
        "samples": samples,
        "settings": (settings or provider.spec.settings).model_dump(),
    }
    store.create_run(run_id, config, chain_cells(model, suite, samples))
    answers = {(r["task"], r["turn"], r["sample"]): r for r in store.result_rows(run_id)}
    pool = Pool(store, run_id)
    asked = 0

    async def chain(item: tuple[ChainTask, int]) -> None:
        nonlocal asked
        task, sample = item
        for turn in range(1, len(task.turns) + 1):
            row = answers[(task.id, turn, sample)]
            if row["status"] != "pending":
                if mode == "own" and row["status"] != "ok":
                    break
                continue
            previous = answers.get((task.id, turn - 1, sample))
            own = mode == "own" and turn > 1
            start = extract_code(previous["text"]).code if own else expert_start(task, turn)
            cell = Cell(model=model, task=task.id, turn=turn, sample=sample)
            result, blobs = await _ask(provider, task, cell, start, mode, settings, cache)
            pool.finish(cell, result, blobs)
            asked += 1
            answers[(task.id, turn, sample)] = {"status": result.status, "text": result.response.text}
            if mode == "own" and result.status != "ok":
                break

    await pool.run([(t, s) for t in suite.tasks for s in range(samples)], chain, workers)
    return asked


async def _ask(provider, task, cell, start, mode, settings, cache) -> tuple[CellResult, list[bytes]]:
    """One turn's result, with its input (messages, start code) as blobs it refers to."""
    messages = turn_messages(task, cell.turn, start)
    record = await generate(provider, messages, cell.key, settings, cache=cache)
    result = CellResult.from_call(record)
    source = "none" if start is None else ("own" if mode == "own" and cell.turn > 1 else "expert")
    blobs = [json.dumps([m.model_dump() for m in messages]).encode()] + ([] if start is None else [start.encode()])
    detail = {
        "mode": mode,
        "start_from": source,
        "messages_sha": blob_sha(blobs[0]),
        "start_code_sha": None if start is None else blob_sha(blobs[1]),
    }
    result.scores.append(ScoreRecord(scorer=INPUT_SCORER, value=None, detail=detail))
    return result, blobs


def stored_input(store: Store, run_id: str, cell: Cell) -> list[Message]:
    """The messages a stored turn was asked with."""
    from twinbench.judge.run import score_details

    detail = score_details(store, run_id, INPUT_SCORER)[cell.id]
    return [Message.model_validate(m) for m in json.loads(store.get_blob(detail["messages_sha"]))]
