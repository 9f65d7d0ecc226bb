"""Multi-turn tasks: `turn` and `follows` are validated per task and across the suite, naming file, task and field."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.errors import InputError
from twinbench.tasks import load_suite
from twinbench.tasks.suite import dump_yaml

TASK = {"id": "t-1", "category": "measure", "difficulty": "simple", "instruction": "Measure 2 s.",
        "references": ["sam.measure(2)\n"]}
META = "name: t\nversion: '1'\n"


def _task(tid: str, turn: int, follows: str | None) -> dict:
    task = {**TASK, "id": tid, "instruction": f"Measure {tid}.", "turn": turn}
    return task | ({"follows": follows} if follows is not None else {})


def test_a_three_turn_chain_loads_and_is_walked_back_to_turn_1(write_suite):
    root = write_suite({"a.yaml": dump_yaml([_task("b-3", 3, "b-2"), _task("b-1", 1, None)]),
                        "b.yaml": dump_yaml([_task("b-2", 2, "b-1")])})
    suite = load_suite(root)
    assert [t.id for t in suite.turns(suite.task("b-3"))] == ["b-1", "b-2", "b-3"]
    assert suite.turns(suite.task("b-1")) == [suite.task("b-1")]
    assert suite.task("b-2").turn == 2 and suite.task("b-2").follows == "b-1"


def test_tasks_without_turn_fields_are_single_turn(beamline):
    assert {(t.turn, t.follows) for t in beamline.tasks} == {(1, None)}


@pytest.mark.parametrize(("tasks", "bad", "field", "message"), [
    ([_task("a", 2, None)], "a", "follows", "a turn-2 task names the turn-1 task it follows"),
    ([_task("a", 1, "b"), _task("b", 1, None)], "a", "follows", "a turn-1 task follows no task"),
    ([_task("a", 0, None)], "a", "turn", "greater than or equal to 1"),
    ([_task("a", 2, "ghost")], "a", "follows", "no task 'ghost' in the suite"),
    ([_task("a", 1, None), _task("c", 3, "a")], "c", "follows", "'a' is turn 1; a turn-3 task follows a turn-2"),
    ([_task("a", 2, "a")], "a", "follows", "'a' is turn 2"),
])
def test_bad_turns_name_file_task_and_field(write_suite, tasks, bad, field, message):
    root = write_suite({"tasks.yaml": dump_yaml(tasks)})
    with pytest.raises(InputError) as err:
        load_suite(root)
    assert (err.value.source, err.value.item, err.value.field) == (str(root / "tasks.yaml"), f"task {bad}", field)
    assert message in err.value.message


def _valid(task: dict, turns: dict[str, int]) -> bool:
    if task["turn"] == 1:
        return "follows" not in task
    return turns.get(task.get("follows")) == task["turn"] - 1


@st.composite
def _suites(draw) -> list[dict]:
    """Up to 7 tasks with turns 1-4, each following nothing, a task of the suite or an unknown id."""
    ids = [f"t{i}" for i in range(draw(st.integers(1, 7)))]
    targets = st.one_of(st.none(), st.sampled_from(ids), st.just("ghost"))
    return [_task(tid, draw(st.integers(1, 4)), draw(targets)) for tid in ids]


@settings(max_examples=150, deadline=None)
@given(tasks=_suites(), split=st.integers(0, 7))
def test_a_suite_loads_exactly_when_every_turn_follows_the_turn_before(tasks, split):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "suite.yaml").write_text(META)
        for name, part in (("a.yaml", tasks[:split]), ("b.yaml", tasks[split:])):
            if part:
                (root / name).write_text(dump_yaml(part))
        turns = {t["id"]: t["turn"] for t in tasks}
        if all(_valid(t, turns) for t in tasks):
            suite = load_suite(root)
            for task in suite.tasks:
                chain = suite.turns(task)
                assert [t.turn for t in chain] == list(range(1, task.turn + 1)) and chain[-1] is task
        else:
            with pytest.raises(InputError) as err:
                load_suite(root)
            bad = next(t for t in tasks if f"task {t['id']}" == err.value.item)
            assert not _valid(bad, turns) and err.value.field == "follows"
            assert err.value.source == str(root / ("a.yaml" if bad in tasks[:split] else "b.yaml"))
