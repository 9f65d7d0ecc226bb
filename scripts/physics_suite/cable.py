"""Cables and ropes: chains of capsule bodies (ball or hinge joints), a catenary closed by a connect equality,
a shaken rope, an elastic string as a 1-D flex, a crane's sling load."""

from __future__ import annotations

import math

from physics_suite.mjcf import el, num
from physics_suite.parts import ball, floor, mj
from physics_suite.program import Turn

X, Y, Z = [1, 0, 0], [0, 1, 0], [0, 0, 1]
SEG = {"contype": 0, "conaffinity": 0}


def _r(v: float) -> float:
    return round(v, 6)


def _chain(n, seg, joint_type, damping, mass, first_pos, tail=None, direction=(1, 0, 0), prefix="seg",
           joint_prefix="link", axis=None):
    """Nested segment bodies `seg1`..`segN` (joints `link1`..), each a capsule of length `seg` along
    `direction`; `tail` (an element) is attached to the last one."""
    dx, dy, dz = (c * seg for c in direction)
    body = tail
    for i in range(n, 0, -1):
        pos = list(first_pos) if i == 1 else [_r(dx), _r(dy), _r(dz)]
        parts = [el("joint", name=f"{joint_prefix}{i}", type=joint_type, axis=axis, damping=damping),
                 el("geom", name=f"{prefix}{i}_geom", type="capsule", fromto=[0, 0, 0, _r(dx), _r(dy), _r(dz)],
                    size=0.01, mass=mass, **SEG)]
        body = el("body", *parts, *([body] if body is not None else []), name=f"{prefix}{i}", pos=pos)
    return body


def hanging_chain() -> list[Turn]:
    def model(n, seg, damping, mass, load=False):
        tail = el("body", ball("load", 0.04, 0.2, **SEG), name="load_body", pos=[_r(seg), 0, 0]) if load else None
        return mj(_chain(n, seg, "ball", damping, mass, (0, 0, 1.5), tail), timestep=0.001)

    t1 = Turn(
        "Rope as a chain of rigid links: 8 nested bodies `seg1`..`seg8`, each joined to its parent by a ball "
        "joint `link1`..`link8` (damping 0.005 N*m*s/rad) at its origin and carrying a capsule `seg1_geom`.."
        "`seg8_geom` (radius 0.01 m, 0.02 kg) 0.1 m long along its local +x. `seg1` is at (0, 0, 1.5) m in the "
        "world, each next segment at (0.1, 0, 0) m in its parent. No contacts. The rope starts straight and "
        "horizontal; release it from rest and simulate 3 s at 1 ms.",
        model(8, 0.1, 0.005, 0.02), 3)
    t2 = Turn(
        "Longer, heavier rope: 12 segments of 0.08 m (`seg1`..`seg12`, `link1`..`link12`), 0.03 kg each, ball "
        "joint damping 0.01 N*m*s/rad. Same anchor, horizontal start, 3 s.",
        model(12, 0.08, 0.01, 0.03), 3)
    t3 = Turn(
        "Hang a weight at the free end: body `load_body` at (0.08, 0, 0) m in `seg12` (rigidly attached), with a "
        "sphere `load` of radius 0.04 m and 0.2 kg, no contacts. Same start; 3 s.",
        model(12, 0.08, 0.01, 0.03, True), 3, difficulty="complex")
    return [t1, t2, t3]


