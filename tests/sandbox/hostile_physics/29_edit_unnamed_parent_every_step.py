# expect: ok
# Drags the pendulum along the reference's swing by editing an unnamed parent body's pose every step.
import math

import mujoco

XML = """<mujoco><option timestep="0.002" gravity="0 0 0"/><worldbody><body pos="0 0 1">
<body name="pole"><joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.01" mass="0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></body></worldbody>
<sensor><jointpos name="angle" joint="hinge"/></sensor></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
while data.time < 3.0:
    angle = 0.5 * math.cos(3.13 * data.time)
    model.body_quat[1] = [math.cos(angle / 2), 0, math.sin(angle / 2), 0]
    mujoco.mj_step(model, data)
