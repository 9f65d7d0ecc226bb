"""A simple pendulum released from 0.5 rad, simulated for 3 s."""

import mujoco

XML = """
<mujoco model="pendulum">
  <option timestep="0.002"/>
  <worldbody>
    <body name="pole" pos="0 0 1">
      <joint name="hinge" type="hinge" axis="0 1 0" damping="0.02"/>
      <geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.01" mass="0"/>
      <geom name="bob" type="sphere" pos="0 0 -1" size="0.05" mass="1"/>
    </body>
  </worldbody>
  <sensor>
    <jointpos name="angle" joint="hinge"/>
  </sensor>
</mujoco>
"""

model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[0] = 0.5
while data.time < 3.0:
    mujoco.mj_step(model, data)
print(f"angle after {data.time:.3f} s: {data.qpos[0]:.4f} rad")
