"""Physics program variants: each transformation on small programs (how they score through the twin, on a sample
of the suite: tests/twins/physics/test_physics_suite.py)."""

import ast
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.twins.physics.variants import (
    EQUIVALENT,
    WRONG,
    halved_timestep,
    missing_body,
    mjcf_via_mjspec,
    other_integrator,
    wrong_damping,
    wrong_gain,
    wrong_initial_angle,
    wrong_joint_type,
    wrong_length,
    wrong_mass,
)

XML = '''<mujoco>
  <option timestep="0.002"/>
  <worldbody>
    <body name="arm" pos="0 0 2">
      <joint name="swing" axis="0 1 0" damping="0.1"/>
      <geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.02" mass="0.1"/>
      <geom name="bob" type="sphere" size="0.05" pos="0 0 -1" mass="2"/>
      <body name="tip" pos="0 0 -1">
        <joint name="elbow" axis="0 1 0"/>
        <geom name="tip_geom" type="sphere" size="0.03" mass="0.5"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <position name="servo" joint="swing" kp="40"/>
  </actuator>
</mujoco>'''
PROGRAM = f'''import mujoco
import numpy as np

XML = """
{XML}
"""

KP, KD = 30.0, 3.0
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.joint("swing").qpos[0] = np.deg2rad(30)
while data.time < 2:
    data.ctrl[0] = KP * 0.1
    mujoco.mj_step(model, data)
'''


def _xml(program: str) -> str:
    return next(n.value for n in ast.walk(ast.parse(program)) if isinstance(n, ast.Constant)
                and isinstance(n.value, str) and "<mujoco" in n.value)


def test_model_edits():
    assert 'name="bob" type="sphere" size="0.05" pos="0 0 -1" mass="3"' in _xml(wrong_mass(PROGRAM))
    longer = _xml(wrong_length(PROGRAM))
    assert 'fromto="0 0 0 0 0 -1.5"' in longer and 'pos="0 0 -1.5" mass="2"' in longer
    assert '<body name="tip" pos="0 0 -1.5">' in longer
    assert 'damping="0.3"' in _xml(wrong_damping(PROGRAM))
    assert '<joint name="swing" axis="0 1 0" damping="0.1" type="slide"' in _xml(wrong_joint_type(PROGRAM))
    assert '<body name="tip"' not in _xml(missing_body(PROGRAM))  # the leaf nothing else names


def test_program_edits():
    assert "qpos[0] = np.deg2rad(45.0)" in wrong_initial_angle(PROGRAM)
    assert "KP, KD = 60.0, 3.0" in wrong_gain(PROGRAM)
    assert 'kp="80"' in _xml(wrong_gain(PROGRAM.replace("KP, KD = 30.0, 3.0\n", "").replace("KP * ", "")))
    assert 'timestep="0.001"' in _xml(halved_timestep(PROGRAM))
    assert 'integrator="implicitfast"' in _xml(other_integrator(PROGRAM))
    assert "mujoco.MjSpec.from_string(XML).compile()" in mjcf_via_mjspec(PROGRAM)


def test_builder_programs_are_edited_in_their_calls():
    spec = ("import mujoco\nspec = mujoco.MjSpec()\nspec.option.timestep = 0.002\nworld = spec.worldbody\n"
            "arm = world.add_body(name='arm')\narm.add_joint(name='swing', axis=[0, 1, 0], damping=0.1)\n"
            "arm.add_geom(type=mujoco.mjtGeom.mjGEOM_CAPSULE, fromto=[0, 0, 0, 0, 0, -1], size=[0.02, 0, 0], "
            "mass=0.5)\nmodel = spec.compile()\n")
    assert "mass=0.75" in wrong_mass(spec) and "damping=0.30000000000000004" in wrong_damping(spec)
    assert "fromto=[0.0, 0.0, 0.0, 0.0, 0.0, -1.5]" in wrong_length(spec)
    assert "name='swing', type=mujoco.mjtJoint.mjJNT_SLIDE" in wrong_joint_type(spec)
    assert "spec.option.timestep = 0.001" in halved_timestep(spec)
    assert "spec.option.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST" in other_integrator(spec)
    assert missing_body(spec) is None and mjcf_via_mjspec(spec) is None


def test_inapplicable_variants_say_so():
    plain = "import mujoco\nx = 1\n"
    assert all(WRONG[k](plain) is None for k in WRONG)
    assert all(EQUIVALENT[k](plain) is None for k in ("halved_timestep", "other_integrator", "mjcf_via_mjspec"))


@settings(max_examples=60, deadline=None)
@given(masses=st.lists(st.floats(0.01, 100, allow_nan=False), min_size=1, max_size=5),
       timestep=st.sampled_from([0.0005, 0.001, 0.002, 0.005]))
def test_the_heaviest_mass_and_only_it_changes_and_the_timestep_halves(masses, timestep):
    bodies = "".join(f'<body name="b{i}" pos="{i} 0 0"><joint name="j{i}"/><geom name="g{i}" size="0.1" '
                     f'mass="{m:.6g}"/></body>' for i, m in enumerate(masses))
    program = f'XML = """<mujoco><option timestep="{timestep}"/><worldbody>{bodies}</worldbody></mujoco>"""\n'
    before = [float(f"{m:.6g}") for m in masses]
    tree = ET.fromstring(_xml(wrong_mass(program)))
    after = [float(g.get("mass")) for g in tree.iter("geom")]
    heaviest = before.index(max(before))
    assert after[heaviest] == pytest.approx(before[heaviest] * 1.5, rel=1e-5)
    assert [a for i, a in enumerate(after) if i != heaviest] == [b for i, b in enumerate(before) if i != heaviest]
    halved = ET.fromstring(_xml(halved_timestep(program)))
    assert float(halved.find("option").get("timestep")) == pytest.approx(timestep / 2, rel=1e-5)

