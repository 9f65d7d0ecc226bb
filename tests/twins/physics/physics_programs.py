"""Programs the physics tests run: the example pendulum, and rewrites of it that are equal or wrong."""

from pathlib import Path

EXAMPLES = Path(__file__).parents[3] / "examples" / "physics"
PENDULUM = (EXAMPLES / "pendulum.py").read_text()


def rewrite(old: str, new: str, source: str = PENDULUM) -> str:
    """`source` with `old` replaced; fails loudly when `old` is not there (the rewrite would test nothing)."""
    assert old in source, old
    return source.replace(old, new)


OPTION = '<option timestep="0.002"/>'
EQUAL = {
    "half_timestep": rewrite(OPTION, '<option timestep="0.001"/>'),
    "rk4": rewrite(OPTION, '<option timestep="0.002" integrator="RK4"/>'),
    "implicitfast": rewrite(OPTION, '<option timestep="0.002" integrator="implicitfast"/>'),
    "nstep": rewrite("while data.time < 3.0:\n    mujoco.mj_step(model, data)",
                     "mujoco.mj_step(model, data, nstep=1500)"),
    "timestep_in_code": rewrite("data = mujoco.MjData(model)",
                                "model.opt.timestep = 0.0005\ndata = mujoco.MjData(model)"),
}
WRONG = {
    "mass": rewrite('size="0.05" mass="1"', 'size="0.05" mass="1.5"'),
    "length": rewrite('<geom name="bob" type="sphere" pos="0 0 -1"', '<geom name="bob" type="sphere" pos="0 0 -1.2"'),
    "initial_angle": rewrite("data.qpos[0] = 0.5", "data.qpos[0] = 0.6"),
    "damping": rewrite('damping="0.02"', 'damping="0.3"'),
    "joint_type": rewrite('type="hinge" axis="0 1 0"', 'type="slide" axis="1 0 0"'),
    "gravity": rewrite(OPTION, '<option timestep="0.002" gravity="0 0 -1.62"/>'),
    "missing_body": rewrite('<body name="pole" pos="0 0 1">', '<body name="stick" pos="0 0 1">'),
    "too_short": rewrite("data.time < 3.0", "data.time < 2.0"),
}

# The pendulum held by a position servo at 0.2 rad: its gain is a parameter a rewrite must keep.
SERVO = rewrite("</sensor>", '</sensor>\n  <actuator><position name="servo" joint="hinge" kp="20"/></actuator>',
                rewrite("data.qpos[0] = 0.5", "data.qpos[0] = 0.5\ndata.ctrl[0] = 0.2"))
WRONG_GAIN = rewrite('kp="20"', 'kp="30"', SERVO)

# A flex cloth: a 4 x 4 flexcomp grid pinned at two corners, falling onto nothing. MuJoCo names its free nodes'
# bodies sheet_1 ... sheet_14 (sheet_0 and sheet_3 are pinned to the world).
CLOTH = '''import mujoco

XML = """
<mujoco>
  <option timestep="0.002"/>
  <worldbody>
    <flexcomp name="sheet" type="grid" count="4 4 1" spacing="0.1 0.1 0.1" pos="0 0 1" radius="0.005" dim="2"
              mass="0.2">
      <edge equality="true"/>
      <pin id="0 3"/>
    </flexcomp>
  </worldbody>
</mujoco>
"""

model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
while data.time < 0.5:
    mujoco.mj_step(model, data)
mujoco.mj_forward(model, data)
print(repr(float(data.body("sheet_15").xpos[2])))
'''
