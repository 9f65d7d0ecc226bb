"""Collisions and restitution (a contact's bounce is set by its solref damping ratio): a bouncing ball,
Newton's cradle, a head-on impact on a rail, a bank shot on a table, a ballistic pendulum."""

from __future__ import annotations

from physics_suite.mjcf import el
from physics_suite.parts import ball, floor, mj
from physics_suite.program import Turn


def bouncing() -> list[Turn]:
    def model(solref, deflector=False):
        world = [floor(solref=solref),
                 el("body", el("freejoint", name="ball_free"), ball("ball", 0.1, 0.5, solref=solref),
                    name="ball_body", pos=[0, 0, 1.5])]
        if deflector:
            world.append(el("geom", name="deflector", type="box", size=[0.3, 0.3, 0.02], pos=[0.1, 0, 0.6],
                            euler=[0, 30, 0], solref=solref))
        return mj(*world)

    t1 = Turn(
        "Bouncing ball: ground plane `floor` (5 x 5 m) and body `ball_body` on free joint `ball_free` at "
        "(0, 0, 1.5) m, a 0.5 kg sphere `ball` of radius 0.1 m. Make the contact a bouncy spring-damper by giving "
        "floor and ball solref -10000 -10 (direct stiffness and damping). Drop it from rest; 3 s at 2 ms.",
        model([-10000, -10]), 3)
    init = ['data.joint("ball_free").qpos[2] = 2.0', 'data.joint("ball_free").qvel[0] = 0.5']
    t2 = Turn(
        "Deader bounce, higher drop, some drift: solref -10000 -30 on floor and ball, start at z = 2 m (set it in "
        "the free joint's qpos) moving at 0.5 m/s along +x. 3 s.", model([-10000, -30]), 3, init=init)
    t3 = Turn(
        "Add a deflector: a fixed box `deflector` (half sizes 0.3 x 0.3 x 0.02 m) at (0.1, 0, 0.6) m tilted 30 "
        "degrees about y (euler 0 30 0), solref -10000 -30, so the ball glances off it before reaching the floor. "
        "Same start; 3 s.", model([-10000, -30], True), 3, init=init, difficulty="complex")
    return [t1, t2, t3]


def cradle() -> list[Turn]:
    def model(n, heavy_last=False):
        bodies = []
        for i in range(1, n + 1):
            mass = 0.6 if heavy_last and i == n else 0.2
            bodies.append(el("body", el("joint", name=f"swing{i}", axis=[0, 1, 0]),
                             el("geom", name=f"string{i}", type="capsule", fromto=[0, 0, 0, 0, 0, -0.5],
                                size=0.002, mass=0.001, contype=0, conaffinity=0),
                             ball(f"ball{i}", 0.05, mass, (0, 0, -0.5), condim=1, solref=[-100000, -20]),
                             name=f"pendulum{i}", pos=[round(0.1 * (i - 1), 6), 0, 1]))
        return mj(*bodies, timestep=0.0005)

    t1 = Turn(
        "Newton's cradle: five bodies `pendulum1`..`pendulum5` hinged about y (`swing1`..`swing5`) at "
        "(0.1*(i-1), 0, 1) m, each with a massless-looking string `string<i>` (capsule from the pivot 0.5 m "
        "down, radius 0.002 m, 0.001 kg, contype and conaffinity 0) and a 0.2 kg steel ball `ball<i>` (radius "
        "0.05 m, touching its neighbours) at its end, frictionless (condim 1) with a stiff spring-damper contact "
        "(solref -100000 -20). Timestep 0.5 ms. Pull `swing1` to +30 degrees (away from the others), release, "
        "simulate 2 s.", model(5), 2, init=['data.joint("swing1").qpos[0] = np.deg2rad(30)'])
    init2 = ['data.joint("swing1").qpos[0] = np.deg2rad(30)', 'data.joint("swing2").qpos[0] = np.deg2rad(30)']
    t2 = Turn("Lift two balls: `swing1` and `swing2` both at +30 degrees. 2 s.", model(5), 2, init=init2)
    t3 = Turn("Add a sixth pendulum `pendulum6` (`swing6`, `string6`, `ball6`) at (0.5, 0, 1) m and make it "
              "0.6 kg. Two balls lifted as before; 2 s.", model(6, True), 2, init=init2, difficulty="complex")
    return [t1, t2, t3]


def rail() -> list[Turn]:
    def model(masses, solref):
        bodies = [el("body", el("joint", name=f"rail_{n}", type="slide", axis=[1, 0, 0]),
                     ball(f"ball_{n}", 0.1, m, condim=1, solref=solref), name=f"cart_{n}", pos=[x, 0, 0.5])
                  for n, m, x in zip("abc", masses, (0, 1, 2), strict=False)]
        return mj(*bodies, timestep=0.001)

    init = ['data.joint("rail_a").qvel[0] = 2.0', 'data.joint("rail_b").qvel[0] = -0.5']
    t1 = Turn(
        "Head-on impact on a rail: bodies `cart_a` at (0, 0, 0.5) m and `cart_b` at (1, 0, 0.5) m slide along x "
        "on `rail_a` and `rail_b`; they are spheres `ball_a` (1 kg) and `ball_b` (3 kg) of radius 0.1 m, "
        "frictionless (condim 1), contact solref 0.005 0.2. `cart_a` moves at 2 m/s toward `cart_b`, which comes "
        "back at 0.5 m/s. 1 ms; simulate 1.5 s.", model((1, 3), [0.005, 0.2]), 1.5, init=init)
    init2 = ['data.joint("rail_a").qvel[0] = 1.5', 'data.joint("rail_b").qvel[0] = -0.5']
    t2 = Turn(
        "Equal masses, dead impact: both balls 2 kg, solref 0.005 1 (critically damped contact), `cart_a` at "
        "1.5 m/s, `cart_b` at -0.5 m/s. 1.5 s.", model((2, 2), [0.005, 1]), 1.5, init=init2)
    t3 = Turn(
        "Add a third cart at rest: `cart_c` at (2, 0, 0.5) m on `rail_c`, sphere `ball_c` (radius 0.1 m, 0.5 kg, "
        "condim 1, solref 0.005 1). Same start; 2 s.", model((2, 2, 0.5), [0.005, 1]), 2, init=init2,
        difficulty="complex")
    return [t1, t2, t3]


