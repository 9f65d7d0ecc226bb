"""The built-in physics suite: three-turn tasks per family, references in the house style that name what the
trace records, and, on a sample run through the physics twin in the sandbox, references that run and pass
against each other, tasks that differ, wrong variants that fail and equal rewrites that pass."""

import ast
import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

from twinbench.cli.suite import suite_stats
from twinbench.tasks import load_suite
from twinbench.tasks.references import ReferenceRunner

FAMILIES = {"pendulum", "mass_spring_damper", "linkage", "coupling", "rotor", "cable", "cloth", "particles",
            "friction", "collision", "vehicle", "arm", "sensor"}
TOKEN = re.compile(r"`([^`]+)`")
RANGE = re.compile(r"`([a-z_]*?)(\d+)([a-z_]*)`\.\.`\1(\d+)\3`")
# A flex cloth, a contact-rich rolling ball with two references, a chaotic system with a horizon, a plain pendulum.
SAMPLE = ["cloth-hammock-3", "friction-rolling-2", "pendulum-chaotic-double-1", "pendulum-simple-2"]


@pytest.fixture(scope="module")
def physics():
    return load_suite("physics")


@pytest.fixture(scope="module")
def sample_stats(physics):
    with ReferenceRunner("physics") as runner:
        return suite_stats(dataclasses.replace(physics, tasks=[physics.task(t) for t in SAMPLE]), runner, True)


def simulated_duration(program: str) -> float | None:
    """T of the program's `while data.time < T:` loop (None without one)."""
    for node in ast.walk(ast.parse(program)):
        if isinstance(node, ast.While) and isinstance(node.test, ast.Compare) and ".time" in ast.unparse(
                node.test.left) and isinstance(node.test.comparators[0], ast.Constant):
            return float(node.test.comparators[0].value)
    return None


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


def test_chaotic_tasks_are_scored_up_to_a_horizon_shorter_than_the_run(physics):
    horizons = {t.id: t.scoring.horizon for t in physics.tasks if t.scoring.horizon is not None}
    chaotic = {t.id for t in physics.tasks if "chaotic" in t.tags}
    assert chaotic and set(horizons) == chaotic
    for task_id in chaotic:
        task = physics.task(task_id)
        assert 0 < horizons[task_id] < simulated_duration(task.references[0])
        assert task.scoring_config().horizon == horizons[task_id]


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


def test_on_a_sample_references_agree_tasks_differ_wrong_variants_fail_and_rewrites_pass(sample_stats):
    assert sample_stats["inconsistent_tasks"] == {} and sample_stats["self_consistency"] == 1.0
    assert sample_stats["task_pairs"] == len(SAMPLE) * (len(SAMPLE) - 1) and sample_stats["confusions"] == []
    validity = sample_stats["validity"]
    assert validity["missed"] == []
    assert validity["wrong_detected"] == 1.0 and validity["equivalent_passed"] == 1.0
    detected = sum(counts.get("detected", 0) for counts in validity["by_kind"].values())
    passed = sum(counts.get("passed", 0) for counts in validity["by_kind"].values())
    assert detected >= 3 * len(SAMPLE) and passed == 5 * len(SAMPLE)
