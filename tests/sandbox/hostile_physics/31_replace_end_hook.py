# expect: error
# Swings a different pendulum, then replaces the client's end() so the log's tail is never sent.
import mujoco

from twinbench.twins.physics import client


def silent() -> None:
    raise RuntimeError("nothing more to send")


client.end = silent
XML = """<mujoco><option timestep="0.002"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.4
while data.time < 3.0:
    mujoco.mj_step(model, data)
