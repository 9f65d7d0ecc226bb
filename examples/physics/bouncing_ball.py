"""A ball dropped on the floor: contacts start and end as it bounces."""

import mujoco

XML = """
<mujoco model="ball">
  <option timestep="0.001"/>
  <worldbody>
    <geom name="floor" type="plane" size="5 5 0.1"/>
    <body name="ball" pos="0 0 1">
      <freejoint name="ball_free"/>
      <geom name="ball_geom" type="sphere" size="0.1" mass="0.5" solref="0.01 0.2"/>
    </body>
  </worldbody>
  <sensor>
    <framepos name="ball_pos" objtype="body" objname="ball"/>
  </sensor>
</mujoco>
"""

model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qvel[0] = 0.5  # a little sideways speed
while data.time < 2.0:
    mujoco.mj_step(model, data)
print(f"ball at x={data.qpos[0]:.3f} z={data.qpos[2]:.3f}")
