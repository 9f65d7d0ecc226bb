"""Pendulums: simple, spherical, chaotic double, cart-pole, torsional, spring-coupled."""

from __future__ import annotations

from physics_suite.mjcf import el
from physics_suite.parts import ball, mj, rod
from physics_suite.program import Turn

Y = [0, 1, 0]


def _link(name: str, joint: str, pos, length: float, m_rod: float, bob: str, r_bob: float, m_bob: float,
          damping: float | None = None, *children):
    return el("body", el("joint", name=joint, axis=Y, damping=damping), rod(f"{bob}_rod", (0, 0, -length), 0.02, m_rod),
              ball(bob, r_bob, m_bob, (0, 0, -length)), *children, name=name, pos=list(pos))


def simple() -> list[Turn]:
    def model(length, m_bob, damping=None, lower=None, gravity=None):
        extra = [lower] if lower else []
        pend = _link("pendulum", "swing", (0, 0, 2.5), length, 0.1, "bob", 0.05, m_bob, damping, *extra)
        return mj(pend, option={"gravity": gravity} if gravity else None)

    t1 = Turn(
        "Build a simple pendulum in MuJoCo. Body `pendulum` pivots about the world y axis at (0, 0, 2.5) m on "
        "hinge joint `swing`; it carries a capsule rod `bob_rod` (radius 0.02 m, 0.1 kg) hanging 0.8 m straight "
        "down from the pivot and a sphere `bob` (radius 0.05 m, 1.0 kg) centred at the rod's lower end. Default "
        "gravity, 2 ms timestep. Release it from rest at 30 degrees and simulate 4 s of simulated time.",
        model(0.8, 1.0), 4, init=['data.joint("swing").qpos[0] = np.deg2rad(30)'])
    t2 = Turn(
        "Change the pendulum: rod 1.2 m long (move `bob` to the new end), bob mass 2.5 kg, viscous damping of "
        "0.05 N*m*s/rad on `swing`. Start it at 50 degrees with an angular velocity of 1 rad/s about the hinge "
        "axis, and still run 4 s.",
        model(1.2, 2.5, 0.05), 4,
        init=['data.joint("swing").qpos[0] = np.deg2rad(50)', 'data.joint("swing").qvel[0] = 1.0'])
    lower = _link("lower", "elbow", (0, 0, -1.2), 0.6, 0.1, "bob2", 0.04, 0.8)
    t3 = Turn(
        "Turn it into a double pendulum: hang a second body `lower` from the centre of `bob` on hinge `elbow` "
        "(y axis, no damping), with a 0.6 m capsule rod `bob2_rod` (radius 0.02 m, 0.1 kg) pointing down and a "
        "sphere `bob2` (radius 0.04 m, 0.8 kg) at its end. Keep the 50 degree / 1 rad/s start of `swing`, start "
        "`elbow` at -20 degrees relative to the upper link, and simulate 5 s.",
        model(1.2, 2.5, 0.05, lower), 5, difficulty="complex",
        init=['data.joint("swing").qpos[0] = np.deg2rad(50)', 'data.joint("swing").qvel[0] = 1.0',
              'data.joint("elbow").qpos[0] = np.deg2rad(-20)'])
    return [t1, t2, t3]


