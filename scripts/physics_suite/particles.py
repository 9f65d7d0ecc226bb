"""Particles: projectiles with and without drag, a granular pile in a bin, spheres settling in a viscous fluid,
a Galton board."""

from __future__ import annotations

from physics_suite.mjcf import el
from physics_suite.parts import ball, floor, mj
from physics_suite.program import Turn

BOUNCE = [-10000, -20]  # direct stiffness and damping: a bounce that does not depend on the timestep


def _particle(name, pos, radius, mass, **attrs):
    return el("body", el("freejoint", name=f"{name}_free"), ball(name, radius, mass, **attrs), name=f"{name}_body",
              pos=[round(c, 6) for c in pos])


def projectiles() -> list[Turn]:
    def model(radius, mass, drag=False, wall=False):
        world = [floor(conaffinity=3, solref=BOUNCE)]
        if wall:
            world.append(el("geom", name="wall", type="box", size=[0.05, 1, 0.5], pos=[2, 0.2, 0.5],
                            conaffinity=3, solref=BOUNCE))
        world += [_particle(f"p{i}", (0, 0.1 * (i - 1), 0.1), radius, mass, contype=2, conaffinity=0,
                            solref=BOUNCE) for i in range(1, 6)]
        return mj(*world, option={"density": 1.2, "viscosity": 1.8e-5} if drag else None)

    def init(speed):
        return ["for i, angle in enumerate(np.deg2rad([20, 35, 50, 65, 80])):",
                f'    data.joint(f"p{{i + 1}}_free").qvel[:3] = [{speed} * np.cos(angle), 0, {speed} * np.sin(angle)]']

    t1 = Turn(
        "Five projectiles: bodies `p1_body`..`p5_body` on free joints `p1_free`..`p5_free` at (0, 0.1*(i-1), "
        "0.1) m for i = 1..5, each a sphere `p1`..`p5` of radius 0.03 m and 0.05 kg. They bounce on a ground "
        "plane `floor` (5 x 5 m) but pass through each other: particles contype 2, conaffinity 0; floor "
        "conaffinity 3; floor and particles all with solref -10000 -20 (a bouncy spring-damper contact). Launch "
        "particle i at 5 m/s in the x-z plane at 20, 35, 50, 65 and 80 degrees above +x respectively. No air, "
        "2 ms; simulate 2 s.", model(0.03, 0.05), 2, init=init(5))
    t2 = Turn(
        "Ping-pong balls in air: particles of radius 0.05 m and 0.02 kg, air density 1.2 kg/m^3 and viscosity "
        "1.8e-5 Pa*s (option density, viscosity), launch speed 7 m/s at the same angles. 2 s.",
        model(0.05, 0.02, True), 2, init=init(7))
    t3 = Turn(
        "Add a wall to bounce off: a fixed box `wall` (half sizes 0.05 x 1 x 0.5 m) at (2, 0.2, 0.5) m with "
        "conaffinity 3 and solref -10000 -20. Same balls, air and launch; 2 s.",
        model(0.05, 0.02, True, True), 2, init=init(7), difficulty="complex")
    return [t1, t2, t3]


def _walls(half, height):
    x_wall, y_wall = [0.01, half, height], [half, 0.01, height]
    specs = [("wall_px", [half, 0, height], x_wall), ("wall_nx", [-half, 0, height], x_wall),
             ("wall_py", [0, half, height], y_wall), ("wall_ny", [0, -half, height], y_wall)]
    return [el("geom", name=n, type="box", pos=p, size=s) for n, p, s in specs]


