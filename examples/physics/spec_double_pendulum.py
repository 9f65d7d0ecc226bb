"""A double pendulum built with mujoco.MjSpec in code (chaotic: score it on a short horizon)."""

import mujoco

spec = mujoco.MjSpec()
spec.option.timestep = 0.001
upper = spec.worldbody.add_body(name="upper", pos=[0, 0, 2])
upper.add_joint(name="shoulder", type=mujoco.mjtJoint.mjJNT_HINGE, axis=[0, 1, 0])
upper.add_geom(name="upper_rod", type=mujoco.mjtGeom.mjGEOM_CAPSULE, fromto=[0, 0, 0, 0, 0, -1], size=[0.02, 0, 0],
               mass=1)
lower = upper.add_body(name="lower", pos=[0, 0, -1])
lower.add_joint(name="elbow", type=mujoco.mjtJoint.mjJNT_HINGE, axis=[0, 1, 0])
lower.add_geom(name="lower_rod", type=mujoco.mjtGeom.mjGEOM_CAPSULE, fromto=[0, 0, 0, 0, 0, -1], size=[0.02, 0, 0],
               mass=1)
model = spec.compile()
data = mujoco.MjData(model)
data.qpos[:] = [1.2, -0.4]
mujoco.mj_step(model, data, nstep=5000)
print(f"angles after {data.time:.2f} s: {data.qpos[0]:+.3f}, {data.qpos[1]:+.3f}")