def spherical() -> list[Turn]:
    def model(gravity=None, damping=None, sensors=()):
        body = el("body", el("joint", name="pivot", type="ball", damping=damping),
                  rod("arm_rod", (0, 0, -1.0), 0.015, 0.05), ball("bob", 0.06, 1.2, (0, 0, -1.0)),
                  el("site", name="tip", pos=[0, 0, -1.0], size=0.01), name="arm", pos=[0, 0, 2])
        return mj(body, timestep=0.001,
                  option={"gravity": gravity} if gravity else None, sensor=list(sensors))

    init = ["tilt = np.deg2rad(25)", 'data.joint("pivot").qpos[:] = [np.cos(tilt / 2), np.sin(tilt / 2), 0, 0]',
            'data.joint("pivot").qvel[:] = [0, 0, 2.5]']
    t1 = Turn(
        "Model a spherical pendulum: body `arm` hangs from a ball joint `pivot` at (0, 0, 2) m, with a capsule "
        "`arm_rod` (radius 0.015 m, 0.05 kg) reaching 1.0 m down to a sphere `bob` (radius 0.06 m, 1.2 kg) and a "
        "site `tip` (size 0.01 m) at the bob centre. Timestep 1 ms. Tilt the pendulum 25 degrees about the x axis "
        "(joint quaternion [cos(12.5 deg), sin(12.5 deg), 0, 0]) and give it an angular velocity of 2.5 rad/s "
        "about its own z axis (the joint's local frame), then simulate 3 s so it traces a cone.",
        model(), 3, init=init)
    t2 = Turn(
        "Move the spherical pendulum to the Moon: gravity (0, 0, -1.62) m/s^2, add 0.01 N*m*s/rad damping on "
        "`pivot`, same initial tilt and spin, and simulate 6 s.",
        model([0, 0, -1.62], 0.01), 6, init=init)
    sensors = [el("framepos", name="tip_pos", objtype="site", objname="tip"),
               el("ballquat", name="pivot_quat", joint="pivot"), el("ballangvel", name="pivot_rate", joint="pivot")]
    t3 = Turn(
        "Instrument the Moon pendulum: add a framepos sensor `tip_pos` on site `tip`, a ballquat sensor "
        "`pivot_quat` and a ballangvel sensor `pivot_rate` on `pivot`. Same start, 6 s.",
        model([0, 0, -1.62], 0.01, sensors), 6, init=init)
    return [t1, t2, t3]


def chaotic_double() -> list[Turn]:
    def model(l1, m1, l2, m2, third=None):
        extra = [third] if third else []
        lower = _link("link2", "joint2", (0, 0, -l1), l2, 0.05, "mass2", 0.05, m2, None, *extra)
        upper = _link("link1", "joint1", (0, 0, 3), l1, 0.05, "mass1", 0.05, m1, None, lower)
        return mj(upper, timestep=0.001, option={"integrator": "RK4"})

    init = ['data.joint("joint1").qpos[0] = np.deg2rad(120)', 'data.joint("joint2").qpos[0] = np.deg2rad(-40)']
    t1 = Turn(
        "Chaotic double pendulum: body `link1` hinged at (0, 0, 3) m on `joint1` (y axis) with a 1.0 m capsule "
        "`mass1_rod` (radius 0.02 m, 0.05 kg) down to sphere `mass1` (radius 0.05 m, 1 kg); body `link2` hangs "
        "from `mass1`'s centre on `joint2` (y axis) with a 1.0 m rod `mass2_rod` (0.05 kg) down to sphere "
        "`mass2` (radius 0.05 m, 1 kg). No damping. RK4, 1 ms. Release from rest with `joint1` at 120 degrees "
        "and `joint2` at -40 degrees and simulate 8 s.",
        model(1.0, 1.0, 1.0, 1.0), 8, init=init, difficulty="complex", tags=["chaotic"], horizon=3.0)
    t2 = Turn(
        "Make the double pendulum asymmetric: first link 0.7 m with a 2 kg `mass1`, second link 1.1 m with a "
        "0.5 kg `mass2` (rods keep their radius and mass). Same release angles and 8 s.",
        model(0.7, 2.0, 1.1, 0.5), 8, init=init, difficulty="complex", tags=["chaotic"], horizon=3.0)
    third = _link("link3", "joint3", (0, 0, -1.1), 0.5, 0.05, "mass3", 0.04, 0.3)
    t3 = Turn(
        "Extend to a triple pendulum: from `mass2`'s centre hang body `link3` on hinge `joint3` (y axis) with a "
        "0.5 m rod `mass3_rod` (radius 0.02 m, 0.05 kg) and sphere `mass3` (radius 0.04 m, 0.3 kg). `joint3` "
        "starts at 60 degrees; the other angles as before. Simulate 8 s.",
        model(0.7, 2.0, 1.1, 0.5, third), 8, init=init + ['data.joint("joint3").qpos[0] = np.deg2rad(60)'],
        difficulty="complex", tags=["chaotic"], horizon=2.0)
    return [t1, t2, t3]


