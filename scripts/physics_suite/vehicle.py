"""Wheeled vehicles on a ground plane: a rear-drive car (then steered), a differential-drive robot following a
wheel-speed schedule, a rover following (v, omega) commands and then a goal, a skid-steer rover, a tricycle.
A wheel spinning positively about +y rolls its vehicle toward +x."""

from __future__ import annotations

from physics_suite.mjcf import el
from physics_suite.parts import ball, floor, mj
from physics_suite.program import Turn

Y, Z = [0, 1, 0], [0, 0, 1]


def _wheel(name, joint, pos, radius, mass=0.5, width=0.015, damping=None):
    return el("body", el("joint", name=joint, axis=Y, damping=damping),
              el("geom", name=f"{name}_tire", type="cylinder", fromto=[0, -width, 0, 0, width, 0], size=radius,
                 mass=mass), name=name, pos=[round(c, 6) for c in pos])


def _caster(name, pos):
    """A low-friction ball: priority 1 makes its own friction (0.01) govern its contacts."""
    return ball(name, 0.02, 0.05, pos, friction=0.01, priority=1)


def car() -> list[Turn]:
    def model(m_chassis, radius, steer=False):
        z = -0.07
        front = []
        for side, y in (("fl", 0.18), ("fr", -0.18)):
            wheel = _wheel(f"wheel_{side}", f"{side}_spin", (0.2, y, z), radius)
            if steer:
                wheel = el("body", el("joint", name=f"steer_{side}", axis=Z, range=[-30, 30]),
                           ball(None, 0.02, 0.1, contype=0, conaffinity=0),
                           _wheel(f"wheel_{side}", f"{side}_spin", (0, 0, 0), radius),
                           name=f"knuckle_{side}", pos=[0.2, y, z])
            front.append(wheel)
        rear = [_wheel(f"wheel_{s}", f"{s}_spin", (-0.2, y, z), radius) for s, y in (("rl", 0.18), ("rr", -0.18))]
        chassis = el("body", el("freejoint", name="chassis_free"),
                     el("geom", name="chassis_box", type="box", size=[0.3, 0.15, 0.05], mass=m_chassis),
                     *front, *rear, name="chassis", pos=[0, 0, round(radius + 0.07, 6)])
        act = [el("motor", name=f"drive_{s}", joint=f"{s}_spin", gear=1, ctrlrange=[-2, 2]) for s in ("rl", "rr")]
        if steer:
            act += [el("position", name=f"steer_{n}", joint=f"steer_{s}", kp=20, kv=1)
                    for n, s in (("left", "fl"), ("right", "fr"))]
        excludes = [el("exclude", body1="chassis", body2=f"wheel_{s}") for s in ("fl", "fr")] if steer else []
        return mj(floor(size=20), chassis, actuator=act, contact=excludes)

    wheels = ("four wheel bodies `wheel_fl`, `wheel_fr`, `wheel_rl`, `wheel_rr` at (+-0.2, +-0.18, -0.07) m in "
              "the chassis frame (front at +x, left at +y), each spinning on a hinge about y (`fl_spin`, "
              "`fr_spin`, `rl_spin`, `rr_spin`) with a 0.5 kg cylinder tire (`wheel_fl_tire`, `wheel_fr_tire`, "
              "`wheel_rl_tire`, `wheel_rr_tire`) from y = -0.015 to 0.015 m")
    t1 = Turn(
        "Rear-wheel-drive car on flat ground: a ground plane `floor` (20 x 20 m) and body `chassis` on free joint "
        "`chassis_free` at (0, 0, 0.15) m, a 5 kg box `chassis_box` (half sizes 0.3 x 0.15 x 0.05 m), with "
        + wheels + " of radius 0.08 m. Motors `drive_rl` and `drive_rr` (gear 1, range -2..2 N*m) on the rear "
        "spins each apply 0.5 N*m. Default friction, 2 ms; simulate 3 s from rest.",
        model(5, 0.08), 3, control=["data.ctrl[:2] = [0.5, 0.5]"])
    t2 = Turn(
        "Heavier car on bigger wheels: 8 kg chassis, tire radius 0.1 m (chassis starts at z = 0.17 m, wheels "
        "still at z = -0.07 m in its frame), 0.6 N*m on each rear wheel. 3 s.",
        model(8, 0.1), 3, control=["data.ctrl[:2] = [0.6, 0.6]"])
    t3 = Turn(
        "Add steering: mount each front wheel on a knuckle, bodies `knuckle_fl` and `knuckle_fr` at the front "
        "wheel positions, each on a hinge about z (`steer_fl`, `steer_fr`, range -30..30 degrees) with a 0.1 kg "
        "sphere of radius 0.02 m without contacts; the wheel bodies move inside them at (0, 0, 0). Position "
        "actuators `steer_left` and `steer_right` (kp 20, kv 1) on the steer joints. The front wheels are no longer "
        "children of `chassis`, so exclude their contacts with it (contact excludes chassis-wheel_fl and "
        "chassis-wheel_fr). Drive as before and steer "
        "both to 0.3 rad from t = 1 s (0 before). Simulate 4 s.",
        model(8, 0.1, True), 4, difficulty="complex",
        control=["data.ctrl[:2] = [0.6, 0.6]", "data.ctrl[2:4] = 0.3 if data.time >= 1.0 else 0.0"])
    return [t1, t2, t3]


