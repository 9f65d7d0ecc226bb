"""Arms reaching targets under PD control: joint PD with gravity compensation, a SCARA with analytic inverse
kinematics, built-in position servos, Jacobian-transpose Cartesian control, a pan-tilt turret tracking a target."""

from __future__ import annotations

from physics_suite.mjcf import el
from physics_suite.parts import mj
from physics_suite.program import Turn

X, Y, Z = [1, 0, 0], [0, 1, 0], [0, 0, 1]
NO_CONTACT = {"contype": 0, "conaffinity": 0}


def _link(body, joint, pos, end, mass, *children, axis=Y, damping=0.1, radius=0.03):
    return el("body", el("joint", name=joint, axis=axis, damping=damping),
              el("geom", name=f"{body}_geom", type="capsule", fromto=[0, 0, 0, *end], size=radius, mass=mass,
                 **NO_CONTACT), *children, name=body, pos=list(pos))


def _motor(name, joint, limit):
    return el("motor", name=name, joint=joint, gear=1, ctrlrange=[-limit, limit])


def _vec(values):
    return "np.array([" + ", ".join(repr(float(v)) for v in values) + "])"


def joint_pd() -> list[Turn]:
    def model(wrist=False):
        if wrist:
            tip = _link("hand", "wrist", (0.35, 0, 0), [0.15, 0, 0], 0.3, el("site", name="tip", pos=[0.15, 0, 0]),
                        radius=0.02)
        else:
            tip = el("site", name="tip", pos=[0.35, 0, 0])
        fore = _link("forearm", "elbow", (0.4, 0, 0), [0.35, 0, 0], 0.7, tip, radius=0.025)
        upper = _link("upper_arm", "shoulder", (0, 0, 1), [0.4, 0, 0], 1.0, fore)
        acts = [_motor("shoulder_motor", "shoulder", 30), _motor("elbow_motor", "elbow", 30)]
        if wrist:
            acts.append(_motor("wrist_motor", "wrist", 30))
        return mj(upper, actuator=acts)

    def program(n, target, kp, kd):
        setup = [f"TARGET = {_vec(target)}", f"KP = {_vec(kp)}", f"KD = {_vec(kd)}"]
        control = [f"data.ctrl[:] = KP * (TARGET - data.qpos[:{n}]) - KD * data.qvel[:{n}] + data.qfrc_bias[:{n}]"]
        return {"setup": setup, "control": control}

    arm = ("Two-link arm in the vertical x-z plane, hinges about y with 0.1 N*m*s/rad damping, no contacts: body "
           "`upper_arm` at (0, 0, 1) m on `shoulder`, capsule `upper_arm_geom` (radius 0.03 m, 1 kg) from the "
           "joint to (0.4, 0, 0) m; body `forearm` at (0.4, 0, 0) m on `elbow`, capsule `forearm_geom` (radius "
           "0.025 m, 0.7 kg) to (0.35, 0, 0) m, ending in site `tip`. Both joints read 0 with the arm "
           "horizontal along +x. Motors `shoulder_motor` and `elbow_motor` (gear 1, range -30..30 N*m)")
    t1 = Turn(
        arm + ". Every step apply joint PD with gravity compensation: ctrl = KP*(target - qpos) - KD*qvel + "
        "qfrc_bias, targets (0.8, -1.2) rad, KP (60, 40) N*m/rad, KD (8, 5) N*m*s/rad. Start at rest at 0; "
        "simulate 3 s at 2 ms.", model(), 3, **program(2, (0.8, -1.2), (60, 40), (8, 5)))
    t2 = Turn(
        "New pose and stiffer gains: targets (-0.5, 1.4) rad, KP (100, 60), KD (10, 6). 3 s.",
        model(), 3, **program(2, (-0.5, 1.4), (100, 60), (10, 6)))
    t3 = Turn(
        "Add a wrist: body `hand` at the end of the forearm ((0.35, 0, 0) m) on hinge `wrist` (y axis, 0.1 "
        "N*m*s/rad), capsule `hand_geom` (radius 0.02 m, 0.3 kg) to (0.15, 0, 0) m, the site `tip` moved to its "
        "end, and motor `wrist_motor` (gear 1, -30..30 N*m). Same PD law on all three joints: targets "
        "(-0.5, 1.4, 0.6) rad, KP (100, 60, 8), KD (10, 6, 0.6). 3 s.",
        model(True), 3, difficulty="complex", **program(3, (-0.5, 1.4, 0.6), (100, 60, 8), (10, 6, 0.6)))
    return [t1, t2, t3]


