"""The program side in the real sandbox: plain MuJoCo programs, and what reaches the trusted side."""

import mujoco
import pytest
from physics_programs import CLOTH, EXAMPLES, PENDULUM, rewrite

from twinbench.sandbox import Outcome, bwrap

SPEC_PENDULUM = """
import mujoco
spec = mujoco.MjSpec()
spec.option.timestep = 0.002
pole = spec.worldbody.add_body(name="pole", pos=[0, 0, 1])
pole.add_joint(name="hinge", type=mujoco.mjtJoint.mjJNT_HINGE, axis=[0, 1, 0], damping=0.02)
pole.add_geom(name="rod", type=mujoco.mjtGeom.mjGEOM_CAPSULE, fromto=[0, 0, 0, 0, 0, -1], size=[0.01, 0, 0], mass=0)
pole.add_geom(name="bob", type=mujoco.mjtGeom.mjGEOM_SPHERE, pos=[0, 0, -1], size=[0.05, 0, 0], mass=1)
spec.add_sensor(name="angle", type=mujoco.mjtSensor.mjSENS_JOINTPOS, objtype=mujoco.mjtObj.mjOBJ_JOINT, objname="hinge")
model = spec.compile()
data = mujoco.MjData(model)
data.qpos[0] = 0.5
while data.time < 3.0:
    mujoco.mj_step(model, data)
"""


def test_mujoco_runs_in_the_sandbox_with_its_libraries(physics):
    result = physics.run("print(mujoco.__version__, mujoco.MjModel.from_xml_string('<mujoco/>').nbody)")
    assert result.outcome is Outcome.OK and result.output.split() == [mujoco.__version__, "1"]
    assert physics.isolation == ("bwrap+rlimits" if bwrap.find_bwrap() else "rlimits")


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.stem)
def test_every_example_runs_clean(physics, example):
    result = physics.run(example.read_text())
    assert result.outcome is Outcome.OK, result.detail
    assert any(e.channel.startswith("joint/") for e in result.trace) and result.duration >= 2.0


def values(result, name):
    return [e.value for e in result.trace if e.channel == name]


def test_the_trusted_simulation_is_the_programs_own(physics):
    result = physics.run(PENDULUM.replace('print(f"angle after {data.time:.3f} s: {data.qpos[0]:.4f} rad")',
                                          "print(repr(float(data.qpos[0])))"))
    assert result.outcome is Outcome.OK, result.detail
    assert values(result, "joint/hinge/qpos")[-1] == float(result.output)


def test_a_controller_is_replayed_exactly(physics):
    source = (PENDULUM.replace("</sensor>", '</sensor><actuator><motor name="push" joint="hinge"/></actuator>')
              .replace("    mujoco.mj_step(model, data)",
                       "    data.ctrl[0] = -5.0 * data.qpos[0] - 1.0 * data.qvel[0]\n    mujoco.mj_step(model, data)")
              .replace('print(f"angle after {data.time:.3f} s: {data.qpos[0]:.4f} rad")',
                       "print(repr(float(data.qpos[0])))"))
    result = physics.run(source)
    assert result.outcome is Outcome.OK, result.detail
    assert values(result, "joint/hinge/qpos")[-1] == float(result.output)  # bit for bit: no drift
    assert len(values(result, "actuator/push/ctrl")) > 100


def test_a_model_built_with_mjspec_records_like_its_xml(physics):
    from_spec, from_xml = physics.run(SPEC_PENDULUM), physics.run(PENDULUM)
    assert from_spec.outcome is Outcome.OK, from_spec.detail + from_spec.output
    assert values(from_spec, "joint/hinge/qpos") == values(from_xml, "joint/hinge/qpos")
    assert values(from_spec, "param/geom/rod/size[1]") == [0.5]


def test_a_model_read_from_a_file_the_program_wrote(physics):
    source = rewrite("model = mujoco.MjModel.from_xml_string(XML)",
                     "open('pendulum.xml', 'w').write(XML)\nmodel = mujoco.MjModel.from_xml_path('pendulum.xml')")
    result = physics.run(source)
    assert result.outcome is Outcome.OK, result.detail
    assert values(result, "joint/hinge/qpos") == values(physics.run(PENDULUM), "joint/hinge/qpos")