def diff_drive_body(name, base_geom, radius, track, caster_x, extra=()):
    """A free body on two wheels (`left_wheel`, `right_wheel` on `left_spin`, `right_spin`) and two sliding casters,
    its centre `radius` + 0.01 m above the ground."""
    z = radius + 0.01
    wheels = [_wheel(f"{side}_wheel", f"{side}_spin", (0, s * track / 2, -0.01), radius, 0.2, 0.01)
              for side, s in (("left", 1), ("right", -1))]
    casters = [_caster(f"caster_{n}", (x, 0, round(-z + 0.02, 6))) for n, x in (("front", caster_x),
                                                                                ("rear", -caster_x))]
    return el("body", el("freejoint", name=f"{name}_free"), base_geom, *casters, *wheels, *extra, name=name,
              pos=[0, 0, round(z, 6)])


def diff_drive() -> list[Turn]:
    def model(radius, payload=False):
        extra = [el("geom", name="payload", type="box", size=[0.05, 0.05, 0.05], pos=[0, 0, 0.07], mass=1)] \
            if payload else []
        base = el("geom", name="base_disk", type="cylinder", size=[0.15, 0.02], mass=2)
        acts = [el("velocity", name=f"{s}_motor", joint=f"{s}_spin", kv=1) for s in ("left", "right")]
        return mj(floor(size=20), diff_drive_body("base", base, radius, 0.32, 0.12, extra),
                  option={"integrator": "implicitfast"}, actuator=acts)

    def schedule(phases):
        lines = []
        for k, (until, left, right) in enumerate(phases):
            if until is None:
                lines += ["else:", f"    data.ctrl[:] = [{left}, {right}]"]
            else:
                lines += [f"{'if' if k == 0 else 'elif'} data.time < {until}:", f"    data.ctrl[:] = [{left}, {right}]"]
        return lines

    body = ("body `base` on free joint `base_free`, its centre {z} m above the ground: a 2 kg disk `base_disk` "
            "(cylinder, radius 0.15 m, half height 0.02 m); two wheels, bodies `left_wheel` at (0, 0.16, -0.01) m "
            "and `right_wheel` at (0, -0.16, -0.01) m, on hinges `left_spin` and `right_spin` about y, each a "
            "0.2 kg cylinder (`left_wheel_tire`, `right_wheel_tire`, radius {r} m, from y = -0.01 to 0.01 m); two "
            "casters `caster_front` and `caster_rear`, spheres of radius 0.02 m and 0.05 kg at (+-0.12, 0, {c}) m "
            "with friction 0.01 and priority 1 so they slide. Velocity actuators `left_motor` and `right_motor` "
            "(kv 1) on the wheel hinges take wheel speeds in rad/s; implicitfast integrator")
    t1 = Turn(
        "Differential-drive robot on a ground plane `floor` (20 x 20 m): "
        + body.format(z=0.06, r=0.05, c=-0.04) + ". Command (left, right) = (10, 10) rad/s until t = 1 s, "
        "(-5, 5) until t = 2 s (turn in place to the left), then (10, 10). 2 ms; simulate 3 s.",
        model(0.05), 3, control=schedule([(1.0, 10.0, 10.0), (2.0, -5.0, 5.0), (None, 10.0, 10.0)]))
    sched2 = [(1.0, 12.0, 12.0), (2.0, 8.0, -8.0), (None, 12.0, 12.0)]
    t2 = Turn(
        "Bigger wheels and a right turn: wheel radius 0.06 m (the base centre now 0.07 m up, casters at z = "
        "-0.05 m in its frame); command (12, 12) until 1 s, (8, -8) until 2 s, then (12, 12). 3 s.",
        model(0.06), 3, control=schedule(sched2))
    t3 = Turn(
        "Carry a payload and finish with an arc: a 1 kg box `payload` (half size 0.05 m) fixed on `base` at "
        "(0, 0, 0.07) m; after the three phases above add (8, 12) from t = 3 s to the end. Simulate 4 s.",
        model(0.06, True), 4, difficulty="complex",
        control=schedule([(1.0, 12.0, 12.0), (2.0, 8.0, -8.0), (3.0, 12.0, 12.0), (None, 8.0, 12.0)]))
    return [t1, t2, t3]


