# expect: ok
# Turns the recorder off, then simulates a pendulum nobody sees.
import mujoco

from twinbench.twins.physics import client

client.Recorder.before_step = lambda self, m, d, n: None
client.Recorder.after_step = lambda self, m, d: None
XML = """<mujoco><option timestep="0.002"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
while data.time < 3.0:
    mujoco.mj_step(model, data)
