"""Gear and belt couplings as joint equality constraints (joint1 = polycoef[1] * joint2): a gear pair, a belt
drive, a rack and pinion, a geared winch, a planetary set."""

from __future__ import annotations

from physics_suite.mjcf import el, num
from physics_suite.parts import mj
from physics_suite.program import Turn

X, Y, Z = [1, 0, 0], [0, 1, 0], [0, 0, 1]
NO_CONTACT = {"contype": 0, "conaffinity": 0}


def _wheel(name, radius, mass, half=0.02, **attrs):
    return el("geom", name=name, type="cylinder", size=[radius, half], mass=mass, **NO_CONTACT, **attrs)


def _ratio(joint1, joint2, ratio, solref=None):
    return el("joint", joint1=joint1, joint2=joint2, polycoef=[0, round(ratio, 6), 0, 0, 0], solref=solref)


STIFF = [0.005, 1]  # a stiff mesh: the default 0.02 s constraint time lets a light pinion slip


def _shaft(body, joint, pos, geom, radius, mass, **joint_attrs):
    return el("body", el("joint", name=joint, axis=Z, **joint_attrs), _wheel(geom, radius, mass), name=body,
              pos=list(pos))


def gear_pair() -> list[Turn]:
    def model(rb, damping, idler=False):
        bodies = [_shaft("gear_a", "shaft_a", (0, 0, 0.5), "gear_a_disk", 0.1, 0.5),
                  _shaft("gear_b", "shaft_b", (0.1 + rb, 0, 0.5), "gear_b_disk", rb, 2.0, damping=damping)]
        eqs = [_ratio("shaft_b", "shaft_a", -0.1 / rb)]
        sensors = []
        if idler:
            bodies.append(_shaft("gear_c", "shaft_c", (0.1 + 2 * rb + 0.15, 0, 0.5), "gear_c_disk", 0.15, 1.0,
                                 damping=0.05))
            eqs.append(_ratio("shaft_c", "shaft_b", -rb / 0.15))
            sensors = [el("jointvel", name=f"speed_{g}", joint=f"shaft_{g}") for g in "abc"]
        return mj(*bodies, equality=eqs, actuator=[el("motor", name="motor_a", joint="shaft_a", gear=1)],
                  sensor=sensors)

    t1 = Turn(
        "Spur gear pair as a joint coupling, shafts vertical (hinges about z), no contacts: body `gear_a` at "
        "(0, 0, 0.5) m on hinge `shaft_a` with a cylinder `gear_a_disk` (radius 0.1 m, half height 0.02 m, "
        "0.5 kg); body `gear_b` at (0.35, 0, 0.5) m on hinge `shaft_b` with `gear_b_disk` (radius 0.25 m, 2 kg) "
        "and 0.05 N*m*s/rad bearing damping. Mesh them with a joint equality shaft_b = -0.4 * shaft_a (joint1 "
        "`shaft_b`, joint2 `shaft_a`, polycoef 0 -0.4 0 0 0). Motor `motor_a` on `shaft_a` (gear 1) applies a "
        "constant 0.5 N*m from rest; simulate 3 s at 2 ms.",
        model(0.25, 0.05), 3, control=["data.ctrl[0] = 0.5"])
    t2 = Turn(
        "Change the ratio: `gear_b_disk` radius 0.3 m (body moved to (0.4, 0, 0.5) m so the pitch circles touch), "
        "coupling shaft_b = -(1/3) * shaft_a, bearing damping 0.1 N*m*s/rad, motor torque 0.8 N*m. 3 s.",
        model(0.3, 0.1), 3, control=["data.ctrl[0] = 0.8"])
    t3 = Turn(
        "Add an idler: body `gear_c` at (0.85, 0, 0.5) m on hinge `shaft_c` (0.05 N*m*s/rad damping), cylinder "
        "`gear_c_disk` of radius 0.15 m and 1 kg, meshed with `gear_b` by shaft_c = -2 * shaft_b. Add jointvel "
        "sensors `speed_a`, `speed_b`, `speed_c` on the three shafts. Same torque; 3 s.",
        model(0.3, 0.1, True), 3, control=["data.ctrl[0] = 0.8"], difficulty="complex")
    return [t1, t2, t3]


