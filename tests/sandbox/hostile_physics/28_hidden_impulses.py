# expect: ok
# A gravity-free pendulum pushed along by forces applied only between the twin's sample times.
import mujoco

XML = """<mujoco><option timestep="0.002" gravity="0 0 0"/><worldbody><body name="pole" pos="0 0 1">
<joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
<geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.01" mass="0"/>
<geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/></body></worldbody>
<sensor><jointpos name="angle" joint="hinge"/></sensor></mujoco>"""
model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
step = 0
while data.time < 3.0:
    on_sample = step % 5 == 4  # the step that lands on a 10 ms grid point
    data.qfrc_applied[0] = 0.0 if on_sample else -9.81 * 1.25 * data.qpos[0]
    mujoco.mj_step(model, data)
    step += 1