def pile() -> list[Turn]:
    def model(radius, friction, pusher=False):
        grains = []
        for layer in range(2):
            for i in range(8):
                x = -0.07 + 0.07 * (i % 3) + 0.02 * layer
                y = -0.07 + 0.07 * (i // 3) - 0.03 * layer
                grains.append(_particle(f"g{layer * 8 + i + 1}", (x, y, 0.15 + 0.1 * layer), radius, 0.02,
                                        friction=friction))
        world = [floor(), *_walls(0.15, 0.1), *grains]
        act = []
        if pusher:
            world.append(el("body", el("joint", name="pusher_slide", type="slide", axis=[1, 0, 0]),
                            el("geom", name="pusher_plate", type="box", size=[0.01, 0.14, 0.05], mass=1),
                            name="pusher", pos=[-0.13, 0, 0.06]))
            act = [el("velocity", name="pusher_motor", joint="pusher_slide", kv=50)]
        return mj(*world, option={"integrator": "implicitfast"}, actuator=act)

    grid = ("16 grains in two layers of 8: grain k = 8*layer + i + 1 (layer 0..1, i 0..7) is body `g<k>_body` on "
            "free joint `g<k>_free` at (-0.07 + 0.07*(i mod 3) + 0.02*layer, -0.07 + 0.07*floor(i/3) - 0.03*layer, "
            "0.15 + 0.1*layer) m, a 0.02 kg sphere `g<k>`")
    t1 = Turn(
        "Pour a granular pile into a bin: a ground plane `floor` (5 x 5 m) and four fixed walls of a 0.3 x 0.3 m "
        "bin, boxes `wall_px`, `wall_nx` (half sizes 0.01 x 0.15 x 0.1 m at (+-0.15, 0, 0.1) m) and `wall_py`, "
        "`wall_ny` (0.15 x 0.01 x 0.1 m at (0, +-0.15, 0.1) m). " + grid + " of radius 0.03 m (default "
        "friction). implicitfast, 2 ms; drop them from rest and simulate 2 s.",
        model(0.03, None), 2, tags=["chaotic"], horizon=0.6)
    t2 = Turn(
        "Coarser, grippier grains: radius 0.035 m and sliding friction 0.8 on every grain. Same layout; 2 s.",
        model(0.035, 0.8), 2, tags=["chaotic"], horizon=0.6)
    t3 = Turn(
        "Bulldoze the pile: body `pusher` at (-0.13, 0, 0.06) m on slide `pusher_slide` along x, a 1 kg plate "
        "`pusher_plate` (half sizes 0.01 x 0.14 x 0.05 m), driven by a velocity actuator `pusher_motor` (kv 50) "
        "commanded to 0.1 m/s from t = 1 s (0 before). Same grains; 2 s.",
        model(0.035, 0.8, True), 2, tags=["chaotic"], horizon=0.6, difficulty="complex",
        control=["data.ctrl[0] = 0.1 if data.time >= 1.0 else 0.0"])
    return [t1, t2, t3]


def settling() -> list[Turn]:
    def model(density, viscosity, shot=False):
        bodies = [_particle(f"s{i + 1}", (0.2 * i, 0, 2), 0.05, m) for i, m in enumerate((0.1, 0.3, 0.6))]
        if shot:
            bodies.append(_particle("s4", (-0.3, 0, 1.5), 0.05, 0.3))
        return mj(floor(), *bodies, option={"density": density, "viscosity": viscosity})

    init4 = ['data.joint("s4_free").qvel[0] = 2.0']
    t1 = Turn(
        "Spheres settling in a viscous liquid: three bodies `s1_body`, `s2_body`, `s3_body` on free joints "
        "`s1_free`.. at (0, 0, 2), (0.2, 0, 2) and (0.4, 0, 2) m, spheres `s1`, `s2`, `s3` of radius 0.05 m "
        "and 0.1, 0.3, 0.6 kg, above a ground plane `floor` (5 x 5 m). The medium: option density 1000 kg/m^3 "
        "and viscosity 0.5 Pa*s (MuJoCo's inertia-box drag). Release at rest; 3 s at 2 ms.",
        model(1000, 0.5), 3)
    t2 = Turn("Thicker syrup: density 1200 kg/m^3, viscosity 2 Pa*s. Same spheres; 3 s.", model(1200, 2), 3)
    t3 = Turn(
        "Shoot a fourth sphere across: body `s4_body` at (-0.3, 0, 1.5) m on `s4_free`, sphere `s4` (radius "
        "0.05 m, 0.3 kg), launched along +x at 2 m/s. Same syrup; 3 s.",
        model(1200, 2, True), 3, init=init4, difficulty="complex")
    return [t1, t2, t3]


def galton() -> list[Turn]:
    def model(pitch, n_balls):
        pegs = []
        for row in range(4):
            for k in range(row + 2):
                x = round((k - (row + 1) / 2) * pitch, 6)
                z = round(0.8 - row * pitch, 6)
                pegs.append(el("geom", name=f"peg{row}{k}", type="capsule", fromto=[x, -0.03, z, x, 0.03, z],
                               size=0.01))
        plates = [el("geom", name=n, type="box", pos=[0, y, 0.5], size=[0.4, 0.005, 0.5], rgba=[1, 1, 1, 0.1])
                  for n, y in (("front", -0.035), ("back", 0.035))]
        balls = [_particle(f"b{i + 1}", (0.003 * (i % 3 - 1), 0, 1.0 + 0.06 * i), 0.02, 0.01)
                 for i in range(n_balls)]
        return mj(floor(), *plates, *pegs, *balls, timestep=0.001)

    def text(pitch):
        return (f"4 rows of fixed pegs: row r (0..3) has r + 2 capsules `peg<r><k>` (k = 0..r+1, radius 0.01 m, "
                f"from y = -0.03 to 0.03 m) at x = (k - (r+1)/2)*{pitch:g} m, z = 0.8 - r*{pitch:g} m")

    t1 = Turn(
        "Galton board: a ground plane `floor` (5 x 5 m), two transparent fixed plates `front` and `back` (boxes, "
        "half sizes 0.4 x 0.005 x 0.5 m at (0, -+0.035, 0.5) m) keeping the balls in the x-z plane, and "
        + text(0.1) + ". Six balls `b1`..`b6` (bodies `b1_body`.., free joints `b1_free`..; radius 0.02 m, "
        "0.01 kg) start in a column: ball i (0-based) at (0.003*((i mod 3) - 1), 0, 1.0 + 0.06*i) m. 1 ms; "
        "drop them and simulate 2.5 s.", model(0.1, 6), 2.5, tags=["chaotic"], horizon=0.4)
    t2 = Turn("Tighter pegs: pitch 0.08 m instead of 0.1 m (" + text(0.08) + "). Same balls; 2.5 s.",
              model(0.08, 6), 2.5, tags=["chaotic"], horizon=0.4)
    t3 = Turn("More balls: ten, `b1`..`b10`, in the same column pattern. Pitch 0.08 m; 2.5 s.",
              model(0.08, 10), 2.5, tags=["chaotic"], horizon=0.4, difficulty="complex")
    return [t1, t2, t3]


TASKS = {"projectiles": projectiles, "pile": pile, "settling": settling, "galton": galton}