IK = ["L1, L2 = 0.4, 0.3", "KP, KD = 30.0, 3.0", "", "",
      "def ik(x, y, elbow=1):",
      "    c2 = (x * x + y * y - L1 * L1 - L2 * L2) / (2 * L1 * L2)",
      "    q2 = elbow * np.arccos(np.clip(c2, -1, 1))",
      "    q1 = np.arctan2(y, x) - np.arctan2(L2 * np.sin(q2), L1 + L2 * np.cos(q2))",
      "    return np.array([q1, q2])", ""]


def scara() -> list[Turn]:
    def model(quill=False):
        end = [el("site", name="tool", pos=[0.3, 0, 0])]
        if quill:
            end = [el("body", el("joint", name="quill", type="slide", axis=Z),
                      el("geom", name="quill_geom", type="cylinder", size=[0.02, 0.05], mass=0.2, **NO_CONTACT),
                      el("site", name="tool", pos=[0, 0, -0.05]), name="spindle", pos=[0.3, 0, 0])]
        link2 = _link("link2", "joint2", (0.4, 0, 0), [0.3, 0, 0], 0.6, *end, axis=Z, damping=0.05, radius=0.025)
        link1 = _link("link1", "joint1", (0, 0, 0.5), [0.4, 0, 0], 1.0, link2, axis=Z, damping=0.05)
        acts = [_motor("motor1", "joint1", 10), _motor("motor2", "joint2", 10)]
        if quill:
            acts.append(el("position", name="quill_servo", joint="quill", kp=200, kv=10))
        return mj(link1, option={"integrator": "implicitfast"} if quill else None, actuator=acts)

    arm = ("SCARA arm in the horizontal plane (hinges about z, 0.05 N*m*s/rad damping, no contacts): body `link1` "
           "at (0, 0, 0.5) m on `joint1`, capsule `link1_geom` (radius 0.03 m, 1 kg) to (0.4, 0, 0) m; body "
           "`link2` at (0.4, 0, 0) m on `joint2`, capsule `link2_geom` (radius 0.025 m, 0.6 kg) to (0.3, 0, 0) m "
           "with site `tool` at its end. Motors `motor1`, `motor2` (gear 1, range -10..10 N*m)")
    law = ("Solve the two-link inverse kinematics analytically (cos q2 = (x^2 + y^2 - 0.4^2 - 0.3^2)/(2*0.4*0.3), "
           "q1 = atan2(y, x) - atan2(0.3 sin q2, 0.4 + 0.3 cos q2)) and apply joint PD ctrl = 30*(q* - q) - "
           "3*qdot every step")
    t1 = Turn(arm + ". Reach the point (0.5, 0.3) m in the plane with the elbow-positive solution (q2 = +acos). "
              + law + ". Start at rest at 0; simulate 3 s at 2 ms.", model(), 3, setup=IK + ["TARGET = ik(0.5, 0.3)"],
              control=["data.ctrl[:] = KP * (TARGET - data.qpos[:2]) - KD * data.qvel[:2]"])
    t2 = Turn("Reach (-0.2, 0.55) m instead, with the elbow-negative solution (q2 = -acos). Same PD; 3 s.",
              model(), 3, setup=IK + ["TARGET = ik(-0.2, 0.55, elbow=-1)"],
              control=["data.ctrl[:] = KP * (TARGET - data.qpos[:2]) - KD * data.qvel[:2]"])
    t3 = Turn(
        "Add the vertical quill and a two-point job: body `spindle` at the end of `link2` ((0.3, 0, 0) m) on "
        "slide `quill` along z, a 0.2 kg cylinder `quill_geom` (radius 0.02 m, half height 0.05 m) with the site "
        "`tool` moved to (0, 0, -0.05) m in it; a position servo `quill_servo` (kp 200, kv 10) holds the quill at "
        "-0.1 m. Use the implicitfast integrator. Go to (0.5, 0.3) m (elbow positive) until t = 1.5 s, then to "
        "(-0.2, 0.55) m (elbow negative); simulate 3.5 s.", model(True), 3.5, difficulty="complex",
        setup=IK + ["WAYPOINTS = [ik(0.5, 0.3), ik(-0.2, 0.55, elbow=-1)]"],
        control=["target = WAYPOINTS[0] if data.time < 1.5 else WAYPOINTS[1]",
                 "data.ctrl[:2] = KP * (target - data.qpos[:2]) - KD * data.qvel[:2]", "data.ctrl[2] = -0.1"])
    return [t1, t2, t3]


