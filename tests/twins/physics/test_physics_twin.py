"""The trusted side on its own: it compiles what it is sent, replays the log and refuses everything else."""

import math

import pytest

from twinbench.runner.prompting import system_prompt
from twinbench.trace.config import ScoringConfig
from twinbench.twins import BudgetExceeded, CommandError, LimitExceeded, SafetyRefusal, get_twin
from twinbench.twins.physics import PhysicsTwin
from twinbench.twins.physics.twin import PhysicsSimulator

XML = """<mujoco><option timestep="0.002"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" axis="0 1 0"/><geom name="bob" pos="0 0 -1" size=".05" mass="1"/></body></worldbody>
<actuator><motor name="push" joint="hinge"/></actuator></mujoco>"""
# time, qpos, qvel, warmstart, ctrl, qfrc_applied, xfrc_applied (2 bodies x 6)
STATE_SIZE = 1 + 1 + 1 + 1 + 1 + 1 + 12


def started(state=None, initial=(0.0, 0.5)) -> PhysicsSimulator:
    twin = PhysicsSimulator()
    twin.reset(state, math.inf)
    twin.handle("model", {"key": 0, "xml": XML, "last": True})
    twin.handle("log", {"records": [["sim", 0, 0], ["init", 0, 0, [*initial, *[0.0] * (STATE_SIZE - 2)]]]})
    return twin


def channel(twin: PhysicsSimulator, name: str) -> list[tuple[float, object]]:
    return [(e.t, e.value) for e in twin.events() if e.channel == name]


def test_registered_by_name_with_a_step_budget():
    twin = get_twin("physics")
    assert isinstance(twin, PhysicsTwin) and isinstance(twin.simulator(), PhysicsSimulator)
    assert (twin.budget.default, twin.budget.unit) == (200_000, "simulation steps")


def test_samples_on_the_grid_of_simulated_time():
    twin = started({"sample_period": 0.02})
    twin.handle("log", {"records": [["step", 0, 50]]})
    times = [t for t, _ in channel(twin, "joint/hinge/qpos")]
    assert times == pytest.approx([0.0, 0.02, 0.04, 0.06, 0.08, 0.1])
    assert channel(twin, "joint/hinge/qpos")[0] == (0.0, 0.5)
    assert twin.now == pytest.approx(0.1)
    final = twin.final_state()
    assert final["time"] == pytest.approx(0.1) and final["joint/hinge/qpos"] == channel(twin, "joint/hinge/qpos")[-1][1]
    assert not [name for name in final if name.startswith("param/")]


def test_the_model_xml_arrives_in_chunks():
    twin = PhysicsSimulator()
    twin.handle("model", {"key": 0, "xml": XML[:100], "last": False})
    twin.handle("model", {"key": 0, "xml": XML[100:], "last": True})
    twin.handle("log", {"records": [["sim", 0, 0], ["step", 0, 5]]})
    assert channel(twin, "param/body/pole/mass") == [(0.0, 1.0)]


def test_inputs_are_replayed_writes_after_the_first_step_are_events():
    twin = started()
    twin.handle("log", {"records": [["set", 0, [4], [2.0]], ["step", 0, 10]]})
    assert channel(twin, "actuator/push/ctrl")[-1] == (pytest.approx(0.02), 2.0)
    assert not [e for e in twin.events() if e.channel.startswith("write/")]
    twin.handle("log", {"records": [["set", 0, [1], [0.1]], ["step", 0, 1]]})
    assert channel(twin, "write/joint/hinge/qpos") == [(pytest.approx(0.02), 0.1)]


def test_an_edit_after_the_start_is_an_event_and_changes_the_parameter():
    twin = started()
    twin.handle("log", {"records": [["step", 0, 5], ["edit", 0, "body_mass", [1], [3.0]], ["step", 0, 5]]})
    assert channel(twin, "param/body/pole/mass") == [(0.0, 1.0), (pytest.approx(0.01), 3.0)]
    assert channel(twin, "edit/body_mass[1]") == [(pytest.approx(0.01), 3.0)]
    twin.handle("log", {"records": [["edit", 0, "geom_rgba", [0], [0.5]], ["step", 0, 1]]})
    assert channel(twin, "edit/geom_rgba[0]") == [(pytest.approx(0.02), 0.5)]  # even one no parameter shows


def test_an_input_between_two_samples_is_seen_as_its_mean():
    twin = started()  # samples every 5 steps; a push on 2 of them, none when a sample is taken
    twin.handle("log", {"records": [["step", 0, 1], ["set", 0, [4], [10.0]], ["step", 0, 2],
                                    ["set", 0, [4], [0.0]], ["step", 0, 2], ["step", 0, 5]]})
    assert channel(twin, "actuator/push/ctrl") == [(0.0, 0.0), (pytest.approx(0.01), 4.0),
                                                   (pytest.approx(0.02), 0.0)]


def test_a_write_to_the_solver_warmstart_is_a_write():
    twin = started()
    twin.handle("log", {"records": [["step", 0, 2], ["set", 0, [3], [5.0]], ["step", 0, 1]]})
    assert channel(twin, "write/warmstart[0]") == [(pytest.approx(0.004), 5.0)]


def test_instability_is_recorded_and_refuses_everything_after():
    twin = started()
    with pytest.raises(SafetyRefusal, match="unstable"):
        twin.handle("log", {"records": [["step", 0, 5], ["set", 0, [2], ["nan"]], ["step", 0, 5]]})
    assert [e.channel for e in twin.events() if e.channel.startswith("warning/")] == ["warning/badqvel"]
    with pytest.raises(SafetyRefusal):
        twin.handle("log", {"records": [["step", 0, 1]]})
    assert twin.safety_events() == []  # an error of the program, not a refused command


