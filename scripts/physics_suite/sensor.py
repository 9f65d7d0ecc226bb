"""Sensors: an IMU on a pendulum, a spinning rangefinder lidar in a room, a bouncing probe with an altimeter
and a touch pad, force/torque at a pivot, GPS and IMU on a differential-drive robot."""

from __future__ import annotations

import math

from physics_suite.mjcf import el
from physics_suite.parts import ball, floor, mj
from physics_suite.program import Turn
from physics_suite.vehicle import diff_drive_body

Y, Z = [0, 1, 0], [0, 0, 1]
NO_CONTACT = {"contype": 0, "conaffinity": 0}


def imu_pendulum() -> list[Turn]:
    def model(length, imu_z, extra=False):
        arm = el("body", el("joint", name="pivot", axis=Y),
                 el("geom", name="rod", type="capsule", fromto=[0, 0, 0, 0, 0, -length], size=0.015, mass=0.2),
                 ball("bob", 0.06, 1.0, (0, 0, -length)), el("site", name="imu", pos=[0, 0, imu_z], size=0.01),
                 name="arm", pos=[0, 0, 1.5])
        sensors = [el("accelerometer", name="imu_acc", site="imu"), el("gyro", name="imu_gyro", site="imu")]
        if extra:
            sensors += [el("velocimeter", name="imu_vel", site="imu"),
                        el("framequat", name="imu_att", objtype="site", objname="imu"),
                        el("magnetometer", name="compass", site="imu")]
        return mj(arm, sensor=sensors)

    init = ['data.joint("pivot").qpos[0] = np.deg2rad(45)']
    t1 = Turn(
        "IMU on a pendulum: body `arm` at (0, 0, 1.5) m on hinge `pivot` about y, a rod `rod` (capsule from the "
        "pivot to (0, 0, -0.6) m, radius 0.015 m, 0.2 kg) and a 1 kg sphere `bob` (radius 0.06 m) at its end. "
        "Put a site `imu` (size 0.01 m) at the bob centre carrying an accelerometer `imu_acc` and a gyro "
        "`imu_gyro`. Release from 45 degrees at rest; simulate 3 s at 2 ms.", model(0.6, -0.6), 3, init=init)
    t2 = Turn("Longer pendulum, IMU halfway: rod to (0, 0, -0.8) m with `bob` at its new end, site `imu` at "
              "(0, 0, -0.4) m. Same release; 3 s.", model(0.8, -0.4), 3, init=init)
    t3 = Turn("Complete the sensor head on `imu`: add a velocimeter `imu_vel`, a framequat sensor `imu_att` on the "
              "site and a magnetometer `compass` (default magnetic field). Same release; 3 s.",
              model(0.8, -0.4, True), 3, init=init, difficulty="complex")
    return [t1, t2, t3]