def servos() -> list[Turn]:
    def model(kp, payload=False):
        grip = [el("site", name="gripper", pos=[0.3, 0, 0])]
        if payload:
            grip.append(el("geom", name="payload", type="sphere", size=0.04, pos=[0.3, 0, 0], mass=0.5,
                           **NO_CONTACT))
        lower = _link("lower", "elbow", (0, 0, 0.4), [0.3, 0, 0], 0.6, *grip, radius=0.025)
        upper = _link("upper", "shoulder", (0, 0, 0.1), [0, 0, 0.4], 1.0, lower)
        turntable = el("body", el("joint", name="base_yaw", axis=Z, damping=0.1),
                       el("geom", name="turntable_geom", type="cylinder", size=[0.1, 0.05], mass=2, **NO_CONTACT),
                       upper, name="turntable", pos=[0, 0, 0.1])
        acts = [el("position", name=f"{j}_servo", joint=j, kp=k, kv=k / 10)
                for j, k in zip(("base_yaw", "shoulder", "elbow"), kp, strict=True)]
        sensors = [el("framepos", name="gripper_pos", objtype="site", objname="gripper")] if payload else []
        return mj(turntable, option={"integrator": "implicitfast"}, actuator=acts, sensor=sensors)

    arm = ("Three-joint arm with built-in position servos, no contacts: body `turntable` at (0, 0, 0.1) m on "
           "hinge `base_yaw` about z (0.1 N*m*s/rad damping), a 2 kg cylinder `turntable_geom` (radius 0.1 m, "
           "half height 0.05 m); body `upper` at (0, 0, 0.1) m on it, hinge `shoulder` about y, capsule "
           "`upper_geom` (radius 0.03 m, 1 kg) straight up to (0, 0, 0.4) m; body `lower` at (0, 0, 0.4) m on "
           "hinge `elbow` about y, capsule `lower_geom` (radius 0.025 m, 0.6 kg) to (0.3, 0, 0) m and site "
           "`gripper` at its end (shoulder and elbow damping 0.1 N*m*s/rad). Position actuators `base_yaw_servo`, "
           "`shoulder_servo`, `elbow_servo` with kp {kp} and kv a tenth of each. implicitfast, 2 ms")
    t1 = Turn(arm.format(kp="50, 80, 40") + ". Command (0.5, 0.7, -1.0) rad and simulate 3 s.",
              model((50, 80, 40)), 3, control=["data.ctrl[:] = [0.5, 0.7, -1.0]"])
    t2 = Turn("Double the servo stiffness (kp 100, 160, 80; kv 10, 16, 8) and command (-0.8, 0.4, -0.6) rad. "
              "3 s.", model((100, 160, 80)), 3, control=["data.ctrl[:] = [-0.8, 0.4, -0.6]"])
    t3 = Turn("Pick up a payload: a 0.5 kg sphere `payload` (radius 0.04 m, no contacts) fixed at the gripper, "
              "and a framepos sensor `gripper_pos` on site `gripper`. Same servos and command; 3 s.",
              model((100, 160, 80), True), 3, control=["data.ctrl[:] = [-0.8, 0.4, -0.6]"], difficulty="complex")
    return [t1, t2, t3]


def cartesian() -> list[Turn]:
    def model():
        ee = el("site", name="ee", pos=[0.35, 0, 0])
        link2 = _link("link2", "joint2", (0.4, 0, 0), [0.35, 0, 0], 0.5, ee, radius=0.025)
        link1 = _link("link1", "joint1", (0, 0, 1), [0.4, 0, 0], 0.8, link2)
        return mj(link1, actuator=[_motor(f"motor{i}", f"joint{i}", 40) for i in (1, 2)])

    jt = ["mujoco.mj_jacSite(model, data, JACP, None, model.site(\"ee\").id)",
          "velocity = JACP @ data.qvel",
          "force = KP * (target - data.site(\"ee\").xpos) - KD * velocity",
          "data.ctrl[:] = JACP.T @ force + data.qfrc_bias"]
    init = ['data.joint("joint2").qpos[0] = 0.5']
    arm = ("Two-link arm in the x-z plane, hinges about y (0.1 N*m*s/rad), no contacts: body `link1` at (0, 0, 1) m "
           "on `joint1`, capsule `link1_geom` (radius 0.03 m, 0.8 kg) to (0.4, 0, 0) m; `link2` at (0.4, 0, 0) m "
           "on `joint2`, `link2_geom` (radius 0.025 m, 0.5 kg) to (0.35, 0, 0) m with site `ee` at its end. Motors "
           "`motor1`, `motor2` (gear 1, range -40..40 N*m). Control the end effector in Cartesian space with the "
           "Jacobian transpose: every step get the site's translational Jacobian (mj_jacSite, 3 x 2), force = "
           "KP*(target - ee position) - KD*(J qdot), ctrl = J^T force + qfrc_bias. Start at rest with `joint2` "
           "bent to 0.5 rad (away from the stretched singularity)")
    t1 = Turn(arm + ", KP 200 N/m, KD 20 N*s/m, target (0.45, 0, 1.35) m; 3 s at 2 ms.", model(), 3, init=init,
              setup=["target = np.array([0.45, 0.0, 1.35])", "KP, KD = 200.0, 20.0", "JACP = np.zeros((3, 2))"],
              control=jt)
    t2 = Turn("Reach higher with stiffer gains: target (0.2, 0, 1.6) m, KP 300, KD 30. 3 s.", model(), 3, init=init,
              setup=["target = np.array([0.2, 0.0, 1.6])", "KP, KD = 300.0, 30.0", "JACP = np.zeros((3, 2))"],
              control=jt)
    t3 = Turn(
        "Track a moving target: a circle of radius 0.1 m about (0.4, 0, 1.3) m in the x-z plane at 2 rad/s, "
        "target = centre + 0.1*(cos 2t, 0, sin 2t), recomputed every step. KP 300, KD 30; simulate 4 s.",
        model(), 4, init=init, difficulty="complex",
        setup=["CENTER, RADIUS, RATE = np.array([0.4, 0.0, 1.3]), 0.1, 2.0", "KP, KD = 300.0, 30.0",
               "JACP = np.zeros((3, 2))"],
        control=["angle = RATE * data.time",
                 "target = CENTER + RADIUS * np.array([np.cos(angle), 0.0, np.sin(angle)])", *jt])
    return [t1, t2, t3]