def belt() -> list[Turn]:
    def model(r2, third=False):
        bodies = [_shaft("driver", "driver_shaft", (0, 0, 0.5), "driver_pulley", 0.05, 0.3),
                  _shaft("driven", "driven_shaft", (0.6, 0, 0.5), "driven_pulley", r2, 4.0, frictionloss=0.2)]
        eqs = [_ratio("driven_shaft", "driver_shaft", 0.05 / r2)]
        if third:
            bodies.append(_shaft("idler", "idler_shaft", (0.3, 0.2, 0.5), "idler_pulley", 0.05, 0.2, damping=0.02))
            eqs.append(_ratio("idler_shaft", "driver_shaft", 1.0))
        return mj(*bodies, option={"integrator": "implicitfast"}, equality=eqs,
                  actuator=[el("velocity", name="motor", joint="driver_shaft", kv=2)])

    t1 = Turn(
        "Belt drive: pulleys on vertical shafts (hinges about z), no contacts. Body `driver` at (0, 0, 0.5) m on "
        "`driver_shaft`, pulley `driver_pulley` (cylinder, radius 0.05 m, half height 0.02 m, 0.3 kg); body "
        "`driven` at (0.6, 0, 0.5) m on `driven_shaft` with 0.2 N*m of dry friction (frictionloss), pulley "
        "`driven_pulley` (radius 0.15 m, 4 kg). The belt turns both the same way: joint equality driven_shaft = "
        "(0.05/0.15) * driver_shaft. A velocity actuator `motor` on `driver_shaft` (kv 2) is commanded to "
        "30 rad/s. implicitfast integrator, 2 ms; simulate 3 s.",
        model(0.15), 3, control=["data.ctrl[0] = 30.0"])
    t2 = Turn(
        "Smaller driven pulley: radius 0.1 m (still 4 kg), ratio driven_shaft = 0.5 * driver_shaft, and the "
        "motor commanded to 20 rad/s. 3 s.", model(0.1), 3, control=["data.ctrl[0] = 20.0"])
    t3 = Turn(
        "Route the belt over an idler: body `idler` at (0.3, 0.2, 0.5) m on `idler_shaft` (0.02 N*m*s/rad "
        "damping), pulley `idler_pulley` (radius 0.05 m, 0.2 kg), turning with the driver: idler_shaft = "
        "1.0 * driver_shaft. Same command; 3 s.",
        model(0.1, True), 3, control=["data.ctrl[0] = 20.0"], difficulty="complex")
    return [t1, t2, t3]


def rack_pinion() -> list[Turn]:
    def model(r, k, second=False):
        pinion = el("body", el("joint", name="pinion_joint", axis=Y, damping=0.01, armature=0.01),
                    el("geom", name="pinion_gear", type="cylinder", fromto=[0, -0.02, 0, 0, 0.02, 0], size=r,
                       mass=0.3, **NO_CONTACT), name="pinion", pos=[0, 0, 1])

        def rack(name, z):
            return el("body", el("joint", name=f"{name}_slide", type="slide", axis=X, stiffness=k, damping=2),
                      el("geom", name=f"{name}_bar", type="box", size=[0.3, 0.02, 0.01], mass=1.0, **NO_CONTACT),
                      name=name, pos=[0, 0, round(z, 6)])

        bodies = [pinion, rack("rack", 1 - r - 0.01)]
        eqs = [_ratio("rack_slide", "pinion_joint", -r, STIFF)]
        if second:
            bodies.append(rack("upper_rack", 1 + r + 0.01))
            eqs.append(_ratio("upper_rack_slide", "pinion_joint", r, STIFF))
        return mj(*bodies, equality=eqs, actuator=[el("motor", name="pinion_motor", joint="pinion_joint", gear=1)])

    t1 = Turn(
        "Rack and pinion: body `pinion` at (0, 0, 1) m turns about y on `pinion_joint` (0.01 N*m*s/rad damping, "
        "0.01 kg*m^2 armature for the motor's rotor); "
        "its gear `pinion_gear` is a cylinder of radius 0.05 m from y = -0.02 to 0.02 m, 0.3 kg. Body `rack` at "
        "(0, 0, 0.94) m slides along x on `rack_slide`, held by a 100 N/m spring to x = 0 and 2 N*s/m damping; "
        "it is a 1 kg box `rack_bar` (half sizes 0.3 x 0.02 x 0.01 m). Couple them as the teeth do: rack_slide "
        "= -0.05 * pinion_joint, a joint equality with solref 0.005 1 (a stiff mesh). No contacts. Motor "
        "`pinion_motor` (gear 1) applies 1.5 N*m; simulate 3 s at "
        "2 ms.", model(0.05, 100), 3, control=["data.ctrl[0] = 1.5"])
    t2 = Turn(
        "Bigger pinion and stiffer return spring: `pinion_gear` radius 0.08 m (the rack moves down to z = 0.91 m "
        "to stay in mesh), coupling rack_slide = -0.08 * pinion_joint, spring 200 N/m. Same torque, 3 s.",
        model(0.08, 200), 3, control=["data.ctrl[0] = 1.5"])
    t3 = Turn(
        "Add a second rack above the pinion: body `upper_rack` at (0, 0, 1.09) m on `upper_rack_slide` (x axis, "
        "200 N/m, 2 N*s/m), a 1 kg box `upper_rack_bar` of the same size, moving the other way: "
        "upper_rack_slide = 0.08 * pinion_joint (solref 0.005 1 as well). Same torque, 3 s.",
        model(0.08, 200, True), 3, control=["data.ctrl[0] = 1.5"], difficulty="complex")
    return [t1, t2, t3]


