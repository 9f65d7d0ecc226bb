"""Sliding and rolling with friction: blocks on an incline, balls rolling down a ramp, a decelerating puck,
a bowling ball with spin, crates on an accelerating platform."""

from __future__ import annotations

import math

from physics_suite.mjcf import el
from physics_suite.parts import ball, floor, mj
from physics_suite.program import Turn


def _on_ramp(alpha, s, y, lift):
    """A point `s` metres along a ramp centred at (0, 0, 0.5) tilted `alpha` degrees about y (+s downhill), at
    `y`, `lift` metres above its top face (the ramp is 0.05 m half thick)."""
    a = math.radians(alpha)
    n, t = (math.sin(a), math.cos(a)), (math.cos(a), -math.sin(a))
    h = 0.05 + lift + 0.001
    return [round(n[0] * h + t[0] * s, 6), y, round(0.5 + n[1] * h + t[1] * s, 6)]


def _ramp(alpha, half_length, **attrs):
    return el("geom", name="ramp", type="box", size=[half_length, 0.3, 0.05], pos=[0, 0, 0.5], euler=[0, alpha, 0],
              **attrs)


def incline() -> list[Turn]:
    def block(name, alpha, s, y, mu):
        return el("body", el("freejoint", name=f"{name}_free"),
                  el("geom", name=name, type="box", size=[0.05, 0.05, 0.05], mass=1, friction=mu),
                  name=f"{name}_body", pos=_on_ramp(alpha, s, y, 0.05), euler=[0, alpha, 0])

    def model(alpha, mu, second=False):
        world = [_ramp(alpha, 1, friction=mu), block("block", alpha, -0.8, -0.15 if second else 0, mu)]
        if second:
            world.append(block("block2", alpha, -0.8, 0.15, 0.7))
        return mj(*world)

    def where(alpha, y):
        return f"{_on_ramp(alpha, -0.8, y, 0.05)}".replace("[", "(").replace("]", ")")

    t1 = Turn(
        "Block sliding down an incline: a fixed box `ramp` (half sizes 1 x 0.3 x 0.05 m) at (0, 0, 0.5) m "
        "tilted 20 degrees about y (euler 0 20 0; downhill is +x), sliding friction 0.2. Body `block_body` on "
        f"free joint `block_free`, tilted the same way, at {where(20, 0)} m (0.8 m uphill of the ramp centre, "
        "resting on the face with a 1 mm gap), a 1 kg cube `block` of half size 0.05 m with friction 0.2. "
        "Release from rest; 1.2 s at 2 ms.", model(20, 0.2), 1.2)
    t2 = Turn(
        "Steeper and rougher: ramp at 30 degrees, friction 0.45 on ramp and block; the block keeps its place "
        f"0.8 m uphill, now at {where(30, 0)} m with euler 0 30 0. 1.5 s.", model(30, 0.45), 1.5)
    t3 = Turn(
        "Race a second block: move `block_body` to y = -0.15 m ("
        f"{where(30, -0.15)} m) and add `block2_body` (free joint `block2_free`, 1 kg cube `block2`, half size "
        f"0.05 m, friction 0.7) at {where(30, 0.15)} m with the same tilt. At 30 degrees it should hold. 1.5 s.",
        model(30, 0.45, True), 1.5, difficulty="complex")
    return [t1, t2, t3]


