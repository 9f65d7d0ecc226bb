"""Cloth as 2-D flexcomp grids with edge equality constraints: a hammock, a drape over furniture, a flag in
the wind. Flex nodes are bodies MuJoCo names `<flex>_<i>`; the second reference loads the MJCF with
`MjSpec.from_string` and sets the options in code."""

from __future__ import annotations

from physics_suite.mjcf import el
from physics_suite.parts import ball, floor, mj
from physics_suite.program import Turn


def _cloth(name, count, spacing, pos, mass, pins=None, **attrs):
    children = [el("edge", equality=True), el("contact", selfcollide="none")]
    if pins:
        children.append(el("pin", id=pins))
    return el("flexcomp", *children, name=name, type="grid", count=[*count, 1], spacing=[spacing] * 3,
              pos=list(pos), radius=0.005, dim=2, mass=mass, **attrs)


# A cloth draped over an edge or fluttering in the wind folds a little differently with a halved timestep or
# another integrator (its free corners by up to 7 cm): its node positions are scored within 8 cm.
LOOSE = {"continuous_channels": {"body/*/pos.*": {"abs_tol": 0.08}}}


def _stone(name, height, radius=0.05, mass=0.2):
    return el("body", el("freejoint", name=f"{name}_free"), ball(name, radius, mass), name=f"{name}_body",
              pos=[0, 0, height])


def hammock() -> list[Turn]:
    def model(mass, pins, stone=False):
        world = [floor(), _cloth("sheet", (6, 6), 0.06, (0, 0, 1), mass, pins)]
        if stone:
            world.append(_stone("stone", 1.4))
        return mj(*world)

    common = ("a flexcomp `sheet`: type grid, dim 2, count 6 6 1, spacing 0.06 m, centred at (0, 0, 1) m "
              "(horizontal), node radius 0.005 m, edge equality constraints on, self-collision off "
              "(selfcollide none)")
    t1 = Turn(
        "Cloth hanging from one edge: " + common + ", total mass 0.2 kg, nodes 0 and 5 (the two corners of the "
        "first row) pinned, plus a ground plane `floor` (5 x 5 m). 2 ms step; release it flat and simulate "
        "1.5 s. MuJoCo names the free nodes' bodies `sheet_1`, `sheet_2`, ...",
        model(0.2, [0, 5]), 1.5, from_string=True)
    t2 = Turn(
        "Make it a hammock: pin all four corners (nodes 0, 5, 30, 35) and raise the mass to 0.3 kg. "
        "Simulate 1.5 s.", model(0.3, [0, 5, 30, 35]), 1.5, from_string=True)
    t3 = Turn(
        "Drop a stone in it: body `stone_body` at (0, 0, 1.4) m on free joint `stone_free`, a sphere `stone` of "
        "radius 0.05 m and 0.2 kg, released from rest above the hammock's centre. Simulate 1.5 s.",
        model(0.3, [0, 5, 30, 35], True), 1.5, from_string=True, difficulty="complex")
    return [t1, t2, t3]


def drape() -> list[Turn]:
    def model(support, mass, weight=False):
        world = [floor(), support, _cloth("cover", (6, 6), 0.08, (0, 0, 0.8), mass)]
        if weight:
            world.append(_stone("weight", 1.2, 0.04, 0.1))
        return mj(*world)

    dome = el("geom", name="dome", type="sphere", size=0.15, pos=[0, 0, 0.4])
    table = el("geom", name="table", type="box", size=[0.15, 0.15, 0.2], pos=[0, 0, 0.2])
    common = ("flexcomp `cover`: grid, dim 2, count 6 6 1, spacing 0.08 m, centred at (0, 0, 0.8) m, node "
              "radius 0.005 m, edge equality on, selfcollide none, no pins")
    t1 = Turn(
        "Drape a cloth over a ball: a ground plane `floor` (5 x 5 m), a fixed sphere `dome` of radius 0.15 m at "
        "(0, 0, 0.4) m, and a " + common + ", total mass 0.15 kg. 2 ms; drop it flat from rest and simulate "
        "1.5 s. Its node bodies are `cover_0`, `cover_1`, ...",
        model(dome, 0.15), 1.5, from_string=True, scoring=LOOSE)
    t2 = Turn(
        "Swap the ball for a small table: a fixed box `table` (half sizes 0.15 x 0.15 x 0.2 m) at (0, 0, 0.2) m "
        "instead of `dome`, and a 0.25 kg cloth. Simulate 1.5 s.",
        model(table, 0.25), 1.5, from_string=True, scoring=LOOSE)
    t3 = Turn(
        "Drop a weight on the covered table: body `weight_body` at (0, 0, 1.2) m on free joint `weight_free`, a "
        "sphere `weight` of radius 0.04 m and 0.1 kg. Simulate 1.5 s.",
        model(table, 0.25, True), 1.5, from_string=True, difficulty="complex", scoring=LOOSE)
    return [t1, t2, t3]


def flag() -> list[Turn]:
    def model(wind, mass, pole=False):
        world = [_cloth("flag", (7, 5), 0.06, (0.18, 0, 1.5), mass, [0, 1, 2, 3, 4], euler=[90, 0, 0])]
        if pole:
            world.insert(0, el("geom", name="pole", type="cylinder", fromto=[0, 0, 0, 0, 0, 1.7], size=0.015))
            world.insert(0, floor())
        return mj(*world, option={"density": 1.2, "wind": wind})

    common = ("flexcomp `flag`: grid, dim 2, count 7 5 1, spacing 0.06 m, centred at (0.18, 0, 1.5) m and "
              "turned upright with euler 90 0 0 (degrees), node radius 0.005 m, edge equality on, selfcollide "
              "none, the first five nodes (ids 0-4, the edge at x = 0) pinned")
    t1 = Turn(
        "A flag in the wind: " + common + ", total mass 0.1 kg. Air density 1.2 kg/m^3 and a wind of "
        "(0, 8, 0) m/s (option density and wind). 2 ms; simulate 1.5 s from the flat start.",
        model([0, 8, 0], 0.1), 1.5, from_string=True, scoring=LOOSE)
    t2 = Turn(
        "Heavier flag in a crosswind: mass 0.2 kg, wind (3, 10, 0) m/s. Simulate 1.5 s.",
        model([3, 10, 0], 0.2), 1.5, from_string=True, scoring=LOOSE)
    t3 = Turn(
        "Add the flagpole and the ground: a fixed cylinder `pole` from (0, 0, 0) to (0, 0, 1.7) m, radius "
        "0.015 m, and a ground plane `floor` (5 x 5 m). Same flag and wind; 1.5 s.",
        model([3, 10, 0], 0.2, True), 1.5, from_string=True, difficulty="complex", scoring=LOOSE)
    return [t1, t2, t3]


TASKS = {"hammock": hammock, "drape": drape, "flag": flag}