def catenary() -> list[Turn]:
    def model(n, seg, sag_deg, lamp=False):
        half = n // 2
        a = math.radians(sag_deg)
        down, up = (math.cos(a), 0, -math.sin(a)), (math.cos(a), 0, math.sin(a))
        body = None
        for i in range(n, 0, -1):
            d = down if i <= half else up
            prev = down if i - 1 <= half else up
            pos = [0, 0, 2] if i == 1 else [_r(prev[0] * seg), 0, _r(prev[2] * seg)]
            parts = [el("joint", name=f"link{i}", axis=Y, damping=0.01),
                     el("geom", name=f"seg{i}_geom", type="capsule",
                        fromto=[0, 0, 0, _r(d[0] * seg), 0, _r(d[2] * seg)], size=0.01, mass=0.05, **SEG)]
            if lamp and i == half:
                parts.append(el("body", el("joint", name="lamp_hinge", axis=Y, damping=0.005),
                                el("geom", name="lamp_cord", type="capsule", fromto=[0, 0, 0, 0, 0, -0.2],
                                   size=0.005, mass=0.01, **SEG), ball("lamp", 0.05, 0.3, (0, 0, -0.2), **SEG),
                                name="lamp_body", pos=[_r(d[0] * seg), 0, _r(d[2] * seg)]))
            body = el("body", *parts, *([body] if body is not None else []), name=f"seg{i}", pos=pos)
        end = [_r(up[0] * seg), 0, _r(up[2] * seg)]
        return mj(body, equality=[el("connect", body1=f"seg{n}", body2="world", anchor=end)])

    def text(n, seg, sag):
        span = 2 * (n // 2) * seg * math.cos(math.radians(sag))
        return (f"{n} segments `seg1`..`seg{n}` of {num(seg)} m, hinge joints `link1`..`link{n}` about y "
                f"(damping 0.01 N*m*s/rad), capsules `seg1_geom`..`seg{n}_geom` (radius 0.01 m, 0.05 kg). Build "
                f"it in a V: the first {n // 2} segments point {sag} degrees below +x, the rest {sag} degrees "
                f"above, starting from (0, 0, 2) m, so the far end lands at ({span:.6g}, 0, 2) m; pin that end "
                f"to the world with a connect equality (body1 `seg{n}`, body2 `world`, anchor at the end of "
                f"`seg{n}`'s capsule). All hinges read 0 in the V")

    t1 = Turn("Hanging cable pinned at both ends (x-z plane, no contacts): " + text(10, 0.1, 30) + ". Release "
              "from rest and let it settle toward a catenary for 4 s at 2 ms.", model(10, 0.1, 30), 4)
    t2 = Turn("Rebuild the cable finer and shallower: " + text(14, 0.08, 20) + ". Simulate 4 s.",
              model(14, 0.08, 20), 4)
    t3 = Turn("Hang a lamp from the middle: body `lamp_body` at the far end of `seg7`'s capsule, hinged on "
              "`lamp_hinge` about y (0.005 N*m*s/rad), with a cord `lamp_cord` (capsule, radius 0.005 m, "
              "0.01 kg) 0.2 m straight down and a sphere `lamp` (radius 0.05 m, 0.3 kg) at its end, no "
              "contacts. Same cable; 4 s.", model(14, 0.08, 20, True), 4, difficulty="complex")
    return [t1, t2, t3]


def shaken_rope() -> list[Turn]:
    def model(tip=False):
        tail = el("body", ball("tip_mass", 0.03, 0.1, **SEG), name="tip", pos=[0, 0, -0.1]) if tip else None
        rope = _chain(10, 0.1, "hinge", 0.01, 0.02, (0, 0, 0), tail, (0, 0, -1), axis=Y)
        base = el("body", el("joint", name="base_x", type="slide", axis=X),
                  el("geom", name="handle", type="box", size=[0.05, 0.05, 0.02], mass=0.5, **SEG), rope,
                  name="base", pos=[0, 0, 2])
        return mj(base, option={"integrator": "implicitfast"},
                  actuator=[el("position", name="shaker", joint="base_x", kp=2000, kv=50)])

    def ctrl(amplitude, freq):
        return [f"data.ctrl[0] = {amplitude} * np.sin(2 * np.pi * {freq} * data.time)"]

    t1 = Turn(
        "Shaken hanging rope (x-z plane): body `base` at (0, 0, 2) m on slide `base_x` along x, a 0.5 kg box "
        "`handle` (half sizes 0.05 x 0.05 x 0.02 m). From its origin hangs a rope of 10 nested bodies "
        "`seg1`..`seg10`, each on a hinge `link1`..`link10` about y (damping 0.01 N*m*s/rad) with a capsule "
        "`seg1_geom`..`seg10_geom` 0.1 m long pointing straight down (radius 0.01 m, 0.02 kg); `seg1` at the "
        "base origin, each next one at (0, 0, -0.1) m. No contacts. A position actuator `shaker` on `base_x` "
        "(kp 2000, kv 50) tracks 0.1*sin(2*pi*1.5*t) m. implicitfast, 2 ms; simulate 4 s.",
        model(), 4, control=ctrl(0.1, 1.5))
    t2 = Turn("Shake faster and smaller: 0.05*sin(2*pi*3*t) m. Simulate 4 s.", model(), 4, control=ctrl(0.05, 3))
    t3 = Turn("Weight the end: body `tip` at (0, 0, -0.1) m in `seg10` with a sphere `tip_mass` (radius 0.03 m, "
              "0.1 kg, no contacts). Same 3 Hz shaking; 4 s.", model(True), 4, control=ctrl(0.05, 3),
              difficulty="complex")
    return [t1, t2, t3]


def elastic_string() -> list[Turn]:
    def model(pins, stiffness, obstacle=False):
        string = el("flexcomp", el("edge", stiffness=stiffness, damping=0.05), el("pin", id=pins),
                    name="string", type="grid", count=[12, 1, 1], spacing=[0.08, 0.08, 0.08], pos=[0, 0, 1.5],
                    radius=0.01, dim=1, mass=0.12)
        world = [floor(), string]
        if obstacle:
            world.append(el("geom", name="post", type="sphere", size=0.1, pos=[0, 0, 1.0]))
        return mj(*world, timestep=0.001)

    t1 = Turn(
        "Elastic string as a 1-D flex: a flexcomp `string` of type grid, dim 1, count 12 1 1, spacing 0.08 m, "
        "centred at (0, 0, 1.5) m (so it lies along x), node radius 0.01 m, total mass 0.12 kg, with edge "
        "stiffness 100 and edge damping 0.05, and node 0 pinned. A ground plane `floor` (5 x 5 m). Timestep "
        "1 ms; release it straight and simulate 2 s. The flex bodies are named `string_1`, `string_2`, ... by "
        "MuJoCo.", model([0], 100), 2, from_string=True)
    t2 = Turn(
        "Pin both ends of the string (nodes 0 and 11) and soften it to an edge stiffness of 40. Simulate 2 s.",
        model([0, 11], 40), 2, from_string=True)
    t3 = Turn(
        "Drop it onto a post: add a fixed sphere `post` of radius 0.1 m at (0, 0, 1.0) m under the middle of "
        "the string. Same pins and stiffness; 2 s.", model([0, 11], 40, True), 2, from_string=True,
        difficulty="complex")
    return [t1, t2, t3]


def sling_load() -> list[Turn]:
    def model(m_load, damping, sensor=False):
        tail = el("body", ball("load", 0.06, m_load, **SEG), el("site", name="load_site", size=0.01),
                  name="load_body", pos=[0, 0, -0.2])
        rope = _chain(5, 0.2, "hinge", damping, 0.02, (0, 0, -0.05), tail, (0, 0, -1), prefix="sling",
                      joint_prefix="sling_joint", axis=Y)
        trolley = el("body", el("joint", name="trolley_x", type="slide", axis=X),
                     el("geom", name="trolley_box", type="box", size=[0.1, 0.08, 0.05], mass=5, **SEG), rope,
                     name="trolley", pos=[0, 0, 2.5])
        sensors = [el("framepos", name="load_pos", objtype="site", objname="load_site")] if sensor else []
        return mj(trolley, option={"integrator": "implicitfast"},
                  actuator=[el("position", name="trolley_drive", joint="trolley_x", kp=50, kv=40)],
                  sensor=sensors)

    t1 = Turn(
        "Gantry crane with a rope-hung load (x-z plane): body `trolley` at (0, 0, 2.5) m on slide `trolley_x`, "
        "a 5 kg box `trolley_box` (half sizes 0.1 x 0.08 x 0.05 m). Under it a rope of 5 nested bodies "
        "`sling1`..`sling5` on hinges `sling_joint1`..`sling_joint5` about y (damping 0.02 N*m*s/rad), each a "
        "0.2 m capsule `sling1_geom`.. pointing down (radius 0.01 m, 0.02 kg); `sling1` at (0, 0, -0.05) m in the "
        "trolley, the others at (0, 0, -0.2) m in their parent; body `load_body` at (0, 0, -0.2) m in `sling5` "
        "holds a 2 kg sphere `load` (radius 0.06 m) and a site `load_site` (0.01 m). No contacts. A position "
        "actuator `trolley_drive` (kp 50, kv 40) on `trolley_x` is commanded to 1 m from t = 0. implicitfast, "
        "2 ms; simulate 5 s and watch the load swing.",
        model(2, 0.02), 5, control=["data.ctrl[0] = 1.0"])
    t2 = Turn("Heavier load and a longer move: `load` 4 kg, trolley commanded to 2 m. 5 s.",
              model(4, 0.02), 5, control=["data.ctrl[0] = 2.0"])
    t3 = Turn(
        "Move smoothly instead: command the trolley along a ramp, min(0.5*t, 2) m, and damp the rope joints "
        "with 0.05 N*m*s/rad; add a framepos sensor `load_pos` on `load_site`. Simulate 6 s.",
        model(4, 0.05, True), 6, control=["data.ctrl[0] = min(0.5 * data.time, 2.0)"], difficulty="complex")
    return [t1, t2, t3]


TASKS = {"hanging-chain": hanging_chain, "catenary": catenary, "shaken-rope": shaken_rope,
         "elastic-string": elastic_string, "sling-load": sling_load}
