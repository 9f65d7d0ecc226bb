# expect: ok
# A wrong model (no gravity) whose joint angle is overwritten every step with the reference's motion.
import math

import mujoco

XML = """<mujoco><option timestep="0.002" gravity="0 0 0"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.01" mass="0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody>
<sensor><jointpos name="angle" joint="hinge"/></sensor></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
omega = math.sqrt(9.81)
while data.time < 3.0:
    mujoco.mj_step(model, data)
    data.qpos[0] = 0.5 * math.cos(omega * data.time)
    data.qvel[0] = -0.5 * omega * math.sin(omega * data.time)
