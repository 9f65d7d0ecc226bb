"""The families of the `physics` suite: each module maps a task stem to a function returning its three turns."""

from physics_suite import (
    arm,
    cable,
    cloth,
    collision,
    coupling,
    friction,
    linkage,
    mass_spring_damper,
    particles,
    pendulum,
    rotor,
    sensor,
    vehicle,
)

FAMILIES = {"pendulum": pendulum, "mass_spring_damper": mass_spring_damper, "linkage": linkage,
            "coupling": coupling, "rotor": rotor, "cable": cable, "cloth": cloth,
            "particles": particles, "friction": friction, "collision": collision,
            "vehicle": vehicle, "arm": arm,
            "sensor": sensor}