def rolling() -> list[Turn]:
    def model(rolling_mu=None, shell=False):
        friction = [1, 0.005, rolling_mu] if rolling_mu else None
        solid = el("body", el("freejoint", name="ball_free"),
                   ball("ball", 0.1, 1, condim=6 if rolling_mu else None, friction=friction),
                   name="ball_body", pos=_on_ramp(15, -1.2, -0.15 if shell else 0, 0.1))
        world = [_ramp(15, 1.5), solid]
        if shell:
            world.append(el("body", el("freejoint", name="shell_free"),
                            el("inertial", pos=[0, 0, 0], mass=1, diaginertia=[0.006667] * 3),
                            el("geom", name="shell", type="sphere", size=0.1, condim=6, friction=friction),
                            name="shell_body", pos=_on_ramp(15, -1.2, 0.15, 0.1)))
        return mj(*world)

    t1 = Turn(
        "Ball rolling down a ramp: fixed box `ramp` (half sizes 1.5 x 0.3 x 0.05 m) at (0, 0, 0.5) m tilted 15 "
        "degrees about y (euler 0 15 0, downhill +x). A solid 1 kg sphere `ball` of radius 0.1 m on free joint "
        f"`ball_free` (body `ball_body`) starts at rest at {_on_ramp(15, -1.2, 0, 0.1)} m, touching the face "
        "1.2 m uphill of the centre (1 mm gap). Default friction, 3-D contacts; 1.5 s at 2 ms.", model(), 1.5)
    t2 = Turn(
        "Add rolling resistance: give `ball` condim 6 and friction 1 0.005 0.02 (rolling coefficient 0.02 m). "
        "Same start; 1.5 s.", model(0.02), 1.5)
    t3 = Turn(
        "Solid versus hollow: move `ball_body` to y = -0.15 m and add `shell_body` (free joint `shell_free`) at "
        "y = +0.15 m, same distance uphill: a thin spherical shell, explicit inertial of 1 kg with diagonal "
        "inertia 0.006667 kg*m^2 (2/3 m r^2), geometry sphere `shell` of radius 0.1 m with condim 6 and friction "
        "1 0.005 0.02. Release both; 1.5 s.", model(0.02, True), 1.5, difficulty="complex")
    return [t1, t2, t3]


def puck() -> list[Turn]:
    def model(mu, rider=False):
        world = [floor(friction=0.1),
                 el("body", el("freejoint", name="puck_free"),
                    el("geom", name="puck", type="box", size=[0.1, 0.1, 0.02], mass=0.5, friction=mu),
                    name="puck_body", pos=[0, 0, 0.021])]
        if rider:
            world.append(el("body", el("freejoint", name="rider_free"),
                            el("geom", name="rider", type="box", size=[0.05, 0.05, 0.05], mass=0.2, friction=0.1,
                               priority=1), name="rider_body", pos=[0, 0, 0.092]))
        return mj(*world)

    t1 = Turn(
        "A puck sliding to rest: ground plane `floor` (5 x 5 m, friction 0.1) and body `puck_body` on free joint "
        "`puck_free` at (0, 0, 0.021) m, a 0.5 kg box `puck` (half sizes 0.1 x 0.1 x 0.02 m) with friction 0.3 "
        "(the larger coefficient of a pair wins). Shove it along +x at 3 m/s and simulate 2 s at 2 ms.",
        model(0.3), 2, init=['data.joint("puck_free").qvel[0] = 3.0'])
    init2 = ['data.joint("puck_free").qvel[0] = 2.0', 'data.joint("puck_free").qvel[5] = 5.0']
    t2 = Turn(
        "Slicker puck with spin: friction 0.15 on `puck`, launched at 2 m/s along +x while spinning at 5 rad/s "
        "about z (free-joint velocity index 5). 2 s.", model(0.15), 2, init=init2)
    t3 = Turn(
        "Carry a passenger: body `rider_body` on free joint `rider_free` at (0, 0, 0.092) m, a 0.2 kg cube "
        "`rider` of half size 0.05 m sitting on the puck, friction 0.1 with priority 1 (its friction rules its "
        "contacts). It starts at rest while the puck is launched as before. 2 s.",
        model(0.15, True), 2, init=init2, difficulty="complex")
    return [t1, t2, t3]


