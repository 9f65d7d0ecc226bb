# expect: forbidden
# Edits a joint's position address in the trusted model so that MuJoCo would read past its arrays.
import mujoco

from twinbench.twins.physics import client

XML = """<mujoco><worldbody><body name="pole" pos="0 0 1"><joint name="hinge" axis="0 1 0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
mujoco.mj_step(model, data)
client._recorder.flush()
client._recorder.link.call("log", records=[["edit", 0, "jnt_qposadr", [0], [1000000]], ["step", 0, 10]])
