# expect: timeout
# Steps forever.
import mujoco

XML = """<mujoco><worldbody><body name="pole" pos="0 0 1"><joint name="hinge" axis="0 1 0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
while True:
    mujoco.mj_step(model, data, nstep=100)
