"""Mass-spring-damper systems: series blocks, a hanging mass, an elastic pendulum, coupled carts, a quarter car."""

from __future__ import annotations

from physics_suite.mjcf import el
from physics_suite.parts import ball, mj
from physics_suite.program import Turn

X, Z = [1, 0, 0], [0, 0, 1]


def _box(name, half, mass, **attrs):
    return el("geom", name=name, type="box", size=[half, half, half], mass=mass, **attrs)


def series() -> list[Turn]:
    def model(k, c, second=None):
        block = el("body", el("joint", name="x", type="slide", axis=X, stiffness=k, damping=c),
                   _box("block_box", 0.1, 2.0), *([second] if second else []), name="block", pos=[0, 0, 0.5])
        return mj(block)

    t1 = Turn(
        "Horizontal mass-spring-damper: body `block` at (0, 0, 0.5) m on slide joint `x` along the world x axis, "
        "a 2 kg cube `block_box` of half size 0.1 m. The spring and damper act on the joint: stiffness 40 N/m, "
        "damping 0.8 N*s/m, rest position 0. No floor, no contacts. Displace it to x = 0.1 m, release from rest "
        "and simulate 5 s with the default 2 ms step.",
        model(40, 0.8), 5, init=['data.joint("x").qpos[0] = 0.1'])
    init2 = ['data.joint("x").qpos[0] = 0.15', 'data.joint("x").qvel[0] = -0.5']
    t2 = Turn(
        "Retune the oscillator: stiffness 90 N/m and damping 3.5 N*s/m on `x`. Start at x = 0.15 m moving at "
        "-0.5 m/s. Simulate 5 s.", model(90, 3.5), 5, init=init2)
    second = el("body", el("joint", name="x2", type="slide", axis=X, stiffness=60, damping=0.5),
                _box("block2_box", 0.08, 1.0), name="block2", pos=[0.4, 0, 0])
    t3 = Turn(
        "Add a second mass in series: body `block2`, a child of `block` at (0.4, 0, 0) m, on its own slide joint "
        "`x2` along x (measured relative to `block`) with stiffness 60 N/m and damping 0.5 N*s/m, geometry a 1 kg "
        "cube `block2_box` of half size 0.08 m. `x2` starts at 0 at rest; keep the start of `x`. Simulate 6 s.",
        model(90, 3.5, second), 6, init=init2, difficulty="complex")
    return [t1, t2, t3]


def hanging() -> list[Turn]:
    def model(mass, c, springref=None, shaker=()):
        weight = el("body", el("joint", name="z", type="slide", axis=Z, stiffness=200, damping=c,
                               springref=springref),
                    ball("mass", 0.08, mass), name="weight", pos=[0, 0, 1])
        return mj(weight, actuator=list(shaker))

    t1 = Turn(
        "Vertical spring with a hanging weight: body `weight` at (0, 0, 1) m on slide joint `z` along the world "
        "z axis, stiffness 200 N/m (unstretched at z = 0), damping 1 N*s/m, holding a 1.5 kg sphere `mass` of "
        "radius 0.08 m. Gravity on (9.81 m/s^2 down). Release it from z = 0 at rest so it drops and oscillates "
        "about the static deflection; simulate 4 s at 2 ms.",
        model(1.5, 1), 4)
    t2 = Turn(
        "Heavier weight and a preloaded spring: `mass` becomes 3 kg, damping 0.5 N*s/m, and the spring's rest "
        "position (springref) moves to z = 0.05 m. Release from z = 0 at rest; 4 s.",
        model(3, 0.5, 0.05), 4)
    shaker = [el("motor", name="shaker", joint="z", gear=1, ctrlrange=[-50, 50])]
    t3 = Turn(
        "Shake it: add a motor `shaker` on `z` (gear 1, range -50..50 N) applying 10*sin(2*pi*1.2*t) N, close to "
        "resonance. Same weight, spring and start; simulate 6 s.",
        model(3, 0.5, 0.05, shaker), 6, control=["data.ctrl[0] = 10 * np.sin(2 * np.pi * 1.2 * data.time)"])
    return [t1, t2, t3]