def lidar() -> list[Turn]:
    def model(n_beams, pillar, gyro=False):
        sites, sensors = [], []
        for k in range(n_beams):
            a = 2 * math.pi * k / n_beams
            c, s = round(math.cos(a), 6), round(math.sin(a), 6)
            sites.append(el("site", name=f"beam{k}", pos=[round(0.05 * c, 6), round(0.05 * s, 6), 0.05],
                            zaxis=[c, s, 0], size=0.005))
            sensors.append(el("rangefinder", name=f"range{k}", site=f"beam{k}"))
        if gyro:
            sites.append(el("site", name="scan_imu", size=0.01))
            sensors.append(el("gyro", name="scan_rate", site="scan_imu"))
        scanner = el("body", el("joint", name="scan_yaw", axis=Z, damping=0.01),
                     el("geom", name="scanner_body", type="cylinder", size=[0.05, 0.05], mass=0.5, **NO_CONTACT),
                     *sites, name="scanner", pos=[0, 0, 0.3])
        walls = [el("geom", name=n, type="box", pos=p, size=sz) for n, p, sz in (
            ("wall_n", [0, 1.5, 0.5], [2, 0.05, 0.5]), ("wall_s", [0, -1.5, 0.5], [2, 0.05, 0.5]),
            ("wall_e", [2, 0, 0.5], [0.05, 1.5, 0.5]), ("wall_w", [-2, 0, 0.5], [0.05, 1.5, 0.5]))]
        walls.append(el("geom", name="pillar", type="cylinder", pos=[*pillar, 0.5], size=[0.2, 0.5]))
        return mj(*walls, scanner, option={"integrator": "implicitfast"},
                  actuator=[el("velocity", name="scan_motor", joint="scan_yaw", kv=0.5)], sensor=sensors)

    t1 = Turn(
        "Spinning 2-D lidar from rangefinders: a room of four fixed boxes, `wall_n` and `wall_s` (half sizes "
        "2 x 0.05 x 0.5 m) at (0, +-1.5, 0.5) m and `wall_e`, `wall_w` (0.05 x 1.5 x 0.5 m) at (+-2, 0, 0.5) m, "
        "and a cylinder `pillar` (radius 0.2 m, half height 0.5 m) at (1, 0.5, 0.5) m. Body `scanner` at "
        "(0, 0, 0.3) m turns on hinge `scan_yaw` about z (0.01 N*m*s/rad), a 0.5 kg cylinder `scanner_body` "
        "(radius 0.05 m, half height 0.05 m, no contacts). Six beams: sites `beam0`..`beam5` at 0.05 m from the "
        "axis and 0.05 m up, beam k at yaw 60*k degrees with its z axis pointing outward (zaxis (cos, sin, 0)), "
        "each with a rangefinder `range0`..`range5`. A velocity actuator `scan_motor` (kv 0.5) spins it at "
        "3 rad/s. implicitfast, 2 ms; simulate 2 s.", model(6, (1, 0.5)), 2, control=["data.ctrl[0] = 3.0"])
    t2 = Turn("Move the pillar to (-0.8, -0.6, 0.5) m and spin the scanner at 5 rad/s. 2 s.",
              model(6, (-0.8, -0.6)), 2, control=["data.ctrl[0] = 5.0"])
    t3 = Turn("Double the resolution: twelve beams `beam0`..`beam11` every 30 degrees (same layout) with "
              "rangefinders `range0`..`range11`, plus a site `scan_imu` (size 0.01 m) at the scanner origin with a "
              "gyro `scan_rate`. Same pillar and speed; 2 s.", model(12, (-0.8, -0.6), True), 2,
              control=["data.ctrl[0] = 5.0"], difficulty="complex")
    return [t1, t2, t3]


def altimeter() -> list[Turn]:
    def model(solref, extra=False):
        sites = [el("site", name="down", pos=[0, 0, -0.1], zaxis=[0, 0, -1], size=0.005),
                 el("site", name="pad", type="sphere", size=0.11)]
        sensors = [el("rangefinder", name="altimeter", site="down"), el("touch", name="contact_pad", site="pad")]
        if extra:
            sensors += [el("accelerometer", name="probe_acc", site="down"),
                        el("velocimeter", name="probe_vel", site="down")]
        probe = el("body", el("joint", name="drop", type="slide", axis=Z), ball("shell", 0.1, 0.5, solref=solref),
                   *sites, name="probe", pos=[0, 0, 1.5])
        return mj(floor(solref=solref), probe, sensor=sensors)

    t1 = Turn(
        "Bouncing probe with an altimeter and a touch pad: a ground plane `floor` (5 x 5 m) and body `probe` at "
        "(0, 0, 1.5) m that moves only vertically on slide `drop`, a 0.5 kg sphere `shell` of radius 0.1 m; "
        "floor and shell use solref -10000 -10 (a springy contact). Site `down` at (0, 0, -0.1) m with its z "
        "axis pointing down (zaxis 0 0 -1) carries a rangefinder `altimeter`; a sphere site `pad` of radius "
        "0.11 m around the shell carries a touch sensor `contact_pad`. Drop from rest; 2.5 s at 2 ms.",
        model([-10000, -10]), 2.5)
    t2 = Turn("Higher drop, deader ground: start the slide at `drop` = 0.5 m (2 m up) and use solref -10000 -30 "
              "on floor and shell. 2.5 s.", model([-10000, -30]), 2.5, init=['data.joint("drop").qpos[0] = 0.5'])
    t3 = Turn("Add an accelerometer `probe_acc` and a velocimeter `probe_vel` on site `down`. Same drop; 2.5 s.",
              model([-10000, -30], True), 2.5, init=['data.joint("drop").qpos[0] = 0.5'], difficulty="complex")
    return [t1, t2, t3]


