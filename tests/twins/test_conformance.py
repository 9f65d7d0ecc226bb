"""What every twin must do, run against each registered twin (the built-in ones and the toy from
tests/twins/toytwin_pkg, found by its entry point): the plugin contract holds, its prompt, scoring defaults,
state schema and variants are usable as given, a program run twice gives the same trace, the trusted side
survives a failing or endless program, and the references of a sample of its tasks pass against each other."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

from twinbench.runner.prompting import system_prompt
from twinbench.sandbox import Limits, Sandbox
from twinbench.tasks import load_suite
from twinbench.tasks.checks import Scorer
from twinbench.tasks.schema import Task
from twinbench.tasks.suite import builtin_suites
from twinbench.twins import Twin, get_twin, twin_names

TOY_PKG = str(Path(__file__).resolve().parent / "toytwin_pkg")
TOY_TASK = Task(id="dim-up", category="lamp", difficulty="simple", instruction="Set 3, wait 5 ticks, set 5.",
                references=["lamp.set(3)\nlamp.wait(5)\nlamp.set(5)", "lamp.set(3)\nfor _ in range(5):\n"
                            "    lamp.wait(1)\nlamp.set(5)"], initial_state={"max_level": 8})
SAMPLE = 2  # tasks per twin whose references are run


@pytest.fixture(scope="module", autouse=True)
def toy_on_path():
    """The toy plugin is importable (and its entry point visible) for this module only."""
    sys.path.insert(0, TOY_PKG)
    yield
    sys.path.remove(TOY_PKG)


def all_twins() -> list[str]:
    sys.path.insert(0, TOY_PKG)
    try:
        return twin_names()
    finally:
        sys.path.remove(TOY_PKG)


TWINS = all_twins()


@cache
def sample_tasks(name: str) -> list[Task]:
    """The first tasks of the built-in suites that run on `name` (the toy: one task of its own)."""
    if name == "toy":
        return [TOY_TASK]
    tasks = [t for suite in builtin_suites() if (s := load_suite(suite)).twin == name for t in s.tasks]
    return [t for t in tasks if len(t.references) > 1][:SAMPLE] or tasks[:SAMPLE]


@pytest.fixture(scope="module", params=TWINS)
def twin(request) -> Twin:
    return get_twin(request.param)


@pytest.fixture(scope="module")
def sandbox(twin):
    with Sandbox(twin) as sb:
        yield sb


@pytest.fixture(scope="module")
def reference_runs(twin, sandbox) -> dict[str, list]:
    """Every reference of the twin's sample tasks, run once: task id -> results."""
    return {t.id: [sandbox.run(ref, t.initial_state) for ref in t.references] for t in sample_tasks(twin.name)}


def test_the_toy_and_the_built_in_twins_are_all_checked():
    assert {"beamline", "physics", "toy"} <= set(TWINS)


def test_the_plugin_states_its_contract(twin):
    assert isinstance(twin, Twin)
    assert twin.budget.default > 0 and twin.budget.unit
    assert twin.client.startswith(twin.package)
    assert len(twin.fingerprint()) == 16 and twin.fingerprint() == twin.fingerprint()
    assert twin.fingerprint() not in {get_twin(n).fingerprint() for n in TWINS if n != twin.name}


def test_the_prompt_holds_the_api_reference(twin):
    prompt = system_prompt(twin)
    assert "{api_reference}" not in prompt
    assert twin.api_reference().strip() in prompt


def test_the_scoring_defaults_and_state_schema_are_usable(twin):
    for task in sample_tasks(twin.name):
        task.scoring_config(twin.scoring_defaults())
        twin.state_schema().model_validate(task.initial_state)
    twin.state_schema().model_validate({})


def test_variants_are_text_or_not_applicable(twin):
    variants = twin.variants()
    assert not set(variants.wrong) & set(variants.equivalent)
    for task in sample_tasks(twin.name):
        for make in (*variants.wrong.values(), *variants.equivalent.values()):
            made = make(task.references[0])
            assert made is None or (isinstance(made, str) and made != task.references[0])


def test_a_program_run_twice_gives_the_same_trace(twin, sandbox, reference_runs):
    task = sample_tasks(twin.name)[0]
    first, second = reference_runs[task.id][0], sandbox.run(task.references[0], task.initial_state)
    assert first.outcome == second.outcome == task.expected_outcome, first.detail
    assert len(first.trace) > 0
    assert first.trace == second.trace


@pytest.mark.parametrize(("source", "outcome"), [
    ("raise ValueError('planned')", "error"),
    ("import os\nos._exit(3)", "killed"),
    ("while True:\n    pass", "timeout"),
])
def test_the_trusted_side_survives_a_failing_or_endless_program(twin, sandbox, source, outcome):
    result = sandbox.run(source, limits=Limits(wall_seconds=2.0, cpu_seconds=2))
    assert result.outcome == outcome, result.detail
    after = sandbox.run("")
    assert after.outcome == "ok", after.detail


def test_the_references_of_a_task_pass_against_each_other(twin, reference_runs):
    scorer = Scorer()
    for task in sample_tasks(twin.name):
        assert all(r.outcome == task.expected_outcome for r in reference_runs[task.id]), task.id
        traces = [r.trace for r in reference_runs[task.id]]
        config = task.scoring_config(twin.scoring_defaults())
        for i, trace in enumerate(traces):
            others = traces[:i] + traces[i + 1:]
            assert not others or scorer.passes(others, trace, config), f"{task.id} reference {i}"