def elastic_pendulum() -> list[Turn]:
    def model(k, length, damping=None, third=False):
        joints = [el("joint", name="bob_x", type="slide", axis=X), el("joint", name="bob_z", type="slide", axis=Z)]
        if third:
            joints.insert(1, el("joint", name="bob_y", type="slide", axis=[0, 1, 0]))
        bob = el("body", *joints, ball("bob_ball", 0.05, 0.5), el("site", name="bob_hook", size=0.01),
                 name="bob", pos=[0, 0, 1.1])
        spring = el("spatial", el("site", site="anchor"), el("site", site="bob_hook"), name="spring",
                    stiffness=k, springlength=length, damping=damping)
        return mj(el("site", name="anchor", pos=[0, 0, 2], size=0.02), bob, timestep=0.001, tendon=[spring])

    init = ['data.joint("bob_x").qpos[0] = 0.3']
    t1 = Turn(
        "Elastic (spring) pendulum: a world site `anchor` (size 0.02 m) at (0, 0, 2) m and body `bob` at "
        "(0, 0, 1.1) m that moves in the x-z plane on two slide joints, `bob_x` (x axis) then `bob_z` (z axis). "
        "It is a 0.5 kg sphere `bob_ball` of radius 0.05 m with a site `bob_hook` (size 0.01 m) at its centre. A "
        "spatial tendon `spring` from `anchor` to `bob_hook` is the spring: stiffness 60 N/m, rest length 0.8 m. "
        "Timestep 1 ms. Pull the bob sideways to `bob_x` = 0.3 m, release from rest, simulate 5 s.",
        model(60, 0.8), 5, init=init)
    t2 = Turn(
        "Stiffer, shorter spring with losses: `spring` stiffness 120 N/m, rest length 0.6 m, tendon damping "
        "0.5 N*s/m. Same release, 5 s.", model(120, 0.6, 0.5), 5, init=init)
    t3 = Turn(
        "Let the bob leave the plane: add a third slide joint `bob_y` along y, declared between `bob_x` and "
        "`bob_z`, and give the bob an initial velocity of 0.8 m/s along y on it. Same spring and release; 5 s.",
        model(120, 0.6, 0.5, True), 5, init=init + ['data.joint("bob_y").qvel[0] = 0.8'], difficulty="complex")
    return [t1, t2, t3]


def coupled_carts() -> list[Turn]:
    def cart(i, mass):
        return el("body", el("joint", name=f"x{i}", type="slide", axis=X, stiffness=50),
                  el("geom", name=f"cart{i}_box", type="box", size=[0.1, 0.08, 0.05], mass=mass),
                  name=f"cart{i}", pos=[0.5 * (i - 1), 0, 0.5])

    def coupling(name, a, b, k):
        return el("fixed", el("joint", joint=a, coef=-1), el("joint", joint=b, coef=1), name=name, stiffness=k,
                  springlength=0)

    def model(kc, m2, third=False):
        carts = [cart(1, 1.0), cart(2, m2)] + ([cart(3, 1.0)] if third else [])
        tendons = [coupling("coupling", "x1", "x2", kc)] + ([coupling("coupling2", "x2", "x3", kc)] if third else [])
        return mj(*carts, tendon=tendons)

    init = ['data.joint("x1").qpos[0] = 0.1']
    t1 = Turn(
        "Two coupled oscillators: carts `cart1` at (0, 0, 0.5) m and `cart2` at (0.5, 0, 0.5) m, each on a slide "
        "joint along x (`x1`, `x2`) tied to the ground by a 50 N/m joint stiffness, each a 1 kg box (`cart1_box`, "
        "`cart2_box`, half sizes 0.1 x 0.08 x 0.05 m). Couple them with a fixed tendon `coupling` of length "
        "x2 - x1 (coefficients -1 on `x1`, +1 on `x2`), stiffness 10 N/m and spring length 0. No contacts. Start "
        "`x1` at 0.1 m, everything else at rest; simulate 8 s at 2 ms.",
        model(10, 1.0), 8, init=init)
    t2 = Turn(
        "Detune the pair: `cart2_box` now weighs 2 kg and the coupling stiffness is 25 N/m. Same start, 8 s.",
        model(25, 2.0), 8, init=init)
    t3 = Turn(
        "Add a third cart `cart3` at (1.0, 0, 0.5) m, slide `x3`, 1 kg box `cart3_box` (same size), 50 N/m to the "
        "ground, and a fixed tendon `coupling2` of length x3 - x2 with stiffness 25 N/m and spring length 0. Same "
        "start; simulate 8 s.", model(25, 2.0, True), 8, init=init, difficulty="complex")
    return [t1, t2, t3]


