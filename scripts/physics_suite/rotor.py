"""Rotors: spin-up, an unbalanced rotor on a flexible mount, a spinning top, the intermediate-axis flip, the
reaction torque of a motor on its housing."""

from __future__ import annotations

from physics_suite.mjcf import el
from physics_suite.parts import ball, mj
from physics_suite.program import Turn

X, Y, Z = [1, 0, 0], [0, 1, 0], [0, 0, 1]
NO_CONTACT = {"contype": 0, "conaffinity": 0}


def _disk(name, radius, half, mass, **attrs):
    return el("geom", name=name, type="cylinder", size=[radius, half], mass=mass, **NO_CONTACT, **attrs)


def spin_up() -> list[Turn]:
    def model(mass, frictionloss=None, flywheel=False):
        extra = []
        if flywheel:
            extra = [el("body", el("joint", name="shaft_twist", axis=Z, stiffness=50, damping=0.05),
                        _disk("flywheel_disk", 0.25, 0.02, 4), name="flywheel", pos=[0, 0, 0.3])]
        rotor = el("body", el("joint", name="spin", axis=Z, damping=0.01, frictionloss=frictionloss),
                   _disk("disk", 0.2, 0.02, mass), *extra, name="rotor", pos=[0, 0, 0.5])
        return mj(rotor, actuator=[el("motor", name="motor", joint="spin", gear=1)])

    t1 = Turn(
        "Spin up a rotor: body `rotor` at (0, 0, 0.5) m on hinge `spin` about z with 0.01 N*m*s/rad bearing "
        "damping, a disk `disk` (cylinder, radius 0.2 m, half height 0.02 m, 3 kg, no contacts). Motor `motor` "
        "on `spin` (gear 1) applies a constant 0.8 N*m from rest. Simulate 3 s at 2 ms.",
        model(3), 3, control=["data.ctrl[0] = 0.8"])
    t2 = Turn(
        "Heavier rotor with bearing friction: `disk` 5 kg, 0.05 N*m of frictionloss on `spin`, motor torque "
        "1.2 N*m. Simulate 3 s.", model(5, 0.05), 3, control=["data.ctrl[0] = 1.2"])
    t3 = Turn(
        "Add a flywheel on a flexible shaft: body `flywheel`, a child of `rotor` at (0, 0, 0.3) m, on hinge "
        "`shaft_twist` about z (torsional stiffness 50 N*m/rad, damping 0.05 N*m*s/rad, measured relative to the "
        "rotor), disk `flywheel_disk` (radius 0.25 m, half height 0.02 m, 4 kg, no contacts). Same drive; 3 s.",
        model(5, 0.05, True), 3, control=["data.ctrl[0] = 1.2"], difficulty="complex")
    return [t1, t2, t3]


def unbalanced() -> list[Turn]:
    def model(damping, two_d=False):
        mounts = [el("joint", name="mount_x", type="slide", axis=X, stiffness=2000, damping=damping)]
        if two_d:
            mounts.append(el("joint", name="mount_y", type="slide", axis=Y, stiffness=2000, damping=damping))
        rotor = el("body", el("joint", name="rotor_spin", axis=Z), _disk("rotor_disk", 0.15, 0.02, 2),
                   ball("unbalance", 0.01, 0.05, (0.12, 0, 0.03), **NO_CONTACT), name="rotor", pos=[0, 0, 0.1])
        housing = el("body", *mounts, el("geom", name="housing_box", type="box", size=[0.2, 0.2, 0.05], mass=10,
                                         **NO_CONTACT), rotor, name="housing", pos=[0, 0, 0.5])
        sensors = [el("jointpos", name=f"{j}_pos", joint=j) for j in ("mount_x", "mount_y")] if two_d else []
        return mj(housing, option={"integrator": "implicitfast"},
                  actuator=[el("velocity", name="spindle", joint="rotor_spin", kv=2)], sensor=sensors)

    t1 = Turn(
        "Unbalanced rotor on a flexible mount: body `housing` at (0, 0, 0.5) m slides along x on `mount_x` "
        "(stiffness 2000 N/m, damping 5 N*s/m), a 10 kg box `housing_box` (half sizes 0.2 x 0.2 x 0.05 m). Body "
        "`rotor` sits on it at (0, 0, 0.1) m and spins about z on `rotor_spin`: disk `rotor_disk` (radius "
        "0.15 m, half height 0.02 m, 2 kg) plus a 0.05 kg unbalance sphere `unbalance` (radius 0.01 m) at "
        "(0.12, 0, 0.03) m. No contacts. A velocity actuator `spindle` (kv 2) on `rotor_spin` is commanded to "
        "40 rad/s. implicitfast integrator, 2 ms; simulate 4 s.",
        model(5), 4, control=["data.ctrl[0] = 40.0"])
    t2 = Turn(
        "Run it near resonance: spindle command 13 rad/s, mount damping 10 N*s/m. Simulate 4 s.",
        model(10), 4, control=["data.ctrl[0] = 13.0"])
    t3 = Turn(
        "Free the mount in y too: add slide `mount_y` (y axis, 2000 N/m, 10 N*s/m) after `mount_x`, and jointpos "
        "sensors `mount_x_pos` and `mount_y_pos`, so the housing traces an orbit. Same command, 4 s.",
        model(10, True), 4, control=["data.ctrl[0] = 13.0"], difficulty="complex")
    return [t1, t2, t3]


