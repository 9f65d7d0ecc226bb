"""Building blocks shared by the families: the model skeleton, floors, rods, balls, degrees."""

from __future__ import annotations

import math
from typing import Any

from physics_suite.mjcf import E, el


def mj(*world: E, timestep: float = 0.002, option: dict[str, Any] | None = None,
       equality: list[E] = (), tendon: list[E] = (), actuator: list[E] = (), sensor: list[E] = (),
       contact: list[E] = ()) -> E:
    """A model: <option> (timestep first), <worldbody>, then the sections that have elements."""
    sections = [el("option", timestep=timestep, **(option or {})), el("worldbody", *world)]
    for tag, items in (("contact", contact), ("equality", equality), ("tendon", tendon),
                       ("actuator", actuator), ("sensor", sensor)):
        if items:
            sections.append(el(tag, *items))
    return el("mujoco", *sections)


def floor(name: str = "floor", size: float = 5, **attrs: Any) -> E:
    return el("geom", name=name, type="plane", size=[size, size, 0.1], **attrs)


def rod(name: str | None, end: tuple[float, float, float], radius: float, mass: float,
        start: tuple[float, float, float] = (0, 0, 0), **attrs: Any) -> E:
    return el("geom", name=name, type="capsule", fromto=[*start, *end], size=radius, mass=mass, **attrs)


def ball(name: str | None, radius: float, mass: float, pos: tuple[float, float, float] | None = None,
         **attrs: Any) -> E:
    return el("geom", name=name, type="sphere", size=radius, pos=list(pos) if pos else None, mass=mass, **attrs)


def deg(x: float) -> float:
    return math.radians(x)