def turret() -> list[Turn]:
    def model(ranged=False):
        barrel_parts = [el("site", name="muzzle", pos=[0.5, 0, 0], zaxis=[1, 0, 0])]
        barrel = _link("barrel", "tilt", (0, 0, 0.1), [0.5, 0, 0], 0.5, *barrel_parts, damping=0.05, radius=0.02)
        base = el("body", el("joint", name="pan", axis=Z, damping=0.05),
                  el("geom", name="turret_geom", type="cylinder", size=[0.1, 0.05], mass=2, **NO_CONTACT), barrel,
                  name="turret", pos=[0, 0, 1])
        world = [base]
        sensors = []
        if ranged:
            world.append(el("body", el("geom", name="target_box", type="box", size=[0.1, 0.1, 0.1]),
                            name="target", mocap=True, pos=[2, -1, 1.5]))
            sensors = [el("rangefinder", name="range", site="muzzle")]
        acts = [el("position", name=f"{j}_servo", joint=j, kp=20, kv=2) for j in ("pan", "tilt")]
        return mj(*world, option={"integrator": "implicitfast"}, actuator=acts, sensor=sensors)

    aim = ["px, py, pz = target_at(data.time)",
           "data.ctrl[:] = [np.arctan2(py, px), -np.arctan2(pz - 1.1, np.hypot(px, py))]"]
    arm = ("Pan-tilt turret tracking a moving point, no contacts: body `turret` at (0, 0, 1) m on hinge `pan` "
           "about z (0.05 N*m*s/rad), a 2 kg cylinder `turret_geom` (radius 0.1 m, half height 0.05 m); body "
           "`barrel` at (0, 0, 0.1) m on it, hinge `tilt` about y (0.05 N*m*s/rad; positive tilts the muzzle "
           "down), capsule `barrel_geom` (radius 0.02 m, 0.5 kg) to (0.5, 0, 0) m with site `muzzle` at its end "
           "whose z axis points along the barrel (zaxis 1 0 0). Position servos `pan_servo` and `tilt_servo` "
           "(kp 20, kv 2). Each step aim at the target p(t): pan = atan2(py, px), tilt = -atan2(pz - 1.1, "
           "hypot(px, py)). implicitfast, 2 ms")
    line = ["def target_at(t):", "    return 2.0, -1.0 + 0.5 * t, 1.5"]
    t1 = Turn(arm + ". Target p(t) = (2, -1 + 0.5 t, 1.5) m. Simulate 4 s.", model(), 4, setup=line, control=aim)
    weave = ["def target_at(t):", "    return 1.5 + 0.3 * np.sin(t), 1.0 - 0.4 * t, 0.8"]
    t2 = Turn("A weaving, lower target: p(t) = (1.5 + 0.3 sin t, 1 - 0.4 t, 0.8) m. 4 s.", model(), 4,
              setup=weave, control=aim)
    t3 = Turn(
        "Make the target real and range it: a mocap body `target` (box `target_box`, half size 0.1 m) that the "
        "program moves to p(t) every step (data.mocap_pos), back on the first path p(t) = (2, -1 + 0.5 t, 1.5) m "
        "and starting there; and a rangefinder `range` on site `muzzle`. Simulate 4 s.", model(True), 4,
        setup=line, control=["data.mocap_pos[0] = target_at(data.time)", *aim], difficulty="complex")
    return [t1, t2, t3]


TASKS = {"joint-pd": joint_pd, "scara": scara, "servos": servos, "cartesian": cartesian, "turret": turret}