def quarter_car() -> list[Turn]:
    def model(c, wheel=False):
        chassis = el("body", el("joint", name="suspension", type="slide", axis=Z, stiffness=4000, damping=c),
                     el("geom", name="chassis_box", type="box", size=[0.3, 0.2, 0.1], mass=40),
                     name="chassis", pos=[0, 0, 0.4])
        if wheel:
            chassis = el("body", el("joint", name="tire", type="slide", axis=Z, stiffness=150000, damping=100),
                         el("geom", name="wheel_cyl", type="cylinder", size=[0.15, 0.05], mass=8), chassis,
                         name="wheel", pos=[0, 0, 0.2])
        base = el("body", el("joint", name="base_z", type="slide", axis=Z),
                  el("geom", name="base_plate", type="box", size=[0.3, 0.3, 0.02], mass=5), chassis,
                  name="base", pos=[0, 0, 0.3])
        road = el("position", name="road", joint="base_z", kp=100000, kv=2000)
        return mj(base, option={"integrator": "implicitfast"}, actuator=[road])

    def road(amplitude, freq):
        return [f"data.ctrl[0] = {amplitude} * np.sin(2 * np.pi * {freq} * data.time)"]

    t1 = Turn(
        "Base-excited suspension: body `base` at (0, 0, 0.3) m moves vertically on slide `base_z` and is a 5 kg "
        "plate `base_plate` (box, half sizes 0.3 x 0.3 x 0.02 m). A position actuator `road` on `base_z` (kp 1e5, "
        "kv 2000) makes it follow the road profile 0.02*sin(2*pi*1.5*t) m. On the base, body `chassis` at "
        "(0, 0, 0.4) m relative rides on slide `suspension` (z axis, stiffness 4000 N/m, damping 150 N*s/m) and "
        "is a 40 kg box `chassis_box` (half sizes 0.3 x 0.2 x 0.1 m). Gravity on; implicitfast integrator, 2 ms. "
        "Start at rest at the modelled positions and simulate 4 s.",
        model(150), 4, control=road(0.02, 1.5))
    t2 = Turn(
        "Rougher road: profile 0.03*sin(2*pi*2.5*t) m and suspension damping 300 N*s/m. Same 4 s.",
        model(300), 4, control=road(0.03, 2.5))
    t3 = Turn(
        "Make it a quarter car: insert an unsprung body `wheel` between `base` and `chassis`, at (0, 0, 0.2) m "
        "on the base, on slide `tire` (z axis, tire stiffness 150000 N/m, damping 100 N*s/m), geometry an 8 kg "
        "cylinder `wheel_cyl` (radius 0.15 m, half height 0.05 m); `chassis` becomes its child, still at "
        "(0, 0, 0.4) m relative. Same road as before; 4 s.",
        model(300, True), 4, control=road(0.03, 2.5), difficulty="complex")
    return [t1, t2, t3]


TASKS = {"series": series, "hanging": hanging, "elastic-pendulum": elastic_pendulum,
         "coupled-carts": coupled_carts, "quarter-car": quarter_car}