def winch() -> list[Turn]:
    def model(r, m_load, gearbox=False):
        drum = el("body", el("joint", name="drum_joint", axis=Y, damping=0.05),
                  el("geom", name="drum_barrel", type="cylinder", fromto=[0, -0.05, 0, 0, 0.05, 0], size=r, mass=2,
                     **NO_CONTACT), name="drum", pos=[0, 0, 2])
        bucket = el("body", el("joint", name="hoist", type="slide", axis=Z),
                    el("geom", name="bucket_box", type="box", size=[0.1, 0.1, 0.1], mass=m_load, **NO_CONTACT),
                    name="bucket", pos=[-r, 0, 1])
        bodies, eqs = [drum, bucket], [_ratio("hoist", "drum_joint", r, STIFF)]
        drive = "drum_joint"
        if gearbox:
            bodies.append(el("body", el("joint", name="motor_shaft", axis=Y, damping=0.002),
                             el("geom", name="motor_rotor", type="cylinder", fromto=[0, -0.03, 0, 0, 0.03, 0],
                                size=0.04, mass=0.5, **NO_CONTACT), name="motor", pos=[0, 0.3, 2]))
            eqs.append(_ratio("drum_joint", "motor_shaft", 0.2, STIFF))
            drive = "motor_shaft"
        return mj(*bodies, equality=eqs, actuator=[el("motor", name="winch_motor", joint=drive, gear=1)])

    t1 = Turn(
        "Winch lifting a load: body `drum` at (0, 0, 2) m turns about y on `drum_joint` (0.05 N*m*s/rad), a "
        "cylinder `drum_barrel` of radius 0.1 m from y = -0.05 to 0.05 m, 2 kg. The rope leaves the drum on its "
        "-x side: body `bucket` at (-0.1, 0, 1) m moves vertically on slide `hoist` (z axis), a 5 kg box "
        "`bucket_box` of half size 0.1 m, and hoist = 0.1 * drum_joint (joint equality, solref 0.005 1), so a "
        "positive drum "
        "rotation lifts it. No contacts, gravity on. Motor `winch_motor` on `drum_joint` (gear 1) applies 6 N*m "
        "from rest; simulate 3 s at 2 ms.", model(0.1, 5), 3, control=["data.ctrl[0] = 6.0"])
    t2 = Turn(
        "Heavier load on a bigger drum: 8 kg `bucket_box`, drum radius 0.15 m (the bucket hangs at "
        "(-0.15, 0, 1) m, hoist = 0.15 * drum_joint), 14 N*m of motor torque. 3 s.",
        model(0.15, 8), 3, control=["data.ctrl[0] = 14.0"])
    t3 = Turn(
        "Put a 5:1 gearbox between motor and drum: body `motor` at (0, 0.3, 2) m on hinge `motor_shaft` (y axis, "
        "0.002 N*m*s/rad), rotor `motor_rotor` (cylinder, radius 0.04 m from y = -0.03 to 0.03 m, 0.5 kg); "
        "couple drum_joint = 0.2 * motor_shaft (joint equality, solref 0.005 1), and move `winch_motor` to "
        "`motor_shaft` with 3.5 N*m. 3 s.",
        model(0.15, 8, True), 3, control=["data.ctrl[0] = 3.5"], difficulty="complex")
    return [t1, t2, t3]