def cart_pole() -> list[Turn]:
    def model(m_cart, length, m_tip, actuator=()):
        pole = el("body", el("joint", name="hinge", axis=Y), rod("pole", (0, 0, length), 0.02, 0.1),
                  ball("tip", 0.05, m_tip, (0, 0, length)), name="pole_body", pos=[0, 0, 0.05])
        cart = el("body", el("joint", name="rail", type="slide", axis=[1, 0, 0], damping=0.1),
                  el("geom", name="cart_box", type="box", size=[0.15, 0.1, 0.05], mass=m_cart), pole,
                  name="cart", pos=[0, 0, 1])
        return mj(cart, timestep=0.002, actuator=list(actuator))

    init = ['data.joint("hinge").qpos[0] = np.deg2rad(8)']
    t1 = Turn(
        "Cart-pole without control: body `cart` at (0, 0, 1) m slides along x on slide joint `rail` (damping "
        "0.1 N*s/m), its geometry a box `cart_box` of half sizes 0.15 x 0.1 x 0.05 m and 1 kg. On top, body "
        "`pole_body` at (0, 0, 0.05) m relative to the cart is hinged on `hinge` (y axis) and carries an upright "
        "capsule `pole` (radius 0.02 m, 0.1 kg) from its origin to 0.6 m up and a sphere `tip` (radius 0.05 m, "
        "0.2 kg) at the top. No floor, no contacts needed. Tip the pole 8 degrees from upright and let it fall "
        "for 2 s (2 ms timestep).",
        model(1.0, 0.6, 0.2), 2, init=init)
    t2 = Turn(
        "Change the cart-pole: a 2.5 kg cart, a 0.9 m pole with a 0.4 kg `tip` at its new top. Same 8 degree "
        "start, 2 s.",
        model(2.5, 0.9, 0.4), 2, init=init)
    act = [el("motor", name="push", joint="rail", gear=1, ctrlrange=[-40, 40])]
    t3 = Turn(
        "Balance it: add a motor `push` on `rail` (gear 1, control range -40..40 N) and run a state-feedback "
        "controller every step, force = 60*theta + 12*theta_dot + 2*x + 3*x_dot on the pole angle theta "
        "(`hinge`), its rate and the cart position/velocity (`rail`), clipped to the control range. Same 8 degree "
        "start; simulate 5 s.",
        model(2.5, 0.9, 0.4, act), 5, init=init, difficulty="complex",
        setup=["K_THETA, K_OMEGA, K_X, K_V = 60.0, 12.0, 2.0, 3.0"],
        control=['theta, omega = data.joint("hinge").qpos[0], data.joint("hinge").qvel[0]',
                 'x, v = data.joint("rail").qpos[0], data.joint("rail").qvel[0]',
                 'data.ctrl[0] = np.clip(K_THETA * theta + K_OMEGA * omega + K_X * x + K_V * v, -40, 40)'])
    return [t1, t2, t3]


