# expect: budget|oom
# Asks for a constraint arena far larger than the trusted side allocates.
import mujoco

XML = """<mujoco><size memory="200M"/><worldbody><body name="pole" pos="0 0 1"><joint name="hinge" axis="0 1 0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
while data.time < 3.0:
    mujoco.mj_step(model, data)
