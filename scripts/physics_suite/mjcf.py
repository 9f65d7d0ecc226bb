"""A small MJCF element tree that renders two equal programs: an MJCF string and the same model built with
`mujoco.MjSpec` in code. Angles are in degrees in both (MJCF's and MjSpec's default)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

GEOM_TYPES = {"plane", "sphere", "capsule", "ellipsoid", "cylinder", "box"}
JOINT_TYPES = {"hinge": "HINGE", "slide": "SLIDE", "ball": "BALL", "free": "FREE"}
INTEGRATORS = {"Euler": "EULER", "RK4": "RK4", "implicit": "IMPLICIT", "implicitfast": "IMPLICITFAST"}
ORIENTATIONS = {"euler": "EULER", "zaxis": "ZAXIS", "axisangle": "AXISANGLE"}
DEFAULT_FRICTION = (1.0, 0.005, 0.0001)
SITE_SIZE = 0.005
SITE_SENSORS = {"accelerometer", "gyro", "velocimeter", "rangefinder", "touch", "force", "torque", "magnetometer"}
JOINT_SENSORS = {"jointpos", "jointvel", "ballquat", "ballangvel"}
FRAME_SENSORS = {"framepos", "framequat", "framelinvel", "frameangvel", "framexaxis", "framezaxis"}
ACTUATOR_SENSORS = {"actuatorfrc", "actuatorpos", "actuatorvel"}
TENDON_SENSORS = {"tendonpos", "tendonvel"}


def num(v: float) -> str:
    """A number as a person writes it: 0.5, 2, 1e-05."""
    v = float(v)
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    return format(v, ".6g")


def _xml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return num(v)
    if isinstance(v, list | tuple):
        return " ".join(num(x) for x in v)
    return str(v)


def _py_value(v: Any) -> str:
    if isinstance(v, bool):
        return repr(v)
    if isinstance(v, int | float):
        return num(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(num(x) for x in v) + "]"
    return json.dumps(v)


@dataclass
class E:
    """One MJCF element: tag, attributes in order, children."""

    tag: str
    attrs: dict[str, Any] = field(default_factory=dict)
    children: list[E] = field(default_factory=list)

    def find(self, tag: str) -> E | None:
        return next((c for c in self.children if c.tag == tag), None)

    def section(self, tag: str) -> E:
        """The child section `tag` (worldbody, actuator...), created at the end when missing."""
        found = self.find(tag)
        if found is None:
            found = E(tag)
            self.children.append(found)
        return found

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def named(self, name: str) -> E:
        return next(e for e in self.walk() if e.attrs.get("name") == name)


def el(tag: str, *children: E, **attrs: Any) -> E:
    """An element; attribute names ending in '_' lose it (class_ -> class)."""
    return E(tag, {k.rstrip("_"): v for k, v in attrs.items() if v is not None}, list(children))


def to_xml(e: E, indent: int = 0) -> str:
    pad = "  " * indent
    attrs = "".join(f' {k}="{_xml_value(v)}"' for k, v in e.attrs.items())
    if not e.children:
        return f"{pad}<{e.tag}{attrs}/>"
    inner = "\n".join(to_xml(c, indent + 1) for c in e.children)
    return f"{pad}<{e.tag}{attrs}>\n{inner}\n{pad}</{e.tag}>"


def _eq_data(values: list[float]) -> list[float]:
    """An equality's data array as MJCF fills it: the values, zeros, then the weld torque scale 1 and a 0."""
    return list(values) + [0] * (10 - len(values)) + [1, 0]