def _rover():
    base = el("geom", name="rover_box", type="box", size=[0.12, 0.1, 0.03], mass=1.5)
    acts = [el("velocity", name=f"{s}_motor", joint=f"{s}_spin", kv=0.5) for s in ("left", "right")]
    return mj(floor(size=20), diff_drive_body("rover", base, 0.04, 0.25, 0.09),
              option={"integrator": "implicitfast"}, actuator=acts)


ROVER = ("a ground plane `floor` (20 x 20 m) and body `rover` on free joint `rover_free` with its centre 0.05 m up: "
         "a 1.5 kg box `rover_box` (half sizes 0.12 x 0.1 x 0.03 m), wheels `left_wheel` at (0, 0.125, -0.01) m and "
         "`right_wheel` at (0, -0.125, -0.01) m on hinges `left_spin`, `right_spin` about y (0.2 kg cylinders "
         "`left_wheel_tire`, `right_wheel_tire`, radius 0.04 m, from y = -0.01 to 0.01 m), and sliding casters "
         "`caster_front`, `caster_rear` (spheres, radius 0.02 m, 0.05 kg, friction 0.01, priority 1) at "
         "(+-0.09, 0, -0.03) m. Velocity actuators `left_motor`, `right_motor` (kv 0.5) take wheel speeds. "
         "implicitfast, 2 ms")
KINEMATICS = ["WHEEL_RADIUS, TRACK = 0.04, 0.25", "", "",
              "def wheel_speeds(v, omega):",
              "    return (v - omega * TRACK / 2) / WHEEL_RADIUS, (v + omega * TRACK / 2) / WHEEL_RADIUS"]


