"""Physics traces under the physics twin's scoring defaults: equal rewrites pass, wrong ones fail, and why."""

import pytest
from physics_programs import EQUAL, EXAMPLES, PENDULUM, SERVO, WRONG, WRONG_GAIN, rewrite

from twinbench.sandbox import Limits, Outcome
from twinbench.trace.config import ScoringConfig
from twinbench.trace.scoring import score_traces
from twinbench.twins import get_twin

DEFAULTS = get_twin("physics").scoring_defaults()
CONFIG = ScoringConfig.build(defaults=DEFAULTS)


@pytest.fixture(scope="module")
def reference(physics):
    return physics.run(PENDULUM).trace


def test_the_same_program_twice_gives_the_same_trace(physics, reference):
    again = physics.run(PENDULUM).trace
    assert [(e.channel, e.t, e.value) for e in again] == [(e.channel, e.t, e.value) for e in reference]


@pytest.mark.parametrize("name", EQUAL)
def test_an_equal_rewrite_passes(physics, reference, name):
    result = score_traces(reference, physics.run(EQUAL[name]).trace, CONFIG)
    assert result.passed, result.metrics


@pytest.mark.parametrize("name", WRONG)
def test_a_wrong_program_fails(physics, reference, name):
    result = score_traces(reference, physics.run(WRONG[name]).trace, CONFIG)
    assert not result.passed
    assert result.full_score < 1.0


def test_a_wrong_mass_fails_on_the_parameter_though_the_motion_agrees(physics, reference):
    result = score_traces(reference, physics.run(WRONG["mass"]).trace, CONFIG)
    assert result.metrics["continuous"].passed  # a point mass swings the same whatever it weighs
    rows = [r for r in result.aligned_rows() if r["kind"] == "substitution"]
    assert [(r["gt"]["channel"], r["gt"]["value"], r["pred"]["value"]) for r in rows] == [
        ("param/body/pole/mass", 1.0, 1.5)]
    assert result.reasons == ["discrete: 1 with other values (param/body/pole/mass)"]


def test_a_wrong_length_fails_and_names_the_channels(physics, reference):
    result = score_traces(reference, physics.run(WRONG["length"]).trace, CONFIG)
    assert "joint/hinge/qpos" in result.metrics["continuous"].details["failed"]
    assert any(r.startswith("continuous: ") and "joint/hinge/qpos" in r for r in result.reasons)
    assert score_traces(reference, reference, CONFIG).reasons == []


def test_a_control_gain_is_a_parameter(physics):
    reference = physics.run(SERVO).trace
    assert score_traces(reference, physics.run(rewrite('timestep="0.002"', 'timestep="0.001"', SERVO)).trace,
                        CONFIG).passed
    result = score_traces(reference, physics.run(WRONG_GAIN).trace, CONFIG)
    assert not result.passed and not result.metrics["discrete"].passed


def test_extra_named_elements_are_not_wrong_extra_writes_are(physics, reference):
    named = rewrite('fromto="0 0 0 0 0 -1" size="0.01"', 'fromto="0 0 0 0 0 -1" size="0.01" name="extra"',
                    rewrite('name="rod" ', ""))
    assert score_traces(reference, physics.run(named).trace, CONFIG).passed is False  # the rod is missing
    site = rewrite('<geom name="bob"', '<site name="tip" pos="0 0 -1"/>\n      <geom name="bob"')
    assert score_traces(reference, physics.run(site).trace, CONFIG).passed
    floor = rewrite("<worldbody>", '<worldbody>\n    <geom name="floor" type="plane" size="2 2 .1" pos="0 0 -1"/>')
    assert score_traces(reference, physics.run(floor).trace, CONFIG).passed
    kick = rewrite("    mujoco.mj_step(model, data)", "    mujoco.mj_step(model, data)\n    data.qvel[0] += 0.0")
    assert score_traces(reference, physics.run(kick).trace, CONFIG).passed  # adding 0.0 changes nothing
    nudge = rewrite("    mujoco.mj_step(model, data)", "    mujoco.mj_step(model, data)\n    data.qvel[0] *= 1.0001")
    assert not score_traces(reference, physics.run(nudge).trace, CONFIG).passed


def test_a_chaotic_system_is_scored_on_its_horizon(physics):
    source = rewrite("data.qpos[:] = [1.2, -0.4]", "data.qpos[:] = [2.5, -0.4]",
                     (EXAMPLES / "spec_double_pendulum.py").read_text())
    reference = physics.run(source).trace
    finer = physics.run(rewrite("timestep = 0.001", "timestep = 0.0005",
                                rewrite("nstep=5000", "nstep=10000", source))).trace
    nudged = physics.run(rewrite("[2.5, -0.4]", "[2.45, -0.4]", source)).trace
    horizon = ScoringConfig.build(None, {"horizon": 2.0}, defaults=DEFAULTS)
    assert not score_traces(reference, finer, CONFIG).passed  # after a few seconds the two diverge
    assert score_traces(reference, finer, horizon).passed
    assert not score_traces(reference, nudged, horizon).passed


def test_a_run_over_its_step_budget_ends_as_timeout(physics):
    result = physics.run(PENDULUM, {"max_steps": 1000}, Limits())
    assert result.outcome is Outcome.TIMEOUT and "1000 steps" in result.detail
    assert result.duration == pytest.approx(2.0)
    limited = physics.run(PENDULUM, None, Limits(budget=500))  # the run's budget, in the twin's unit
    assert limited.outcome is Outcome.TIMEOUT and "500 steps" in limited.detail