def test_edits_before_the_first_step_are_the_model_after_it_events(physics):
    source = rewrite("data.qpos[0] = 0.5", "data.qpos[0] = 0.5\nmodel.body_mass[1] = 2.0",
                     rewrite("    mujoco.mj_step(model, data)",
                             "    mujoco.mj_step(model, data)\n    if data.time > 1 and model.opt.gravity[2] < -5:\n"
                             "        model.opt.gravity[2] = -1.62"))
    result = physics.run(source)
    assert result.outcome is Outcome.OK, result.detail
    assert values(result, "param/body/pole/mass") == [2.0]
    gravity = [(round(e.t, 3), e.value) for e in result.trace if e.channel == "param/opt/gravity.z"]
    assert gravity == [(0.0, -9.81), (1.0, -1.62)]


def test_state_set_before_the_first_step_is_initial_after_it_a_write(physics):
    source = rewrite("    mujoco.mj_step(model, data)",
                     "    mujoco.mj_step(model, data)\n    if abs(data.time - 1.0) < 1e-9:\n        data.qvel[0] = 2.0")
    result = physics.run(source)
    writes = [(e.channel, round(e.t, 3), e.value) for e in result.trace if e.channel.startswith("write/")]
    assert writes == [("write/joint/hinge/qvel", 1.0, 2.0)]
    assert values(result, "joint/hinge/qpos")[0] == 0.5


@pytest.mark.parametrize(("old", "new", "message"), [
    ('<mujoco model="pendulum">', '<mujoco model="pendulum"><compiler meshdir="/usr"/>', "may not read files"),
    ("    mujoco.mj_step(model, data)", "    mujoco.mj_step1(model, data)", "mj_step1/mj_step2"),
    ("data.qpos[0] = 0.5", "data.qpos[0] = 0.5\nmodel.jnt_type[0] = 2", "cannot change after compiling"),
    ("data.qpos[0] = 0.5", "data.qpos[0] = 0.5\nmodel.opt.timestep = 0", "timestep must be in"),
    ("data = mujoco.MjData(model)", "model = mujoco.MjModel.from_binary_path('x.mjb')", "MJCF models"),
])
def test_what_cannot_be_replayed_is_the_programs_error(physics, old, new, message):
    result = physics.run(rewrite(old, new))
    assert result.outcome is Outcome.ERROR
    assert message in result.detail


def test_copies_of_models_and_data_are_recorded(physics):
    source = rewrite("data = mujoco.MjData(model)", "import copy\nmodel = copy.deepcopy(model)\n"
                     "model.dof_damping[0] = 0.5\ndata = copy.copy(mujoco.MjData(model))")
    result = physics.run(source)
    assert result.outcome is Outcome.OK, result.detail
    assert values(result, "param/joint/hinge/damping") == [0.5]


def test_a_second_simulation_has_its_own_prefix(physics):
    source = PENDULUM + "\nother = mujoco.MjData(model)\nmujoco.mj_step(model, other, nstep=100)\n"
    result = physics.run(source)
    assert values(result, "sim1/joint/hinge/qpos")[0] == 0.0
    assert len(values(result, "sim1/joint/hinge/qpos")) == 21
    assert values(result, "joint/hinge/qpos")[0] == 0.5


def test_a_flex_cloth_runs_its_nodes_are_recorded_and_a_giant_one_is_refused_before_compiling(physics):
    result = physics.run(CLOTH)
    assert result.outcome is Outcome.OK, result.detail
    assert values(result, "body/sheet_15/pos.z")[-1] == float(result.output)  # the trusted side's own simulation
    assert values(result, "body/sheet_15/pos.z")[0] == 1.0 and float(result.output) < 0.95  # the corner falls
    assert 0 < values(result, "param/body/sheet_15/mass")[0] < 0.2
    spec = physics.run(rewrite("mujoco.MjModel.from_xml_string(XML)", "mujoco.MjSpec.from_string(XML).compile()",
                               CLOTH))
    assert spec.outcome is Outcome.OK, spec.detail
    assert values(spec, "body/sheet_15/pos.z") == pytest.approx(values(result, "body/sheet_15/pos.z"), abs=1e-12)
    giant = physics.run(rewrite('count="4 4 1"', 'count="30 30 1"', CLOTH))  # 900 nodes
    assert giant.outcome is Outcome.BUDGET and "flex nodes" in giant.detail