def planetary() -> list[Turn]:
    def model(rs, rp, second=False):
        rr = rs + 2 * rp
        k = rs / (rs + rr)
        planet_rel = -(rs / rp) * (1 - k)

        def planet(name, x):
            return el("body", el("joint", name=f"{name}_joint", axis=Z),
                      _wheel(f"{name}_gear", rp, 0.2, 0.01), name=name, pos=[round(x, 6), 0, 0.03])

        planets = [planet("planet", rs + rp)] + ([planet("planet2", -(rs + rp))] if second else [])
        carrier = el("body", el("joint", name="carrier_joint", axis=Z, damping=0.2),
                     el("geom", name="carrier_arm", type="box", size=[round(rs + rp, 6), 0.02, 0.005], mass=0.3,
                        **NO_CONTACT), *planets, name="carrier", pos=[0, 0, 0.5])
        sun = _shaft("sun", "sun_joint", (0, 0, 0.5), "sun_gear", rs, 0.5)
        eqs = [_ratio("carrier_joint", "sun_joint", k), _ratio("planet_joint", "sun_joint", planet_rel)]
        sensors = []
        if second:
            eqs.append(_ratio("planet2_joint", "sun_joint", planet_rel))
            sensors = [el("jointvel", name="carrier_speed", joint="carrier_joint")]
        return mj(sun, carrier, equality=eqs, actuator=[el("motor", name="sun_motor", joint="sun_joint", gear=1)],
                  sensor=sensors)

    def ratios(rs, rp):
        rr = rs + 2 * rp
        k = rs / (rs + rr)
        return (f"ring (fixed, radius {num(rr)} m) gives carrier_joint = {k:.6g} * sun_joint and, relative to the "
                f"carrier, planet_joint = {-(rs / rp) * (1 - k):.6g} * sun_joint")

    t1 = Turn(
        "Planetary gear set with a fixed ring, all shafts about z, no contacts. Body `sun` at (0, 0, 0.5) m on "
        "`sun_joint`, gear `sun_gear` (cylinder, radius 0.1 m, half height 0.02 m, 0.5 kg). Body `carrier` at the "
        "same point on `carrier_joint` (0.2 N*m*s/rad load damping), arm `carrier_arm` (box, half sizes "
        "0.15 x 0.02 x 0.005 m, 0.3 kg). Body `planet`, child of the carrier at (0.15, 0, 0.03) m, turns on "
        "`planet_joint`; gear `planet_gear` (radius 0.05 m, half height 0.01 m, 0.2 kg). The " + ratios(0.1, 0.05)
        + "; write both as joint equalities. Motor `sun_motor` (gear 1) drives the sun with 0.2 N*m; simulate 3 s "
        "at 2 ms.", model(0.1, 0.05), 3, control=["data.ctrl[0] = 0.2"])
    t2 = Turn(
        "Resize the gears: sun radius 0.15 m, planet radius 0.05 m (planet at (0.2, 0, 0.03) m on the carrier, "
        "carrier arm half length 0.2 m); the " + ratios(0.15, 0.05) + ". Same torque, 3 s.",
        model(0.15, 0.05), 3, control=["data.ctrl[0] = 0.2"])
    t3 = Turn(
        "Add a second planet opposite the first: body `planet2` at (-0.2, 0, 0.03) m on the carrier, hinge "
        "`planet2_joint`, gear `planet2_gear` like the first, with the same coupling to the sun; and a jointvel "
        "sensor `carrier_speed` on `carrier_joint`. Same torque, 3 s.",
        model(0.15, 0.05, True), 3, control=["data.ctrl[0] = 0.2"], difficulty="complex")
    return [t1, t2, t3]


TASKS = {"gear-pair": gear_pair, "belt": belt, "rack-pinion": rack_pinion, "winch": winch, "planetary": planetary}
