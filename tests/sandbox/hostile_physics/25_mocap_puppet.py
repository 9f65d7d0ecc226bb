# expect: ok
# A mocap body named like the pendulum, moved along the reference motion: kinematics, no joint.
import math

import mujoco

XML = """<mujoco><worldbody><body name="pole" pos="0 0 1" mocap="true">
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" contype="0" conaffinity="0"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
while data.time < 3.0:
    angle = 0.5 * math.cos(3.13 * data.time)
    data.mocap_quat[0] = [math.cos(angle / 2), 0, math.sin(angle / 2), 0]
    mujoco.mj_step(model, data)