def test_the_step_budget_stops_the_run():
    twin = started({"max_steps": 100})
    twin.handle("log", {"records": [["step", 0, 60]]})
    with pytest.raises(BudgetExceeded, match="100 steps"):
        twin.handle("log", {"records": [["step", 0, 60]]})
    assert twin.now == pytest.approx(0.2)


def test_the_run_budget_in_steps_stops_the_run_below_max_steps():
    twin = PhysicsSimulator()
    twin.reset({"max_steps": 1000}, 25)
    twin.handle("model", {"key": 0, "xml": XML, "last": True})
    with pytest.raises(BudgetExceeded, match="25 steps"):
        twin.handle("log", {"records": [["sim", 0, 0], ["step", 0, 1000]]})


@pytest.mark.parametrize(("caps", "message"), [
    ({"nbody": 1}, "nbody"), ({"xml_bytes": 100}, "XML over"), ({"narena": 1000}, "narena"),
    ({"elements": 3}, "elements"),
])
def test_models_over_the_caps_are_a_budget(caps, message):
    twin = PhysicsSimulator()
    twin.reset({"caps": caps}, math.inf)
    with pytest.raises(LimitExceeded, match=message):
        twin.handle("model", {"key": 0, "xml": XML, "last": True})


@pytest.mark.parametrize(("op", "args"), [
    ("trace", {"events": []}),
    ("model", {"key": 1, "xml": XML, "last": True}),
    ("model", {"key": 0, "xml": 5, "last": True}),
    ("model", {"key": 0, "xml": "<mujoco><worldbody>", "last": True}),
    ("model", {"key": 0, "xml": '<mujoco><include file="/etc/passwd"/></mujoco>', "last": True}),
    ("model", {"key": 0, "xml": "<mujoco><worldbody><geom type='nonsense'/></worldbody></mujoco>", "last": True}),
    ("log", {"records": "step"}),
    ("log", {"records": [["sample", 0, 1.0]]}),
    ("log", {"records": [["sim", 0, 7]]}),
    ("log", {"records": [["sim", 3, 0]]}),
])
def test_malformed_commands_are_protocol_violations(op, args):
    with pytest.raises(CommandError):
        PhysicsSimulator().handle(op, args)


@pytest.mark.parametrize("records", [
    [["step", 1, 1]],
    [["step", 0, 0]],
    [["step", 0, True]],
    [["set", 0, [99], [1.0]]],
    [["set", 0, [-1], [1.0]]],
    [["set", 0, [1, 2], [1.0]]],
    [["set", 0, [1], [None]]],
    [["set", 0, [1], ["1.0"]]],
    [["step", 0, 1], ["init", 0, 0, [0.0]]],
    [["init", 0, 17, [0.0, 0.0]]],
    [["edit", 0, "jnt_qposadr", [0], [100]]],
    [["edit", 0, "body_mass", [1], ["inf"]]],
    [["edit", 3, "body_mass", [1], [1.0]]],
])
def test_malformed_log_records_are_protocol_violations(records):
    with pytest.raises(CommandError):
        started().handle("log", {"records": records})


def test_too_many_simulations_are_a_budget():
    twin = started({"max_sims": 1})
    with pytest.raises(LimitExceeded, match="simulations"):
        twin.handle("log", {"records": [["sim", 1, 0]]})


def test_the_api_reference_states_the_limits():
    text = PhysicsTwin().api_reference()
    assert "{" not in text and "200000 steps" in text and "10 ms" in text
    assert "joint/<name>/qpos" in text and "contact/<geom>|<geom>" in text


def test_the_prompt_holds_the_api_reference():
    twin = get_twin("physics")
    prompt = system_prompt("physics")
    assert "{api_reference}" in twin.prompt_template() and "{api_reference}" not in prompt
    assert twin.api_reference().strip() in prompt and prompt.startswith("You are an assistant")


def test_a_flex_over_the_node_cap_is_a_budget_before_it_compiles():
    cloth = ('<mujoco><worldbody><flexcomp name="sheet" type="grid" count="6 6 1" spacing="0.1 0.1 0.1" dim="2">'
             '<edge equality="true"/></flexcomp></worldbody></mujoco>')
    twin = PhysicsSimulator()
    twin.handle("model", {"key": 0, "xml": cloth, "last": True})
    twin.handle("log", {"records": [["sim", 0, 0], ["step", 0, 5]]})
    assert channel(twin, "body/sheet_35/pos.z")[0] == (0.0, 0.0)
    twin.reset({"caps": {"nflexvert": 35}}, math.inf)
    with pytest.raises(LimitExceeded, match="flex nodes"):
        twin.handle("model", {"key": 0, "xml": cloth, "last": True})


def test_a_further_simulations_write_is_a_scored_write_not_a_sample():
    twin = started()
    twin.handle("log", {"records": [["step", 0, 5], ["sim", 1, 0], ["step", 1, 5], ["set", 1, [2], [3.0]],
                                    ["step", 1, 5]]})
    assert channel(twin, "write/sim1/joint/hinge/qvel") == [(pytest.approx(0.01), 3.0)]
    config = ScoringConfig.build(defaults=get_twin("physics").scoring_defaults())
    assert not config.is_ignored("write/sim1/joint/hinge/qvel")
    assert config.continuous_for("write/sim1/joint/hinge/qpos") is None
    assert config.is_ignored("sim1/joint/hinge/qvel") and config.continuous_for("sim1/joint/hinge/qpos")
