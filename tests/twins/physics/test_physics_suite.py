"""The built-in physics suite: three-turn tasks per family, references in the house style that name what the
trace records, and, run with real MuJoCo in two worker subprocesses, references that run, agree and differ."""

import ast
import re
import xml.etree.ElementTree as ET

import pytest

from twinbench.tasks import load_suite
from twinbench.twins.physics.suite_check import read_horizons, simulated_duration
from twinbench.twins.physics.suite_validity import check_references

FAMILIES = {"pendulum", "mass_spring_damper", "linkage", "coupling", "rotor", "cable", "cloth", "particles",
            "friction", "collision", "vehicle", "arm", "sensor"}
TOKEN = re.compile(r"`([^`]+)`")
RANGE = re.compile(r"`([a-z_]*?)(\d+)([a-z_]*)`\.\.`\1(\d+)\3`")


@pytest.fixture(scope="module")
def physics():
    return load_suite("physics")


@pytest.fixture(scope="module")
def checked(physics):
    return check_references(physics.tasks, read_horizons(physics.path))


def _mjcf(program: str) -> ET.Element | None:
    for node in ast.walk(ast.parse(program)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "<mujoco" in node.value:
            return ET.fromstring(node.value)
    return None


def _pattern(name: str) -> str:
    """A name with its numbers and <placeholders> as '#': seg12_geom and seg<i>_geom are both seg#_geom."""
    return re.sub(r"(\d+|<[a-z]+>)+", "#", name)


def _given_names(instructions: str) -> set[str]:
    tokens = set(TOKEN.findall(instructions))
    for head, a, tail, b in RANGE.findall(instructions):
        tokens |= {f"{head}{i}{tail}" for i in range(int(a), int(b) + 1)}
    return tokens | {_pattern(t) for t in tokens}


def test_size_turns_and_families(physics):
    assert physics.name == "physics" and physics.meta.twin == "physics"
    assert set(physics.counts("category")) == FAMILIES
    assert physics.counts("turn") == {1: len(physics.tasks) // 3, 2: len(physics.tasks) // 3,
                                      3: len(physics.tasks) // 3}
    assert len(physics.tasks) >= 180
    assert {p.stem for p in physics.path.glob("*.yaml")} == FAMILIES | {"suite"}
    assert len({t.instruction for t in physics.tasks}) == len(physics.tasks)
    for task in physics.tasks:
        chain = physics.turns(task)
        assert [t.turn for t in chain] == list(range(1, task.turn + 1))
        assert {t.category for t in chain} == {task.category} and len(task.references) >= 2, task.id


def test_references_are_time_looped_mujoco_programs(physics):
    for task in physics.tasks:
        durations = {simulated_duration(r) for r in task.references}
        assert len(durations) == 1 and None not in durations, task.id
        for program in task.references:
            assert program.startswith("import mujoco\nimport numpy as np\n"), task.id
            assert "mujoco.MjData(model)" in program and "mujoco.mj_step(model, data)" in program, task.id
            assert "range(" not in program.split("while data.time")[1], task.id  # no fixed step count


def test_chaotic_tasks_have_a_horizon_shorter_than_the_run(physics):
    horizons = read_horizons(physics.path)
    chaotic = {t.id for t in physics.tasks if "chaotic" in t.tags}
    assert chaotic and set(horizons) == chaotic
    for task_id in chaotic:
        assert 0 < horizons[task_id] < simulated_duration(physics.task(task_id).references[0])


def test_instructions_name_every_element_the_references_name(physics):
    for task in physics.tasks:
        given = _given_names(" ".join(t.instruction for t in physics.turns(task)))
        for program in task.references:
            root = _mjcf(program)
            if root is None:
                continue
            names = {e.get("name") for e in root.iter() if e.get("name")}
            missing = {n for n in names if n not in given and _pattern(n) not in given}
            assert not missing, (task.id, sorted(missing))


def test_every_reference_runs_and_the_references_of_a_turn_agree(physics, checked):
    assert checked.runs == sum(len(t.references) for t in physics.tasks)
    assert checked.errors == {}
    assert checked.disagreements == {}


def test_tasks_differ_from_each_other(physics, checked):
    assert checked.pairs == len(physics.tasks) * (len(physics.tasks) - 1) // 2
    assert checked.same_pairs == []
