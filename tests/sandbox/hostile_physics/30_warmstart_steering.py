# expect: ok
# One solver iteration and a crafted warm start every step, to bend the constraint forces.
import mujoco

XML = """<mujoco><option timestep="0.002" iterations="1"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02" range="-0.3 0.3" limited="true"/>
<geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.01" mass="0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody>
<sensor><jointpos name="angle" joint="hinge"/></sensor></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
while data.time < 3.0:
    data.qacc_warmstart[0] = -9.81 * data.qpos[0]
    mujoco.mj_step(model, data)
