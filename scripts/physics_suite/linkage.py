"""Closed-loop linkages (a connect equality closes each loop): slider-cranks, four-bars, a parallelogram, a
trammel. Every loop is modelled in a closed configuration with all joint angles 0, so qpos0 satisfies it."""

from __future__ import annotations

import math

from physics_suite.mjcf import el
from physics_suite.parts import deg, mj
from physics_suite.program import Turn

X, Y, Z = [1, 0, 0], [0, 1, 0], [0, 0, 1]
NO_CONTACT = {"contype": 0, "conaffinity": 0}
IMPLICIT = {"integrator": "implicitfast"}  # velocity servos on light links: their damping is integrated implicitly


def _r(v: float) -> float:
    return round(v, 6)


def _bar(name, end, mass, radius=0.015):
    return el("geom", name=name, type="capsule", fromto=[0, 0, 0, *[_r(c) for c in end]], size=radius, mass=mass,
              **NO_CONTACT)


def _block(name, mass, half=0.04):
    return el("geom", name=name, type="box", size=[half, half, half], mass=mass, **NO_CONTACT)


def _connect(body1, body2, anchor):
    return el("connect", body1=body1, body2=body2, anchor=[_r(c) for c in anchor])


def _intersect(p0, r0, p1, r1):
    """The upper intersection of two circles in the plane."""
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    d = math.hypot(dx, dy)
    a = (r0 ** 2 - r1 ** 2 + d ** 2) / (2 * d)
    h = math.sqrt(r0 ** 2 - a ** 2)
    mx, my = p0[0] + a * dx / d, p0[1] + a * dy / d
    return mx - h * dy / d, my + h * dx / d


def slider_crank() -> list[Turn]:
    def model(r, length, kv, load=None, extras=False):
        xp = math.sqrt(length ** 2 - r ** 2)
        crank_geoms = [_bar("crank_arm", (0, r, 0), 0.5)]
        if extras:
            crank_geoms.append(el("geom", name="flywheel", type="cylinder", size=[0.2, 0.01], mass=3, **NO_CONTACT))
        conrod = el("body", el("joint", name="crank_pin", axis=Z), _bar("conrod_bar", (xp, -r, 0), 0.3),
                    name="conrod", pos=[0, r, 0])
        crank = el("body", el("joint", name="crank_angle", axis=Z), *crank_geoms, conrod, name="crank",
                   pos=[0, 0, 0.5])
        piston = el("body", el("joint", name="piston_slide", type="slide", axis=X, damping=load),
                    _block("piston_block", 0.4), name="piston", pos=[_r(xp), 0, 0.5])
        sensors = [el("jointpos", name="piston_x", joint="piston_slide"),
                   el("actuatorfrc", name="drive_torque", actuator="drive")] if extras else []
        return mj(crank, piston, option=IMPLICIT, equality=[_connect("conrod", "piston", (xp, -r, 0))],
                  actuator=[el("velocity", name="drive", joint="crank_angle", kv=kv)], sensor=sensors)

    def text(r, length):
        xp = math.sqrt(length ** 2 - r ** 2)
        return (f"Slider-crank in the horizontal plane (all hinges about z, no contacts between parts). Body "
                f"`crank` at (0, 0, 0.5) m turns on hinge `crank_angle`; its capsule `crank_arm` (radius 0.015 m, "
                f"0.5 kg) runs from the origin to (0, {r:g}, 0) m. Body `conrod` is hinged there on `crank_pin`; "
                f"its capsule `conrod_bar` (0.3 kg) is {length:g} m long and ends on the x axis at "
                f"({xp:.6g}, {-r:g}, 0) m in its own frame. Body `piston` at ({xp:.6g}, 0, 0.5) m slides along x on "
                f"`piston_slide` (cube `piston_block`, half size 0.04 m, 0.4 kg). Close the loop with a connect "
                f"equality between `conrod` and `piston` at the rod's end. All joints read 0 in this pose.")

    t1 = Turn(text(0.1, 0.35) + " Drive the crank with a velocity actuator `drive` (kv 10 N*m*s/rad) commanded to "
              "1 rev/s (2*pi rad/s) and simulate 2.7 s with the implicitfast integrator at 2 ms.",
              model(0.1, 0.35, 10), 2.7, control=["data.ctrl[0] = 2 * np.pi"])
    t2 = Turn("Resize the slider-crank: crank 0.15 m, connecting rod 0.5 m (so the piston starts at x = "
              f"{math.sqrt(0.5 ** 2 - 0.15 ** 2):.6g} m and the loop still closes with all joints at 0), `drive` "
              "gain kv 20 and commanded speed 2 rev/s. Simulate 2.7 s.",
              model(0.15, 0.5, 20), 2.7, control=["data.ctrl[0] = 4 * np.pi"])
    t3 = Turn("Load the engine: 5 N*s/m damping on `piston_slide`, a flywheel on the crank (cylinder `flywheel`, "
              "radius 0.2 m, half height 0.01 m, 3 kg, centred on the crank axis, no contacts), a jointpos sensor "
              "`piston_x` on `piston_slide` and an actuatorfrc sensor `drive_torque` on `drive`. Same drive "
              "command; simulate 2.7 s.",
              model(0.15, 0.5, 20, load=5, extras=True), 2.7, control=["data.ctrl[0] = 4 * np.pi"],
              difficulty="complex")
    return [t1, t2, t3]


