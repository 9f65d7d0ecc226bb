# expect: timeout
# Asks the trusted side for a billion steps in one record.
import mujoco

from twinbench.twins.physics import client

XML = """<mujoco><worldbody><body name="pole" pos="0 0 1"><joint name="hinge" axis="0 1 0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
mujoco.mj_step(model, data)
client._recorder.flush()
client._recorder.link.call("log", records=[["step", 0, 10**9]])
