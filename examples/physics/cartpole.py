"""A cart-pole balanced by a PD controller on the pole angle, with a motor on the cart."""

import mujoco

XML = """
<mujoco model="cartpole">
  <option timestep="0.002" integrator="implicitfast"/>
  <worldbody>
    <geom name="floor" type="plane" size="5 5 0.1"/>
    <body name="cart" pos="0 0 0.2">
      <joint name="slider" type="slide" axis="1 0 0" damping="0.1"/>
      <geom name="cart_geom" type="box" size="0.2 0.1 0.05" mass="1"/>
      <body name="pole" pos="0 0 0.05">
        <joint name="hinge" type="hinge" axis="0 1 0"/>
        <geom name="pole_geom" type="capsule" fromto="0 0 0 0 0 0.6" size="0.02" mass="0.1"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="push" joint="slider" gear="1" ctrlrange="-20 20"/>
  </actuator>
  <sensor>
    <jointpos name="pole_angle" joint="hinge"/>
    <jointvel name="cart_speed" joint="slider"/>
  </sensor>
</mujoco>
"""

model = mujoco.MjModel.from_xml_string(XML)
data = mujoco.MjData(model)
data.qpos[1] = 0.1  # the pole starts tilted
while data.time < 4.0:
    angle, rate = data.qpos[1], data.qvel[1]
    data.ctrl[0] = 40.0 * angle + 8.0 * rate + 1.0 * data.qpos[0] + 2.0 * data.qvel[0]
    mujoco.mj_step(model, data)
print(f"pole angle {data.qpos[1]:+.4f} rad, cart at {data.qpos[0]:+.3f} m")