def four_bar() -> list[Turn]:
    def model(a, b, c, d, spring=None, extras=False):
        cx, cy = _intersect((0, a), b, (d, 0), c)
        coupler_parts = [_bar("coupler_link", (cx, cy - a, 0), 0.3)]
        if extras:
            coupler_parts.append(el("site", name="coupler_point", pos=[_r(cx / 2), _r((cy - a) / 2 + 0.1), 0],
                                    size=0.01))
        coupler = el("body", el("joint", name="coupler_joint", axis=Z), *coupler_parts, name="coupler",
                     pos=[0, a, 0])
        crank = el("body", el("joint", name="crank_joint", axis=Z), _bar("crank_link", (0, a, 0), 0.2), coupler,
                   name="crank", pos=[0, 0, 0.5])
        rocker = el("body", el("joint", name="rocker_joint", axis=Z, stiffness=spring),
                    _bar("rocker_link", (cx - d, cy, 0), 0.25), name="rocker", pos=[d, 0, 0.5])
        sensors = [el("framepos", name="coupler_path", objtype="site", objname="coupler_point"),
                   el("jointpos", name="rocker_angle", joint="rocker_joint")] if extras else []
        return mj(crank, rocker, option=IMPLICIT, equality=[_connect("coupler", "rocker", (cx, cy - a, 0))],
                  actuator=[el("velocity", name="motor", joint="crank_joint", kv=5)], sensor=sensors)

    def text(a, b, c, d):
        cx, cy = _intersect((0, a), b, (d, 0), c)
        return (f"Crank-rocker four-bar in the horizontal plane, hinges about z, ground pivots at (0, 0, 0.5) m "
                f"and ({d:g}, 0, 0.5) m, no contacts. Crank body `crank` (hinge `crank_joint`) at the first pivot "
                f"with capsule `crank_link` (radius 0.015 m, 0.2 kg) from the origin to (0, {a:g}, 0) m, i.e. "
                f"the crank starts at 90 degrees. Coupler body `coupler` hinged there (`coupler_joint`), capsule "
                f"`coupler_link` ({b:g} m, 0.3 kg) to the point C = ({cx:.6g}, {cy:.6g}) m in the plane. Rocker "
                f"body `rocker` at the second pivot (hinge `rocker_joint`), capsule `rocker_link` ({c:g} m, "
                f"0.25 kg) to the same point C. Close the loop with a connect equality between `coupler` and "
                f"`rocker` at C; all joints read 0 in this pose.")

    ctrl = ["data.ctrl[0] = 2 * np.pi"]
    t1 = Turn(text(0.1, 0.35, 0.3, 0.3) + " Drive `crank_joint` with a velocity actuator `motor` (kv 5) at "
              "2*pi rad/s and simulate 2.7 s (implicitfast integrator, 2 ms step).", model(0.1, 0.35, 0.3, 0.3), 2.7,
              control=ctrl)
    t2 = Turn("New link lengths: crank 0.12 m, coupler 0.4 m, rocker 0.35 m, ground pivots 0.38 m apart. "
              + text(0.12, 0.4, 0.35, 0.38).split(", no contacts. ")[1] + " Same motor and command, 2.7 s.",
              model(0.12, 0.4, 0.35, 0.38), 2.7, control=ctrl)
    cx, cy = _intersect((0, 0.12), 0.4, (0.38, 0), 0.35)
    t3 = Turn("Trace a coupler curve: add a site `coupler_point` (size 0.01 m) on `coupler` at "
              f"({cx / 2:.6g}, {(cy - 0.12) / 2 + 0.1:.6g}, 0) m in its frame (0.1 m off the link's midpoint), a "
              "framepos sensor `coupler_path` on it and a jointpos sensor `rocker_angle` on `rocker_joint`, and a "
              "2 N*m/rad torsion spring on `rocker_joint`. Same drive; 2.7 s.",
              model(0.12, 0.4, 0.35, 0.38, spring=2, extras=True), 2.7, control=ctrl, difficulty="complex")
    return [t1, t2, t3]