def bank_shot() -> list[Turn]:
    def cushion(name, pos, size):
        return el("geom", name=name, type="box", pos=pos, size=size, solref=[-20000, -20])

    def model(second=False):
        world = [floor(friction=0.2), cushion("cushion_e", [1.02, 0, 0.03], [0.02, 0.5, 0.03]),
                 cushion("cushion_w", [-1.02, 0, 0.03], [0.02, 0.5, 0.03]),
                 cushion("cushion_n", [0, 0.52, 0.03], [1.04, 0.02, 0.03]),
                 cushion("cushion_s", [0, -0.52, 0.03], [1.04, 0.02, 0.03]),
                 el("body", el("freejoint", name="cue_free"), ball("cue", 0.03, 0.17, friction=0.2),
                    name="cue_body", pos=[-0.5, -0.2, 0.03])]
        if second:
            world.append(el("body", el("freejoint", name="eight_free"), ball("eight", 0.03, 0.17, friction=0.2),
                            name="eight_body", pos=[0.3, 0.2, 0.03]))
        return mj(*world)

    def init(vx, vy):
        return [f'data.joint("cue_free").qvel[:2] = [{vx}, {vy}]']

    t1 = Turn(
        "Bank shot on a pool table: ground plane `floor` (5 x 5 m, friction 0.2) inside four fixed cushions "
        "(boxes, solref -20000 -20, a springy rail): `cushion_e` and `cushion_w` (half sizes 0.02 x 0.5 x 0.03 m) at "
        "(+-1.02, 0, 0.03) m, `cushion_n` and `cushion_s` (1.04 x 0.02 x 0.03 m) at (0, +-0.52, 0.03) m. The "
        "cue ball: body `cue_body` on free joint `cue_free` at (-0.5, -0.2, 0.03) m, a 0.17 kg sphere `cue` of "
        "radius 0.03 m, friction 0.2. Strike it at (2, 1) m/s in x-y; 3 s at 2 ms.", model(), 3, init=init(2, 1))
    t2 = Turn("A different shot: (1.5, -2) m/s. 3 s.", model(), 3, init=init(1.5, -2))
    t3 = Turn("Add the eight ball: body `eight_body` (free joint `eight_free`) at (0.3, 0.2, 0.03) m, sphere "
              "`eight` like the cue ball, at rest. Shoot the cue at (2, 1) m/s again; 3 s.", model(True), 3,
              init=init(2, 1), difficulty="complex")
    return [t1, t2, t3]


def ballistic() -> list[Turn]:
    def target(name, x):
        return el("body", el("joint", name=f"{name}_swing", axis=[0, 1, 0]),
                  el("geom", name=f"{name}_rod", type="capsule", fromto=[0, 0, 0, 0, 0, -1], size=0.01, mass=0.1,
                     contype=0, conaffinity=0),
                  el("geom", name=name, type="box", pos=[0, 0, -1], size=[0.1, 0.1, 0.1], mass=2,
                     solref=[0.005, 1]), name=f"{name}_body", pos=[x, 0, 2])

    def model(m_bullet, second=False):
        world = [floor(), target("target", 0)] + ([target("target2", 0.5)] if second else [])
        world.append(el("body", el("freejoint", name="bullet_free"),
                        el("geom", name="bullet", type="box", size=[0.015] * 3, mass=m_bullet, solref=[0.005, 1]),
                        name="bullet_body", pos=[-0.6, 0, 1]))
        return mj(*world, timestep=0.001)

    t1 = Turn(
        "Ballistic pendulum: body `target_body` hinged about y on `target_swing` at (0, 0, 2) m, with a rod "
        "`target_rod` (capsule from the pivot to (0, 0, -1) m, radius 0.01 m, 0.1 kg, no contacts) and a "
        "2 kg box `target` (half size 0.1 m) centred at (0, 0, -1) m. A 0.05 kg slug `bullet` (box, half size "
        "0.015 m) on free joint `bullet_free` (body `bullet_body`) starts at (-0.6, 0, 1) m flying at 20 m/s along "
        "+x. Contacts of bullet and target use solref 0.005 1 (no bounce). A ground plane `floor` (5 x 5 m) "
        "catches the bullet. 1 ms; simulate 2 s.",
        model(0.05), 2, init=['data.joint("bullet_free").qvel[0] = 20.0'])
    t2 = Turn("Heavier, slower bullet: 0.1 kg at 12 m/s. 2 s.", model(0.1), 2,
              init=['data.joint("bullet_free").qvel[0] = 12.0'])
    t3 = Turn("Hang a second target behind the first: `target2_body` at (0.5, 0, 2) m, built like the first "
              "(`target2_swing`, `target2_rod`, `target2`). Same 0.1 kg bullet at 12 m/s; 2 s.",
              model(0.1, True), 2, init=['data.joint("bullet_free").qvel[0] = 12.0'], difficulty="complex")
    return [t1, t2, t3]


TASKS = {"bouncing": bouncing, "cradle": cradle, "rail": rail, "bank-shot": bank_shot, "ballistic": ballistic}