def pivot_loads() -> list[Turn]:
    def model(m_bob, damping=None, motor=False):
        arm = el("body", el("joint", name="pivot", axis=Y, damping=damping),
                 el("site", name="mount", size=0.01),
                 el("geom", name="rod", type="capsule", fromto=[0, 0, 0, 0, 0, -0.8], size=0.015, mass=0.2),
                 ball("bob", 0.07, m_bob, (0, 0, -0.8)), name="arm", pos=[0, 0, 2])
        sensors = [el("force", name="pivot_force", site="mount"), el("torque", name="pivot_torque", site="mount")]
        acts = []
        if motor:
            acts = [el("motor", name="drive", joint="pivot", gear=1, ctrlrange=[-5, 5])]
            sensors.append(el("actuatorfrc", name="drive_torque", actuator="drive"))
        return mj(arm, actuator=acts, sensor=sensors)

    init = ['data.joint("pivot").qpos[0] = np.deg2rad(60)']
    t1 = Turn(
        "Loads at a pendulum pivot: body `arm` at (0, 0, 2) m on hinge `pivot` about y, a site `mount` (size "
        "0.01 m) at the body origin, a rod `rod` (capsule to (0, 0, -0.8) m, radius 0.015 m, 0.2 kg) and a "
        "1.5 kg sphere `bob` (radius 0.07 m) at its end. A force sensor `pivot_force` and a torque sensor "
        "`pivot_torque` on `mount` read the joint reaction. Release from 60 degrees; 3 s at 2 ms.",
        model(1.5), 3, init=init)
    t2 = Turn("Heavier bob (3 kg) and 0.2 N*m*s/rad damping on `pivot`. Same release; 3 s.", model(3, 0.2), 3,
              init=init)
    t3 = Turn("Drive it: a motor `drive` on `pivot` (gear 1, range -5..5 N*m) applying a constant 2 N*m, and an "
              "actuatorfrc sensor `drive_torque` on it. Same release; 3 s.", model(3, 0.2, True), 3, init=init,
              control=["data.ctrl[0] = 2.0"], difficulty="complex")
    return [t1, t2, t3]


def gps_imu() -> list[Turn]:
    def model(extra=False):
        base = el("geom", name="chassis", type="box", size=[0.15, 0.12, 0.03], mass=2)
        site = [el("site", name="imu", pos=[0, 0, 0.04], size=0.01)]
        sensors = [el("accelerometer", name="imu_acc", site="imu"), el("gyro", name="imu_gyro", site="imu"),
                   el("framepos", name="gps", objtype="site", objname="imu")]
        if extra:
            sensors += [el("magnetometer", name="compass", site="imu"),
                        el("velocimeter", name="odom_vel", site="imu")]
        acts = [el("velocity", name=f"{s}_motor", joint=f"{s}_spin", kv=1) for s in ("left", "right")]
        return mj(floor(size=20), diff_drive_body("robot", base, 0.05, 0.3, 0.11, site),
                  option={"integrator": "implicitfast"}, actuator=acts, sensor=sensors)

    def schedule(turn_left, turn_right):
        return ["if data.time < 1.0:", "    data.ctrl[:] = [8.0, 8.0]", "else:",
                f"    data.ctrl[:] = [{turn_left}, {turn_right}]"]

    robot = ("a ground plane `floor` (20 x 20 m) and a differential-drive robot: body `robot` on free joint "
             "`robot_free` with its centre 0.06 m up, a 2 kg box `chassis` (half sizes 0.15 x 0.12 x 0.03 m); "
             "wheels `left_wheel` at (0, 0.15, -0.01) m and `right_wheel` at (0, -0.15, -0.01) m on hinges "
             "`left_spin`, `right_spin` about y (0.2 kg cylinders `left_wheel_tire`, `right_wheel_tire`, radius "
             "0.05 m, from y = -0.01 to 0.01 m); sliding casters `caster_front`, `caster_rear` (spheres, radius "
             "0.02 m, 0.05 kg, friction 0.01, priority 1) at (+-0.11, 0, -0.04) m; velocity actuators "
             "`left_motor`, `right_motor` (kv 1) taking wheel speeds in rad/s. A site `imu` at (0, 0, 0.04) m on "
             "the robot carries an accelerometer `imu_acc`, a gyro `imu_gyro` and a framepos sensor `gps` "
             "(position of the site in the world). implicitfast, 2 ms")
    t1 = Turn("GPS and IMU on a mobile robot: " + robot + ". Drive straight at 8 rad/s per wheel until t = 1 s, "
              "then arc left with (left, right) = (6, 10) rad/s. Simulate 3 s.", model(), 3,
              control=schedule(6.0, 10.0))
    t2 = Turn("Sharper manoeuvre: after the 1 s straight, spin right with (10, -4) rad/s. 3 s.", model(), 3,
              control=schedule(10.0, -4.0))
    t3 = Turn("Add a magnetometer `compass` and a velocimeter `odom_vel` on site `imu`. Same manoeuvre; 3 s.",
              model(True), 3, control=schedule(10.0, -4.0), difficulty="complex")
    return [t1, t2, t3]


TASKS = {"imu-pendulum": imu_pendulum, "lidar": lidar, "altimeter": altimeter, "pivot-loads": pivot_loads,
         "gps-imu": gps_imu}