def bowling() -> list[Turn]:
    def model(mu, target=False):
        world = [floor(size=10, friction=mu),
                 el("body", el("freejoint", name="bowl_free"), ball("bowl", 0.11, 6, friction=mu),
                    name="bowl_body", pos=[0, 0, 0.11])]
        if target:
            world.append(el("body", el("freejoint", name="target_free"), ball("target", 0.11, 1.5, friction=mu),
                            name="target_body", pos=[6, 0, 0.11]))
        return mj(*world)

    def init(spin):
        return ['data.joint("bowl_free").qvel[0] = 5.0', f'data.joint("bowl_free").qvel[4] = {spin}']

    t1 = Turn(
        "Bowling ball with backspin: ground plane `floor` (10 x 10 m, friction 0.2) and body `bowl_body` on free "
        "joint `bowl_free` at (0, 0, 0.11) m, a 6 kg sphere `bowl` of radius 0.11 m with friction 0.2. Throw it "
        "at 5 m/s along +x with -20 rad/s about y (backspin; free-joint velocity index 4). It skids, then rolls. "
        "2.5 s at 2 ms.", model(0.2), 2.5, init=init(-20))
    t2 = Turn("Topspin on a slicker lane: friction 0.1 on floor and ball, spin +60 rad/s about y, same 5 m/s. "
              "2.5 s.", model(0.1), 2.5, init=init(60))
    t3 = Turn("Put a target in its path: body `target_body` on free joint `target_free` at (6, 0, 0.11) m, a "
              "1.5 kg sphere `target` of radius 0.11 m with friction 0.1, at rest. Same throw; 2.5 s.",
              model(0.1, True), 2.5, init=init(60), difficulty="complex")
    return [t1, t2, t3]


def platform() -> list[Turn]:
    def crate(name, x, mu, **attrs):
        return el("body", el("freejoint", name=f"{name}_free"),
                  el("geom", name=name, type="box", size=[0.05, 0.05, 0.05], mass=1, friction=mu, **attrs),
                  name=f"{name}_body", pos=[x, 0, 0.571])

    def model(mu, second=False):
        deck = el("body", el("joint", name="platform_x", type="slide", axis=[1, 0, 0]),
                  el("geom", name="deck", type="box", size=[0.5, 0.3, 0.02], mass=5, friction=mu),
                  name="platform", pos=[0, 0, 0.5])
        world = [floor(), deck, crate("crate", 0, mu)]
        if second:
            world.append(crate("crate2", -0.25, 0.1, priority=1))
        return mj(*world, actuator=[el("velocity", name="conveyor", joint="platform_x", kv=100)])

    def ctrl(stop):
        return [f"data.ctrl[0] = 1.5 if data.time < {stop} else 0.0"]

    t1 = Turn(
        "Crate on an accelerating platform: body `platform` at (0, 0, 0.5) m on slide `platform_x` (x axis), "
        "a 5 kg deck `deck` (box, half sizes 0.5 x 0.3 x 0.02 m, friction 0.3), driven by a velocity actuator "
        "`conveyor` (kv 100). Body `crate_body` on free joint `crate_free` at (0, 0, 0.571) m sits on the deck: "
        "a 1 kg cube `crate` of half size 0.05 m, friction 0.3. A ground plane `floor` (5 x 5 m) lies below. "
        "Command 1.5 m/s until t = 1 s, then "
        "0. Simulate 2.5 s at 2 ms; the crate slips at the start and at the stop.", model(0.3), 2.5,
        control=ctrl(1.0))
    t2 = Turn("Grippier deck and crate (friction 0.6 both) and a longer run: stop the platform at t = 1.5 s. "
              "2.5 s.", model(0.6), 2.5, control=ctrl(1.5))
    t3 = Turn("Add a slippery crate: `crate2_body` (free joint `crate2_free`) at (-0.25, 0, 0.571) m, a 1 kg cube "
              "`crate2` of half size 0.05 m with friction 0.1 and priority 1. Same run; 2.5 s.",
              model(0.6, True), 2.5, control=ctrl(1.5), difficulty="complex")
    return [t1, t2, t3]


TASKS = {"incline": incline, "rolling": rolling, "puck": puck, "bowling": bowling, "platform": platform}