def top() -> list[Turn]:
    def model(damping=None, sensor=False):
        body = el("body", el("joint", name="tip", type="ball", damping=damping),
                  el("geom", name="stem", type="capsule", fromto=[0, 0, 0, 0, 0, 0.15], size=0.005, mass=0.01,
                     **NO_CONTACT),
                  _disk("top_disk", 0.08, 0.01, 0.5, pos=[0, 0, 0.1]), name="top", pos=[0, 0, 0.5])
        sensors = [el("framezaxis", name="spin_axis", objtype="body", objname="top")] if sensor else []
        return mj(body, timestep=0.001, option={"integrator": "RK4"}, sensor=sensors)

    def init(tilt, spin):
        return [f"tilt = np.deg2rad({tilt})",
                'data.joint("tip").qpos[:] = [np.cos(tilt / 2), np.sin(tilt / 2), 0, 0]',
                f'data.joint("tip").qvel[:] = [0, 0, {spin}]']

    t1 = Turn(
        "Spinning top on a fixed pivot: body `top` at (0, 0, 0.5) m on ball joint `tip`, a thin stem `stem` "
        "(capsule from the pivot to (0, 0, 0.15) m, radius 0.005 m, 0.01 kg) and a disk `top_disk` (cylinder, "
        "radius 0.08 m, half height 0.01 m, 0.5 kg) centred at (0, 0, 0.1) m. No contacts, gravity on, RK4 "
        "integrator, 1 ms step. Tilt it 20 degrees about x (joint quaternion [cos(10 deg), sin(10 deg), 0, 0]) "
        "and spin it at 80 rad/s about its own axis (joint velocity [0, 0, 80]); simulate 2 s of precession.",
        model(), 2, init=init(20, 80))
    t2 = Turn(
        "Slower top, more tilt: 30 degrees about x and 50 rad/s of spin. Simulate 2 s.",
        model(), 2, init=init(30, 50))
    t3 = Turn(
        "Add pivot friction and watch the axis: 0.001 N*m*s/rad damping on `tip`, and a framezaxis sensor "
        "`spin_axis` on body `top`. Same start as before; 2 s.",
        model(0.001, True), 2, init=init(30, 50), difficulty="complex")
    return [t1, t2, t3]