def parallelogram() -> list[Turn]:
    def model(m_coupler, damping=None, servo=False):
        coupler = el("body", el("joint", name="coupler_pin", axis=Y, damping=damping),
                     _bar("coupler_bar", (0.5, 0, 0), m_coupler, 0.02), name="coupler", pos=[0, 0, -0.4])
        left = el("body", el("joint", name="left_crank", axis=Y, damping=damping),
                  _bar("left_bar", (0, 0, -0.4), 0.3), coupler, name="left_link", pos=[0, 0, 2])
        right = el("body", el("joint", name="right_crank", axis=Y, damping=damping),
                   _bar("right_bar", (0, 0, -0.4), 0.3), name="right_link", pos=[0.5, 0, 2])
        act = [el("position", name="crank_servo", joint="left_crank", kp=50, kv=2)] if servo else []
        return mj(left, right, equality=[_connect("coupler", "right_link", (0.5, 0, 0))], actuator=act)

    def init(angle):
        return [f"angle = np.deg2rad({angle})", 'data.joint("left_crank").qpos[0] = angle',
                'data.joint("coupler_pin").qpos[0] = -angle', 'data.joint("right_crank").qpos[0] = angle']

    t1 = Turn(
        "Parallelogram linkage swinging under gravity (vertical x-z plane, hinges about y, no contacts). Two "
        "cranks hang from pivots at (0, 0, 2) m and (0.5, 0, 2) m: bodies `left_link` (hinge `left_crank`) and "
        "`right_link` (hinge `right_crank`), each a capsule (`left_bar`, `right_bar`, radius 0.015 m, 0.3 kg) "
        "0.4 m straight down. Body `coupler` hangs from the bottom of `left_link` on hinge `coupler_pin`, a "
        "capsule `coupler_bar` (radius 0.02 m, 1 kg) 0.5 m along +x; a connect equality joins its far end to "
        "`right_link`. Swing it out to 40 degrees consistently: both cranks at 40 degrees and `coupler_pin` at "
        "-40 degrees so the coupler stays horizontal. Release and simulate 4 s (2 ms).",
        model(1.0), 4, init=init(40))
    t2 = Turn(
        "Heavier coupler (2 kg), 0.2 N*m*s/rad damping on all three hinges, and a 60 degree release (cranks at "
        "60, `coupler_pin` at -60). Simulate 4 s.", model(2.0, 0.2), 4, init=init(60))
    t3 = Turn(
        "Drive the linkage: a position actuator `crank_servo` on `left_crank` (kp 50 N*m/rad, kv 2 N*m*s/rad) "
        "tracking 0.5*sin(2*pi*0.8*t) rad. Same masses, damping and 60 degree start; simulate 5 s.",
        model(2.0, 0.2, servo=True), 5, init=init(60), difficulty="complex",
        control=["data.ctrl[0] = 0.5 * np.sin(2 * np.pi * 0.8 * data.time)"])
    return [t1, t2, t3]


