# expect: budget
# A fresh MjData for every step, each a new simulation to replay.
import mujoco

XML = """<mujoco><worldbody><body name="pole" pos="0 0 1"><joint name="hinge" axis="0 1 0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
for _ in range(100):
    data = mujoco.MjData(model)
    data.qpos[0] = 0.5
    mujoco.mj_step(model, data)
