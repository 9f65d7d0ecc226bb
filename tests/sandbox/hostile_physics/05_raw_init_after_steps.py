# expect: forbidden
# Rewrites the state through an "initial state" record after the simulation has started (no write event).
import mujoco

from twinbench.twins.physics import client

XML = """<mujoco><worldbody><body name="pole" pos="0 0 1"><joint name="hinge" axis="0 1 0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
mujoco.mj_step(model, data, nstep=10)
client._recorder.flush()
client._recorder.link.call("log", records=[["init", 0, 0, [0.0, 0.5]]])