def trammel() -> list[Turn]:
    def model(length, phi, m_bar, damping=None, extras=False):
        sx, cz = length * math.sin(deg(phi)), length * math.cos(deg(phi))
        bar_parts = [_bar("bar_link", (-sx, 0, cz), m_bar, 0.02)]
        if extras:
            bar_parts.append(el("site", name="pen", pos=[_r(-sx / 3), 0, _r(cz / 3)], size=0.01))
        bar = el("body", el("joint", name="bar_hinge", axis=Y, damping=damping), *bar_parts, name="bar")
        slider_x = el("body", el("joint", name="track_x", type="slide", axis=X), _block("slider_x_block", 0.2, 0.03),
                      bar, name="slider_x", pos=[_r(sx), 0, 1])
        slider_z = el("body", el("joint", name="track_z", type="slide", axis=Z), _block("slider_z_block", 0.2, 0.03),
                      name="slider_z", pos=[0, 0, _r(1 + cz)])
        sensors = [el("framepos", name="pen_trace", objtype="site", objname="pen"),
                   el("jointpos", name="x_pos", joint="track_x"), el("jointpos", name="z_pos", joint="track_z")]
        return mj(slider_x, slider_z, equality=[_connect("bar", "slider_z", (-sx, 0, cz))],
                  sensor=sensors if extras else [])

    def text(length, phi, m_bar):
        sx, cz = length * math.sin(deg(phi)), length * math.cos(deg(phi))
        return (f"a {length:g} m bar at {phi:g} degrees from vertical: `slider_x` at ({sx:.6g}, 0, 1) m, "
                f"`slider_z` at (0, 0, {1 + cz:.6g}) m, and `bar_link` from the hinge to "
                f"({-sx:.6g}, 0, {cz:.6g}) m in the bar's frame with mass {m_bar:g} kg")

    t1 = Turn(
        "Elliptic trammel (a ladder sliding on two perpendicular rails) in the x-z plane, gravity on, no "
        "contacts. Body `slider_x` slides along x on `track_x`, body `slider_z` along z on `track_z`; each is a "
        "0.2 kg cube of half size 0.03 m (`slider_x_block`, `slider_z_block`). Body `bar`, a child of `slider_x` "
        "at its origin, turns on hinge `bar_hinge` (y axis); its capsule `bar_link` (radius 0.02 m) reaches the "
        "upper slider, and a connect equality joins `bar`'s end to `slider_z`. Start with "
        + text(1.0, 20, 1.0) + ", all joints at 0 and at rest. Simulate 3 s at 2 ms.",
        model(1.0, 20, 1.0), 3)
    t2 = Turn("Longer, heavier bar released further out: " + text(1.5, 35, 2.0) + ", plus 0.05 N*m*s/rad "
              "damping on `bar_hinge`. Simulate 3 s.", model(1.5, 35, 2.0, 0.05), 3)
    sx, cz = 1.5 * math.sin(deg(35)), 1.5 * math.cos(deg(35))
    t3 = Turn(f"Draw the ellipse: add a site `pen` (size 0.01 m) on `bar` at ({-sx / 3:.6g}, 0, {cz / 3:.6g}) m, "
              "a third of the way up the bar, with a framepos sensor `pen_trace`, and jointpos sensors `x_pos` "
              "on `track_x` and `z_pos` on `track_z`. Same bar and release; 3 s.",
              model(1.5, 35, 2.0, 0.05, True), 3, difficulty="complex")
    return [t1, t2, t3]


