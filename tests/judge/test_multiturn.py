"""Chains of turns in `expert` and `own` mode: what each turn starts from, and that inputs are stored."""

from __future__ import annotations

import asyncio
import re

from judge_fakes import FakeProvider

from twinbench.judge import ChainTask, TaskSuite, Turn, expert_start, run_chains, stored_input
from twinbench.models import CallKey
from twinbench.store import Cell, Store

SUITE = TaskSuite(
    name="toy",
    version="1",
    tasks=[
        ChainTask(
            id="pend",
            turns=[
                Turn(prompt="write a pendulum", reference="REF1 = 1\n"),
                Turn(prompt="make it longer", reference="REF2 = 2\n"),
                Turn(prompt="add damping", reference="REF3 = 3\n", start_code="BUGGY = 3\n"),
            ],
        ),
    ],
)


def answer(prompt: str, key: CallKey) -> str:
    """Echo which code the turn was given, inside a fenced block."""
    given = re.search(r"```python\n(.*?)\n```", prompt, re.S)
    return f"Here:\n```python\nANSWER_{key.turn} = 0\n# given: {given.group(1) if given else 'nothing'}\n```"


def given_code(store: Store, run_id: str, turn: int) -> str:
    [message] = stored_input(store, run_id, Cell(model="fake", task="pend", turn=turn))
    match = re.search(r"```python\n(.*?)\n```", message.content, re.S)
    return match.group(1) if match else ""


def test_expert_mode_starts_from_references_or_the_tasks_start_code(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    asked = asyncio.run(run_chains(store, "expert", FakeProvider("fake", answer), SUITE, "expert"))
    assert asked == 3
    assert given_code(store, "expert", 1) == ""
    assert given_code(store, "expert", 2) == "REF1 = 1"
    assert given_code(store, "expert", 3) == "BUGGY = 3"
    assert expert_start(SUITE.tasks[0], 2) == "REF1 = 1\n"


def test_own_mode_feeds_the_models_previous_answer(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    asyncio.run(run_chains(store, "own", FakeProvider("fake", answer), SUITE, "own"))
    assert given_code(store, "own", 2).startswith("ANSWER_1 = 0\n# given: nothing")
    assert given_code(store, "own", 3).startswith("ANSWER_2 = 0\n# given: ANSWER_1 = 0")
    rows = {r["turn"]: r for r in store.result_rows("own")}
    assert all(rows[t]["status"] == "ok" and f"ANSWER_{t}" in rows[t]["text"] for t in (1, 2, 3))
    assert store.run("own").config["mode"] == "own"


def test_own_chain_stops_at_a_failed_turn_and_resume_skips_finished_turns(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    broken = FakeProvider("fake", answer, fail_on=[CallKey(task="pend", turn=2)])
    asyncio.run(run_chains(store, "own", broken, SUITE, "own"))
    status = {r["turn"]: r["status"] for r in store.result_rows("own")}
    assert status == {1: "ok", 2: "failed", 3: "pending"}
    again = FakeProvider("fake", answer)
    assert asyncio.run(run_chains(store, "own", again, SUITE, "own")) == 0 and again.calls == []
    fresh = FakeProvider("fake", answer)
    asyncio.run(run_chains(store, "expert", fresh, SUITE, "expert", samples=2))
    asyncio.run(run_chains(store, "expert", fresh, SUITE, "expert", samples=2))
    assert len(fresh.calls) == 6