def commands() -> list[Turn]:
    def program(cmds):
        setup = [f"COMMANDS = {cmds!r}  # (until t, v m/s, omega rad/s)", *KINEMATICS]
        control = ["for until, v, omega in COMMANDS:", "    if data.time < until:", "        break",
                   "else:", "    v, omega = 0.0, 0.0", "data.ctrl[:] = wheel_speeds(v, omega)"]
        return setup, control

    def text(cmds):
        parts = [f"(v, omega) = ({v}, {w}) until t = {u} s" for u, v, w in cmds]
        return "; ".join(parts) + ", then stop (0, 0)"

    c1 = [(1.5, 0.3, 0.0), (3.0, 0.2, 1.0), (4.0, 0.3, -0.5)]
    setup, control = program(c1)
    t1 = Turn(
        "Rover following velocity commands: " + ROVER + ". Convert body commands (v forward in m/s, omega yaw "
        "rate in rad/s) into wheel speeds with the wheel radius 0.04 m and track 0.25 m: left = (v - omega*0.125)"
        "/0.04, right = (v + omega*0.125)/0.04. Commands: " + text(c1) + ". Simulate 4.5 s.",
        _rover(), 4.5, setup=setup, control=control)
    c2 = [(1.0, 0.4, 0.0), (2.5, 0.25, -1.2), (3.5, 0.0, 2.0)]
    setup2, control2 = program(c2)
    t2 = Turn("New command sequence: " + text(c2) + ". Simulate 4.5 s.", _rover(), 4.5, setup=setup2,
              control=control2)
    goal = ["GOAL, K_V, K_H, V_MAX, STOP = (1.0, 0.6), 1.0, 3.0, 0.3, 0.05", *KINEMATICS]
    track = ['x, y = data.body("rover").xpos[:2]', 'qw, qx, qy, qz = data.body("rover").xquat',
             "yaw = np.arctan2(2 * (qw * qz + qx * qy), 1 - 2 * (qy * qy + qz * qz))",
             "dx, dy = GOAL[0] - x, GOAL[1] - y",
             "error = np.arctan2(dy, dx) - yaw", "error = np.arctan2(np.sin(error), np.cos(error))",
             "distance = np.hypot(dx, dy)",
             "v, omega = (min(K_V * distance, V_MAX), K_H * error) if distance > STOP else (0.0, 0.0)",
             "data.ctrl[:] = wheel_speeds(v, omega)"]
    t3 = Turn(
        "Drive to a goal instead: every step read the rover's position and yaw from body `rover` (xpos, xquat), "
        "aim at the goal (1.0, 0.6) m with v = min(1.0 * distance, 0.3) m/s and omega = 3.0 * heading error "
        "(wrapped to [-pi, pi]), and convert to wheel speeds as before; within 0.05 m of the goal command (0, 0). "
        "Simulate 6 s.",
        _rover(), 6, setup=goal, control=track, difficulty="complex")
    return [t1, t2, t3]


def skid_steer() -> list[Turn]:
    def model(mu, ramp=False):
        wheels = [_wheel(f"wheel_{s}", f"{s}_spin", (x, y, -0.03), 0.07, 0.4, 0.02)
                  for s, x, y in (("fl", 0.15, 0.17), ("fr", 0.15, -0.17), ("rl", -0.15, 0.17), ("rr", -0.15, -0.17))]
        for w in wheels:
            w.children[1].attrs["friction"] = mu
        body = el("body", el("freejoint", name="skid_free"),
                  el("geom", name="skid_box", type="box", size=[0.22, 0.13, 0.05], mass=4), *wheels,
                  name="skid", pos=[0, 0, 0.1])
        world = [floor(size=20), body]
        if ramp:
            world.append(el("geom", name="ramp", type="box", size=[0.5, 0.5, 0.02], pos=[1.5, 0, 0.05],
                            euler=[0, -8, 0]))
        acts = [el("velocity", name=f"motor_{s}", joint=f"{s}_spin", kv=2) for s in ("fl", "fr", "rl", "rr")]
        return mj(*world, option={"integrator": "implicitfast"}, actuator=acts)

    def phases(until, first, then):
        return [f"if data.time < {until}:", f"    data.ctrl[:] = {first}", "else:", f"    data.ctrl[:] = {then}"]

    t1 = Turn(
        "Skid-steer rover: a ground plane `floor` (20 x 20 m) and body `skid` on free joint `skid_free` at "
        "(0, 0, 0.1) m, a 4 kg box `skid_box` (half sizes 0.22 x 0.13 x 0.05 m), four wheels `wheel_fl`, "
        "`wheel_fr`, `wheel_rl`, `wheel_rr` at (+-0.15, +-0.17, -0.03) m (front +x, left +y) on hinges "
        "`fl_spin`, `fr_spin`, `rl_spin`, `rr_spin` about y, 0.4 kg cylinders `wheel_fl_tire`, `wheel_fr_tire`, "
        "`wheel_rl_tire`, `wheel_rr_tire` of radius 0.07 m from y = -0.02 to 0.02 m with friction 1. Velocity "
        "actuators `motor_fl`, `motor_fr`, `motor_rl`, `motor_rr` (kv 2), in that order. Until t = 1 s drive all "
        "four wheels at 8 rad/s; after that skid-turn with the left wheels at -6 and the right at 6 rad/s. "
        "implicitfast, 2 ms; 2.5 s.",
        model(1), 2.5, control=phases(1.0, [8.0, 8.0, 8.0, 8.0], [-6.0, 6.0, -6.0, 6.0]))
    t2 = Turn(
        "Slippery tires: friction 0.5 on all four tires; straight at 10 rad/s until t = 1.5 s, then turn right "
        "with left 6 and right -6 rad/s. 2.5 s.", model(0.5), 2.5,
        control=phases(1.5, [10.0, 10.0, 10.0, 10.0], [6.0, -6.0, 6.0, -6.0]))
    t3 = Turn(
        "Climb a ramp: add a fixed box `ramp` (half sizes 0.5 x 0.5 x 0.02 m) at (1.5, 0, 0.05) m pitched up "
        "toward the rover (euler 0 -8 0) and drive straight at 10 rad/s for the whole 3 s. Friction 0.5 as in "
        "the previous turn.", model(0.5, True), 3, control=["data.ctrl[:] = [10.0, 10.0, 10.0, 10.0]"],
        difficulty="complex")
    return [t1, t2, t3]