class SpecWriter:
    """Python lines that build the model of an `E` tree with `mujoco.MjSpec`."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.used: set[str] = set()

    def var(self, name: str | None, fallback: str) -> str:
        base = re.sub(r"\W", "_", name or fallback).lower()
        base = base if base.isidentifier() and base not in {"model", "data", "spec", "world"} else f"{base}_"
        out, i = base, 2
        while out in self.used:
            out, i = f"{base}{i}", i + 1
        self.used.add(out)
        return out

    def call(self, target: str | None, func: str, kwargs: dict[str, str], after: list[str] = ()) -> None:
        args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        self.lines.append(f"{target + ' = ' if target else ''}{func}({args})")
        self.lines += after

    def _orient(self, e: E, var: str | None) -> tuple[str | None, list[str]]:
        for key, kind in ORIENTATIONS.items():
            if key in e.attrs:
                var = var or self.var(e.attrs.get("name"), e.tag)
                return var, [f"{var}.alt.type = mujoco.mjtOrientation.mjORIENTATION_{kind}",
                             f"{var}.alt.{key} = {_py_value(e.attrs[key])}"]
        return var, []

    def _kwargs(self, e: E, skip: set[str]) -> dict[str, str]:
        return {k: _py_value(v) for k, v in e.attrs.items() if k not in skip | set(ORIENTATIONS)}

    def model(self, root: E) -> list[str]:
        self.lines = ["spec = mujoco.MjSpec()"]
        for section in root.children:
            getattr(self, f"_{section.tag}")(section)
        self.lines.append("model = spec.compile()")
        return self.lines

    def _option(self, e: E) -> None:
        self.lines += option_lines(e)

    def _worldbody(self, e: E) -> None:
        self.lines.append("world = spec.worldbody")
        self._children("world", e)

    def _children(self, parent: str, e: E) -> None:
        for c in e.children:
            getattr(self, f"_{c.tag}")(parent, c)

    def _body(self, parent: str, e: E) -> None:
        var = self.var(e.attrs.get("name"), "body")
        _, orient = self._orient(e, var)
        self.call(var, f"{parent}.add_body", self._kwargs(e, set()), orient)
        self._children(var, e)

    def _inertial(self, parent: str, e: E) -> None:
        a = e.attrs
        self.lines += [f"{parent}.explicitinertial = True", f"{parent}.mass = {_py_value(a['mass'])}",
                       f"{parent}.ipos = {_py_value(a.get('pos', [0, 0, 0]))}",
                       f"{parent}.inertia = {_py_value(a['diaginertia'])}"]

    def _joint(self, parent: str, e: E) -> None:
        kw = self._kwargs(e, {"type"})
        kind = e.attrs.get("type", "hinge")
        if kind != "hinge":
            kw = {"name": kw.pop("name")} | {"type": f"mujoco.mjtJoint.mjJNT_{JOINT_TYPES[kind]}"} | kw
        self.call(None, f"{parent}.add_joint", kw)

    def _freejoint(self, parent: str, e: E) -> None:
        self.call(None, f"{parent}.add_freejoint", self._kwargs(e, set()))

    def _padded(self, e: E, kw: dict[str, str]) -> dict[str, str]:
        if "size" in e.attrs:
            size = list(e.attrs["size"]) if isinstance(e.attrs["size"], list | tuple) else [e.attrs["size"]]
            default = SITE_SIZE if e.tag == "site" else 0
            kw["size"] = _py_value(size + [default] * (3 - len(size)))
        if "friction" in e.attrs:
            f = e.attrs["friction"]
            f = list(f) if isinstance(f, list | tuple) else [f]
            kw["friction"] = _py_value(f + list(DEFAULT_FRICTION[len(f):]))
        return kw

    def _geom(self, parent: str, e: E) -> None:
        kw = self._padded(e, self._kwargs(e, {"type"}))
        if "type" in e.attrs:
            kw = ({"name": kw.pop("name")} if "name" in kw else {}) | {
                "type": f"mujoco.mjtGeom.mjGEOM_{e.attrs['type'].upper()}"} | kw
        var, orient = self._orient(e, None)
        self.call(var, f"{parent}.add_geom", kw, orient)

    def _site(self, parent: str, e: E) -> None:
        kw = self._padded(e, self._kwargs(e, {"type"}))
        if "type" in e.attrs:
            kw["type"] = f"mujoco.mjtGeom.mjGEOM_{e.attrs['type'].upper()}"
        var, orient = self._orient(e, None)
        self.call(var, f"{parent}.add_site", kw, orient)

    def _equality(self, e: E) -> None:
        for c in e.children:
            a = c.attrs
            if c.tag == "connect":
                kw = {"name": _py_value(a["name"])} if "name" in a else {}
                kw |= {"type": "mujoco.mjtEq.mjEQ_CONNECT", "objtype": "mujoco.mjtObj.mjOBJ_BODY",
                       "name1": _py_value(a["body1"]), "name2": _py_value(a["body2"]),
                       "data": _py_value(_eq_data(a["anchor"]))}
            elif c.tag == "joint":
                coef = list(a.get("polycoef", [0, 1, 0, 0, 0]))
                kw = {"name": _py_value(a["name"])} if "name" in a else {}
                kw |= {"type": "mujoco.mjtEq.mjEQ_JOINT",
                       "name1": _py_value(a["joint1"]), "name2": _py_value(a["joint2"]),
                       "data": _py_value(_eq_data(coef))}
            else:
                raise ValueError(f"equality {c.tag} not rendered")
            if "solref" in a:
                kw["solref"] = _py_value(a["solref"])
            self.call(None, "spec.add_equality", kw)

    def _tendon(self, e: E) -> None:
        for c in e.children:
            var = self.var(c.attrs.get("name"), "tendon")
            kw = self._kwargs(c, {"springlength"})
            wraps = []
            if "springlength" in c.attrs:
                length = c.attrs["springlength"]
                wraps.append(f"{var}.springlength = {_py_value([length, length])}")
            for w in c.children:
                if w.tag == "joint":
                    wraps.append(f"{var}.wrap_joint({_py_value(w.attrs['joint'])}, {num(w.attrs['coef'])})")
                else:
                    wraps.append(f"{var}.wrap_site({_py_value(w.attrs['site'])})")
            self.call(var, "spec.add_tendon", kw, wraps)

    def _actuator(self, e: E) -> None:
        for c in e.children:
            a = c.attrs
            target, trn = (a["joint"], "JOINT") if "joint" in a else (a["tendon"], "TENDON")
            kw = {"name": _py_value(a["name"]), "target": _py_value(target), "trntype": f"mujoco.mjtTrn.mjTRN_{trn}"}
            for k in ("gear", "ctrlrange", "forcerange"):
                if k in a:
                    v = a[k] if k != "gear" else [a[k], 0, 0, 0, 0, 0]
                    kw[k] = _py_value(v)
            var, after = None, []
            if c.tag == "position":
                var = self.var(a["name"], "act")
                gains = ", ".join(f"{k}={num(a[k])}" for k in ("kp", "kv") if k in a)
                after = [f"{var}.set_to_position({gains})"]
            elif c.tag == "velocity":
                var = self.var(a["name"], "act")
                after = [f"{var}.set_to_velocity(kv={num(a['kv'])})"]
            self.call(var, "spec.add_actuator", kw, after)

    def _sensor(self, e: E) -> None:
        for c in e.children:
            a = c.attrs
            kw = {"name": _py_value(a["name"]), "type": f"mujoco.mjtSensor.mjSENS_{c.tag.upper()}"}
            if c.tag in SITE_SENSORS:
                kw |= {"objtype": "mujoco.mjtObj.mjOBJ_SITE", "objname": _py_value(a["site"])}
            elif c.tag in JOINT_SENSORS:
                kw |= {"objtype": "mujoco.mjtObj.mjOBJ_JOINT", "objname": _py_value(a["joint"])}
            elif c.tag in FRAME_SENSORS:
                kw |= {"objtype": f"mujoco.mjtObj.mjOBJ_{a['objtype'].upper()}", "objname": _py_value(a["objname"])}
            elif c.tag in ACTUATOR_SENSORS:
                kw |= {"objtype": "mujoco.mjtObj.mjOBJ_ACTUATOR", "objname": _py_value(a["actuator"])}
            elif c.tag in TENDON_SENSORS:
                kw |= {"objtype": "mujoco.mjtObj.mjOBJ_TENDON", "objname": _py_value(a["tendon"])}
            elif c.tag == "subtreecom":
                kw |= {"objtype": "mujoco.mjtObj.mjOBJ_BODY", "objname": _py_value(a["body"])}
            else:
                raise ValueError(f"sensor {c.tag} not rendered")
            if c.tag == "rangefinder":
                kw["intprm"] = "[1, 0, 0]"  # what it reports: the distance (MJCF's data="dist")
            if "cutoff" in a:
                kw["cutoff"] = num(a["cutoff"])
            self.call(None, "spec.add_sensor", kw)

    def _contact(self, e: E) -> None:
        for c in e.children:
            self.call(None, "spec.add_exclude", {"bodyname1": _py_value(c.attrs["body1"]),
                                                 "bodyname2": _py_value(c.attrs["body2"])})


def option_lines(option: E) -> list[str]:
    """`spec.option.X = ...` for every attribute of an <option> element."""
    return [f"spec.option.{k} = " + (f"mujoco.mjtIntegrator.mjINT_{INTEGRATORS[v]}" if k == "integrator"
                                      else _py_value(v)) for k, v in option.attrs.items()]


def spec_lines(root: E) -> list[str]:
    return SpecWriter().model(root)