def intermediate_axis() -> list[Turn]:
    def model(inertia, sensors=False):
        body = el("body", el("joint", name="gimbal", type="ball"),
                  el("inertial", pos=[0, 0, 0], mass=1, diaginertia=inertia),
                  el("geom", name="handle", type="box", size=[0.2, 0.05, 0.02], **NO_CONTACT),
                  el("site", name="imu_site", size=0.01), name="wingnut", pos=[0, 0, 1])
        sens = [el("gyro", name="body_rate", site="imu_site"),
                el("framequat", name="attitude", objtype="body", objname="wingnut")] if sensors else []
        return mj(body, timestep=0.001, option={"gravity": [0, 0, 0], "integrator": "RK4"}, sensor=sens)

    def init(spin):
        return [f'data.joint("gimbal").qvel[:] = [0.01, {spin}, 0]']

    t1 = Turn(
        "Intermediate-axis (Dzhanibekov) flip in zero gravity: body `wingnut` at (0, 0, 1) m turning freely about "
        "its centre of mass on ball joint `gimbal`, explicit inertial: mass 1 kg, diagonal inertia (0.1, 0.2, "
        "0.3) kg*m^2 at the body origin; a "
        "box `handle` (half sizes 0.2 x 0.05 x 0.02 m, no contacts) for looks and a site `imu_site` (size "
        "0.01 m) at the origin. Gravity (0, 0, 0), RK4, 1 ms. Spin it about its intermediate (y) axis at 5 rad/s "
        "with a 0.01 rad/s perturbation about x (ball-joint angular velocity [0.01, 5, 0] in the body frame) "
        "and simulate 6 s.",
        model([0.1, 0.2, 0.3]), 6, init=init(5), difficulty="complex")
    t2 = Turn(
        "Change the body and the spin: inertia (0.1, 0.25, 0.3) kg*m^2, spin 8 rad/s about y with the same "
        "0.01 rad/s about x. Simulate 6 s.",
        model([0.1, 0.25, 0.3]), 6, init=init(8), difficulty="complex")
    t3 = Turn(
        "Instrument it: a gyro `body_rate` on `imu_site` and a framequat sensor `attitude` on body `wingnut`. "
        "Same body and spin; 6 s.",
        model([0.1, 0.25, 0.3], True), 6, init=init(8), difficulty="complex")
    return [t1, t2, t3]


def reaction() -> list[Turn]:
    def model(m_housing, stiffness=None):
        rotor = el("body", el("joint", name="rotor_spin", axis=Z), _disk("rotor_disk", 0.1, 0.01, 1),
                   name="rotor", pos=[0, 0, 0.05])
        housing = el("body", el("joint", name="yaw", axis=Z, damping=0.5, stiffness=stiffness),
                     el("geom", name="housing_box", type="box", size=[0.3, 0.05, 0.03], mass=m_housing,
                        **NO_CONTACT), rotor, name="housing", pos=[0, 0, 0.5])
        return mj(housing, actuator=[el("motor", name="spinner", joint="rotor_spin", gear=1, ctrlrange=[-1, 1])])

    t1 = Turn(
        "Motor reaction torque: body `housing` at (0, 0, 0.5) m turns about z on hinge `yaw` (damping "
        "0.5 N*m*s/rad), a 2 kg box `housing_box` (half sizes 0.3 x 0.05 x 0.03 m). On it, body `rotor` at "
        "(0, 0, 0.05) m spins about z on `rotor_spin`, a disk `rotor_disk` (radius 0.1 m, half height 0.01 m, "
        "1 kg). No contacts. Motor `spinner` on `rotor_spin` (gear 1, range -1..1 N*m) applies 0.3 N*m; the "
        "housing takes the reaction. Simulate 3 s at 2 ms.",
        model(2), 3, control=["data.ctrl[0] = 0.3"])
    t2 = Turn(
        "Heavier housing (4 kg) held by a torsion spring of 1 N*m/rad on `yaw`, motor torque 0.5 N*m. 3 s.",
        model(4, 1), 3, control=["data.ctrl[0] = 0.5"])
    t3 = Turn(
        "Close a speed loop on the rotor: every step command spinner = clip(0.05*e + 0.02*integral(e), -1, 1) "
        "with e = 60 rad/s minus the rotor's speed relative to the housing (`rotor_spin` velocity) and the "
        "integral accumulated as e times the timestep. Same housing and spring; simulate 4 s.",
        model(4, 1), 4, difficulty="complex",
        setup=["TARGET_SPEED, KP, KI = 60.0, 0.05, 0.02", "integral = 0.0"],
        control=['error = TARGET_SPEED - data.joint("rotor_spin").qvel[0]',
                 "integral += error * model.opt.timestep",
                 "data.ctrl[0] = np.clip(KP * error + KI * integral, -1, 1)"])
    return [t1, t2, t3]


TASKS = {"spin-up": spin_up, "unbalanced": unbalanced, "top": top, "intermediate-axis": intermediate_axis,
         "reaction": reaction}