def tricycle() -> list[Turn]:
    def model():
        front = el("body", el("joint", name="steering", axis=Z, range=[-45, 45]),
                   ball(None, 0.02, 0.1, contype=0, conaffinity=0),
                   _wheel("front_wheel", "front_spin", (0, 0, 0), 0.09, 0.4),
                   name="fork", pos=[0.3, 0, -0.05])
        rear = [_wheel(f"{s}_wheel", f"{s}_spin", (-0.2, y, -0.05), 0.09, 0.4, damping=0.01)
                for s, y in (("left", 0.2), ("right", -0.2))]
        frame = el("body", el("freejoint", name="frame_free"),
                   el("geom", name="frame_box", type="box", size=[0.3, 0.12, 0.04], mass=6), front, *rear,
                   name="frame", pos=[0, 0, 0.14])
        acts = [el("motor", name="front_drive", joint="front_spin", gear=1, ctrlrange=[-3, 3]),
                el("position", name="steer_servo", joint="steering", kp=15, kv=0.5)]
        return mj(floor(size=20), frame, actuator=acts, contact=[el("exclude", body1="frame", body2="front_wheel")])

    text = ("Tricycle: a ground plane `floor` (20 x 20 m) and body `frame` on free joint `frame_free` at "
            "(0, 0, 0.14) m, a 6 kg box `frame_box` (half sizes 0.3 x 0.12 x 0.04 m). The front fork, body `fork` "
            "at (0.3, 0, -0.05) m in the frame, steers on hinge `steering` about z (range -45..45 degrees) and "
            "carries a 0.1 kg contact-free sphere of radius 0.02 m and the front wheel: body `front_wheel` at the "
            "fork origin, hinge `front_spin` about y, a 0.4 kg cylinder `front_wheel_tire` of radius 0.09 m from "
            "y = -0.015 to 0.015 m. Rear wheels `left_wheel` and `right_wheel` at (-0.2, +-0.2, -0.05) m roll "
            "freely on `left_spin`, `right_spin` (0.01 N*m*s/rad), tires `left_wheel_tire` and `right_wheel_tire` "
            "like the front. Motor `front_drive` "
            "(gear 1, range -3..3 N*m) drives the front wheel, position servo `steer_servo` (kp 15, kv 0.5) sets "
            "the steering angle. Exclude contacts between `frame` and `front_wheel` (not parent and child). 2 ms.")
    t1 = Turn(text + " Drive with 0.3 N*m and hold the steering at 0.25 rad to circle left; simulate 4 s.",
              model(), 4, control=["data.ctrl[:] = [0.3, 0.25]"])
    t2 = Turn("Tighter right-hand circle, faster: 0.5 N*m and -0.4 rad of steering. 4 s.", model(), 4,
              control=["data.ctrl[:] = [0.5, -0.4]"])
    t3 = Turn("Slalom: 0.5 N*m of drive and steering 0.35*sin(2*pi*0.5*t) rad. Simulate 5 s.", model(), 5,
              control=["data.ctrl[0] = 0.5", "data.ctrl[1] = 0.35 * np.sin(2 * np.pi * 0.5 * data.time)"],
              difficulty="complex")
    return [t1, t2, t3]


TASKS = {"car": car, "diff-drive": diff_drive, "commands": commands, "skid-steer": skid_steer,
         "tricycle": tricycle}