def offset_crank() -> list[Turn]:
    def model(r, length, e, m_piston, spring=None, sensors=False):
        xp = math.sqrt(length ** 2 - (r - e) ** 2)
        conrod = el("body", el("joint", name="wrist_pin", axis=Z), _bar("rod_link", (xp, e - r, 0), 0.3),
                    name="rod", pos=[0, r, 0])
        crank = el("body", el("joint", name="crankshaft", axis=Z, damping=0.05), _bar("crank_web", (0, r, 0), 0.4),
                   el("geom", name="flywheel", type="cylinder", size=[0.12, 0.01], mass=2, **NO_CONTACT), conrod,
                   name="crank", pos=[0, 0, 0.5])
        slide = el("joint", name="stroke", type="slide", axis=X, frictionloss=3,
                   stiffness=spring, damping=2 if spring else None)
        piston = el("body", slide, _block("piston_head", m_piston, 0.05), name="piston", pos=[_r(xp), e, 0.5])
        sens = [el("jointvel", name="crank_speed", joint="crankshaft"),
                el("jointpos", name="stroke_pos", joint="stroke")] if sensors else []
        return mj(crank, piston, equality=[_connect("rod", "piston", (xp, e - r, 0))],
                  actuator=[el("motor", name="crank_motor", joint="crankshaft", gear=1, ctrlrange=[-5, 5])],
                  sensor=sens)

    def text(r, length, e):
        xp = math.sqrt(length ** 2 - (r - e) ** 2)
        return (f"crank web `crank_web` (capsule, radius 0.015 m, 0.4 kg) from the crank origin to (0, {r:g}, 0) m, "
                f"connecting rod `rod` hinged there on `wrist_pin` with capsule `rod_link` (0.3 kg, {length:g} m) "
                f"to ({xp:.6g}, {e - r:.6g}, 0) m in its frame, and piston body `piston` at ({xp:.6g}, {e:g}, 0.5) "
                f"m, i.e. a {e:g} m offset from the crank axis")

    t1 = Turn(
        "Torque-driven offset slider-crank, horizontal plane, hinges about z, no contacts: body `crank` at "
        "(0, 0, 0.5) m on hinge `crankshaft` (bearing damping 0.05 N*m*s/rad) carries a flywheel (cylinder "
        "`flywheel`, radius 0.12 m, half height "
        "0.01 m, 2 kg) and a " + text(0.08, 0.3, 0.03) + ". The piston slides along x on `stroke` with 3 N of "
        "dry friction (frictionloss) and is a 1 kg cube `piston_head` of half size 0.05 m; a connect equality "
        "joins the rod end to `piston`. A motor `crank_motor` on `crankshaft` (gear 1, range -5..5 N*m) applies "
        "a constant 0.6 N*m from rest. Simulate 3 s (2 ms).",
        model(0.08, 0.3, 0.03, 1.0), 3, control=["data.ctrl[0] = 0.6"])
    t2 = Turn("Change the engine: offset 0.06 m with the same 0.08 m crank and 0.3 m rod (" + text(0.08, 0.3, 0.06)
              + "), a 2 kg piston and 0.9 N*m of motor torque. Simulate 3 s.",
              model(0.08, 0.3, 0.06, 2.0), 3, control=["data.ctrl[0] = 0.9"])
    t3 = Turn("Add a compression spring and instrumentation: stiffness 150 N/m and damping 2 N*s/m on `stroke`, "
              "a jointvel sensor `crank_speed` on `crankshaft` and a jointpos sensor `stroke_pos` on `stroke`. "
              "Same torque; simulate 3 s.",
              model(0.08, 0.3, 0.06, 2.0, spring=150, sensors=True), 3, control=["data.ctrl[0] = 0.9"],
              difficulty="complex")
    return [t1, t2, t3]


TASKS = {"slider-crank": slider_crank, "four-bar": four_bar, "parallelogram": parallelogram, "trammel": trammel,
         "offset-crank": offset_crank}