def torsional() -> list[Turn]:
    def model(stiffness, damping, springref=None, motor=()):
        plate = el("body", el("joint", name="torsion", axis=[0, 0, 1], stiffness=stiffness, damping=damping,
                              springref=springref),
                   el("geom", name="disk", type="cylinder", size=[0.25, 0.01], mass=2.0),
                   el("geom", name="mark", type="box", pos=[0.2, 0, 0.02], size=[0.05, 0.01, 0.01], mass=0.1),
                   name="plate", pos=[0, 0, 1])
        return mj(plate, timestep=0.002, actuator=list(motor))

    init = ['data.joint("torsion").qpos[0] = np.deg2rad(60)']
    t1 = Turn(
        "Torsion pendulum: body `plate` at (0, 0, 1) m turns about the vertical z axis on hinge `torsion` with "
        "torsional stiffness 3 N*m/rad and damping 0.02 N*m*s/rad. It holds a horizontal disk `disk` (cylinder, "
        "radius 0.25 m, half height 0.01 m, 2 kg) and a small box `mark` (half sizes 0.05 x 0.01 x 0.01 m, "
        "0.1 kg) at (0.2, 0, 0.02) m on it. Twist it to 60 degrees, release, simulate 5 s at 2 ms.",
        model(3, 0.02), 5, init=init)
    t2 = Turn(
        "Stiffen the torsion wire to 8 N*m/rad, raise damping to 0.1 N*m*s/rad and move the spring's neutral "
        "angle (springref) to 20 degrees. Same 60 degree release, 5 s.",
        model(8, 0.1, 20), 5, init=init)
    motor = [el("motor", name="drive", joint="torsion", gear=1, ctrlrange=[-2, 2])]
    t3 = Turn(
        "Drive it: add a motor `drive` on `torsion` (gear 1, range -2..2 N*m) applying 0.6*sin(2*pi*1.2*t) N*m, "
        "a forcing at 1.2 Hz. Same spring, damping and start; simulate 6 s.",
        model(8, 0.1, 20, motor), 6, init=init,
        control=["data.ctrl[0] = 0.6 * np.sin(2 * np.pi * 1.2 * data.time)"])
    return [t1, t2, t3]


def coupled() -> list[Turn]:
    def pendulum(name, x):
        return el("body", el("joint", name=f"{name}_hinge", axis=Y),
                  rod(f"{name}_rod", (0, 0, -1), 0.015, 0.05), ball(f"{name}_bob", 0.05, 1.0, (0, 0, -1)),
                  el("site", name=f"{name}_hook", pos=[0, 0, -0.5], size=0.01), name=name, pos=[x, 0, 2])

    def spring(a, b, stiffness, length):
        return el("spatial", el("site", site=f"{a}_hook"), el("site", site=f"{b}_hook"), name=f"spring_{a}_{b}",
                  stiffness=stiffness, springlength=length)

    def model(gap, stiffness, names=("left", "right")):
        bodies = [pendulum(n, i * gap) for i, n in enumerate(names)]
        springs = [spring(a, b, stiffness, gap) for a, b in zip(names, names[1:], strict=False)]
        return mj(*bodies, timestep=0.002, tendon=springs)

    init = ['data.joint("left_hinge").qpos[0] = np.deg2rad(15)']
    t1 = Turn(
        "Two coupled pendulums: bodies `left` at (0, 0, 2) m and `right` at (0.5, 0, 2) m, each hinged about y "
        "(`left_hinge`, `right_hinge`) with a 1 m capsule rod (`left_rod`, `right_rod`, radius 0.015 m, 0.05 kg) "
        "down to a 1 kg sphere (`left_bob`, `right_bob`, radius 0.05 m) and a site halfway down the rod "
        "(`left_hook`, `right_hook` at (0, 0, -0.5) m). Couple the hooks with a spatial tendon spring "
        "`spring_left_right` of stiffness 5 N/m and rest length 0.5 m. Pull `left` to 15 degrees, keep `right` "
        "at rest, simulate 8 s (2 ms) and watch the energy beat between them.",
        model(0.5, 5), 8, init=init)
    t2 = Turn(
        "Weaken the coupling and spread the pendulums: `right` at (0.8, 0, 2) m, spring stiffness 2 N/m with "
        "rest length 0.8 m. Same start, 8 s.",
        model(0.8, 2), 8, init=init)
    t3 = Turn(
        "Add a third pendulum `far` at (1.6, 0, 2) m built like the others (`far_hinge`, `far_rod`, `far_bob`, "
        "`far_hook`) and a second spring `spring_right_far` between `right_hook` and `far_hook` (2 N/m, rest "
        "length 0.8 m). Same start, 10 s.",
        model(0.8, 2, ("left", "right", "far")), 10, init=init, difficulty="complex")
    return [t1, t2, t3]


TASKS = {"simple": simple, "spherical": spherical, "chaotic-double": chaotic_double, "cart-pole": cart_pole,
         "torsional": torsional, "coupled": coupled}
