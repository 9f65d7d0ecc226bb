"""Automatic variants of a MuJoCo program for the validity check of a physics suite: wrong ones (a correct scorer
must fail them) and equal rewrites (it must pass them). The model is edited in the program's MJCF string literal
(with xml.etree) or, in a program that builds it with `mujoco.MjSpec`, in the keywords and assignments of the
builder calls; initial-state writes and control gains are edited in the Python AST. Each transformation returns
the new source, or None when it does not apply."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

import numpy as np

from twinbench.twins.protocol import Variants
from twinbench.twins.rewrites import in_function, rename_variables

WRONG_FACTOR = 1.5  # a wrong mass or length
GAIN_FACTOR = 2.0  # a wrong control gain
DAMPING_FACTOR = 3.0
ADDED_DAMPING = 0.5  # a joint that had none
GAIN_NAME = re.compile(r"^(k|kp|kd|ki|kv|k_\w+|gain\w*)$", re.IGNORECASE)
OTHER_INTEGRATOR = {"Euler": "implicitfast", "implicitfast": "implicit", "implicit": "implicitfast",
                    "RK4": "implicitfast"}
MJSPEC_INTEGRATOR = {"EULER": "Euler", "IMPLICITFAST": "implicitfast", "IMPLICIT": "implicit", "RK4": "RK4"}
ACTUATOR_GAINS = (("position", "kp"), ("velocity", "kv"), ("motor", "gear"))


# ------------------------------------------------------------------ locating and rewriting source parts


def _replace(source: str, node: ast.expr, text: str) -> str:
    """`source` with the text of `node` replaced."""
    lines = source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[:node.lineno - 1]) + len(
        lines[node.lineno - 1].encode()[:node.col_offset].decode())
    end = sum(len(line) for line in lines[:node.end_lineno - 1]) + len(
        lines[node.end_lineno - 1].encode()[:node.end_col_offset].decode())
    return source[:start] + text + source[end:]


def _mjcf_literal(tree: ast.AST) -> ast.Constant | None:
    return next((n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                 and n.value.lstrip().startswith("<mujoco")), None)


def _edit_mjcf(source: str, edit: Callable[[ET.Element], bool]) -> str | None:
    """Apply `edit` to the program's MJCF string; None when there is none or `edit` changed nothing."""
    node = _mjcf_literal(ast.parse(source))
    if node is None:
        return None
    root = ET.fromstring(node.value)
    if not edit(root):
        return None
    return _replace(source, node, '"""\n' + ET.tostring(root, encoding="unicode") + '\n"""')


def _numbers(text: str) -> list[float]:
    return [float(x) for x in text.split()]


def _text(values) -> str:
    return " ".join(format(float(v), ".6g") for v in values)


def _calls(tree: ast.AST, method: str) -> Iterator[ast.Call]:
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == method:
            yield n


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def _constants(node: ast.AST) -> list[ast.Constant]:
    """The numeric literals under `node`, in source order."""
    found = [n for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, int | float)
             and not isinstance(n.value, bool)]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def _scaled(value: float, factor: float) -> float:
    return round(value * factor, 9) if value else 0.3


def _first_builder_edit(source: str, methods: tuple[str, ...], keyword: str,
                        change: Callable[[ast.keyword], str | None]) -> str | None:
    """Rewrite the `keyword` argument of the first MjSpec builder call (`add_joint`...) it applies to."""
    tree = ast.parse(source)
    for call in (c for m in methods for c in _calls(tree, m)):
        kw = _keyword(call, keyword)
        if kw is not None and (text := change(kw)) is not None:
            return _replace(source, kw.value, text)
    return None


# ------------------------------------------------------------------ wrong variants


def _mass_elements(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if e.tag in ("geom", "inertial", "flexcomp") and "mass" in e.attrib]


def wrong_mass(source: str) -> str | None:
    """The largest mass in the model (a geom's, an explicit inertial's or a flex's) is 1.5 times too large."""
    def edit(root: ET.Element) -> bool:
        elements = _mass_elements(root)
        if not elements:
            return False
        heaviest = max(elements, key=lambda e: float(e.get("mass")))
        heaviest.set("mass", _text([float(heaviest.get("mass")) * WRONG_FACTOR]))
        return True

    out = _edit_mjcf(source, edit)
    if out is not None or _mjcf_literal(ast.parse(source)) is not None:
        return out
    tree = ast.parse(source)
    masses = [k.value for c in _calls(tree, "add_geom") if (k := _keyword(c, "mass"))]
    masses += [n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and any(
        isinstance(t, ast.Attribute) and t.attr == "mass" for t in n.targets)]
    numeric = [m for m in masses if isinstance(m, ast.Constant) and isinstance(m.value, int | float)]
    if not numeric:
        return None
    heaviest = max(numeric, key=lambda n: n.value)
    return _replace(source, heaviest, repr(_scaled(heaviest.value, WRONG_FACTOR)))


def _lengthen(start: list[float], end: list[float]) -> list[float]:
    return [s + WRONG_FACTOR * (e - s) for s, e in zip(start, end, strict=True)]


def wrong_length(source: str) -> str | None:
    """The first link of a moving body (a capsule given `fromto`) is 1.5 times longer, and what sat at its end
    (geoms, sites, child bodies of the same body) moves with it; without a capsule, the radius of the first
    other `fromto` shape (a wheel, a drum) is 1.5 times larger; in a flex, the node spacing is."""
    def edit(root: ET.Element) -> bool:
        links = [(body, geom) for body in root.iter("body") for geom in body.findall("geom")
                 if "fromto" in geom.attrib and not np.allclose(*np.split(np.array(_numbers(geom.get("fromto"))), 2))]
        capsules = [pair for pair in links if pair[1].get("type") == "capsule"]
        if not capsules and links:  # a wheel or a drum: its radius is the length that matters
            geom = links[0][1]
            size = _numbers(geom.get("size"))
            geom.set("size", _text([size[0] * WRONG_FACTOR, *size[1:]]))
            return True
        if capsules:
            parent, geom = capsules[0]
            values = _numbers(geom.get("fromto"))
            start, end = values[:3], values[3:]
            new_end = _lengthen(start, end)
            geom.set("fromto", _text(start + new_end))
            for sibling in parent:
                if sibling is not geom and "pos" in sibling.attrib and np.allclose(_numbers(sibling.get("pos")), end):
                    sibling.set("pos", _text(new_end))
            return True
        flex = next((e for e in root.iter("flexcomp") if "spacing" in e.attrib), None)
        if flex is None:
            return False
        flex.set("spacing", _text(np.array(_numbers(flex.get("spacing"))) * WRONG_FACTOR))
        return True

    if _mjcf_literal(ast.parse(source)) is not None:
        return _edit_mjcf(source, edit)

    def longer(kw: ast.keyword) -> str | None:
        try:
            values = [float(v) for v in ast.literal_eval(kw.value)]
        except (ValueError, TypeError, SyntaxError):
            return None
        return repr([round(v, 9) for v in values[:3] + _lengthen(values[:3], values[3:])])

    return _first_builder_edit(source, ("add_geom",), "fromto", longer)


def _movable_joints(root: ET.Element) -> list[ET.Element]:
    return [j for j in root.iter("joint") if j.get("type", "hinge") != "free" and "name" in j.attrib]


def wrong_damping(source: str) -> str | None:
    """The first joint with damping has three times as much; without any, the first joint gets 0.5."""
    def edit(root: ET.Element) -> bool:
        joints = _movable_joints(root)
        damped = next((j for j in joints if float(j.get("damping", 0)) > 0), None)
        if damped is not None:
            damped.set("damping", _text([float(damped.get("damping")) * DAMPING_FACTOR]))
            return True
        if joints:
            joints[0].set("damping", _text([ADDED_DAMPING]))
            return True
        return False

    if _mjcf_literal(ast.parse(source)) is not None:
        return _edit_mjcf(source, edit)

    def more(kw: ast.keyword) -> str | None:
        value = kw.value.value if isinstance(kw.value, ast.Constant) else None
        return repr(value * DAMPING_FACTOR) if isinstance(value, int | float) and value > 0 else None

    return _first_builder_edit(source, ("add_joint",), "damping", more)


def _initial_statements(tree: ast.Module) -> list[ast.stmt]:
    """The statements between `data = mujoco.MjData(...)` and the simulation loop."""
    body = tree.body
    made = next((i for i, s in enumerate(body) if isinstance(s, ast.Assign) and isinstance(s.value, ast.Call)
                 and ast.unparse(s.value.func).endswith("MjData")), None)
    if made is None:
        return []
    after = body[made + 1:]
    loop = next((i for i, s in enumerate(after) if isinstance(s, ast.While)), len(after))
    return after[:loop]


def wrong_initial_angle(source: str) -> str | None:
    """The first number of the initial-state statements (an angle, a position, a velocity) is 1.5 times too
    large (0 becomes 0.3)."""
    tree = ast.parse(source)
    for stmt in _initial_statements(tree):
        value = stmt.iter if isinstance(stmt, ast.For) else getattr(stmt, "value", None)
        constants = _constants(value) if value is not None else []
        if constants:
            return _replace(source, constants[0], repr(_scaled(constants[0].value, WRONG_FACTOR)))
    return None


SWAPPED_TYPE = {"hinge": "slide", "slide": "hinge"}


def wrong_joint_type(source: str) -> str | None:
    """The first hinge or slide joint is the other kind (about / along the same axis)."""
    def edit(root: ET.Element) -> bool:
        joint = next((j for j in root.iter("joint") if j.get("type", "hinge") in SWAPPED_TYPE
                      and "joint1" not in j.attrib and "name" in j.attrib), None)
        if joint is None:
            return False
        joint.set("type", SWAPPED_TYPE[joint.get("type", "hinge")])
        return True

    if _mjcf_literal(ast.parse(source)) is not None:
        return _edit_mjcf(source, edit)
    tree = ast.parse(source)
    for call in _calls(tree, "add_joint"):
        kind = _keyword(call, "type")
        if kind is None:
            name = _keyword(call, "name")
            if name is None:
                continue
            return _replace(source, name.value, ast.unparse(name.value) + ", type=mujoco.mjtJoint.mjJNT_SLIDE")
        text = ast.unparse(kind.value)
        for a, b in (("HINGE", "SLIDE"), ("SLIDE", "HINGE")):
            if text.endswith(f"mjJNT_{a}"):
                return _replace(source, kind.value, text.replace(a, b))
    return None


def _subtree_names(body: ET.Element) -> set[str]:
    return {e.get("name") for e in body.iter() if e.get("name")}


def missing_body(source: str) -> str | None:
    """The last body without child bodies disappears; one that nothing else names is preferred."""
    tree = ast.parse(source)
    node = _mjcf_literal(tree)
    if node is None:
        return None
    outside = source.replace(node.value, "")

    def edit(root: ET.Element) -> bool:
        parents = {child: parent for parent in root.iter() for child in parent}
        leaves = [b for b in root.iter("body") if b.find("body") is None]
        if not leaves:
            return False
        text = ET.tostring(root, encoding="unicode")

        def named_elsewhere(body: ET.Element) -> bool:
            names = _subtree_names(body)
            rest = text.replace(ET.tostring(body, encoding="unicode"), "")
            return any(f'"{n}"' in rest or f'"{n}"' in outside or f"'{n}'" in outside for n in names)

        free = [b for b in leaves if not named_elsewhere(b)]
        victim = (free or leaves)[-1]
        parents[victim].remove(victim)
        return True

    return _edit_mjcf(source, edit)


def _gain_assignment(tree: ast.AST) -> ast.Constant | None:
    """The first number assigned to a gain-named variable (K, KP, K_THETA, gain...), tuple unpacking included."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        pairs = list(zip(target.elts, value.elts, strict=False)) if isinstance(target, ast.Tuple) and isinstance(
            value, ast.Tuple) else [(target, value)]
        for name, expr in pairs:
            if isinstance(name, ast.Name) and GAIN_NAME.match(name.id) and (constants := _constants(expr)):
                return constants[0]
    return None


def wrong_gain(source: str) -> str | None:
    """A control gain doubles: the first gain constant of the program (K..., gain...), else the first actuator's
    kp, kv or gear."""
    tree = ast.parse(source)
    constant = _gain_assignment(tree)
    if constant is not None:
        return _replace(source, constant, repr(_scaled(constant.value, GAIN_FACTOR)))

    def edit(root: ET.Element) -> bool:
        section = root.find("actuator")
        for actuator in section if section is not None else []:
            for tag, attr in ACTUATOR_GAINS:
                if actuator.tag == tag:
                    actuator.set(attr, _text([float(actuator.get(attr, 1)) * GAIN_FACTOR]))
                    return True
        return False

    if _mjcf_literal(tree) is not None:
        return _edit_mjcf(source, edit)
    for method, keyword in (("set_to_position", "kp"), ("set_to_velocity", "kv")):
        for call in _calls(tree, method):
            kw = _keyword(call, keyword)
            if kw is not None and isinstance(kw.value, ast.Constant):
                return _replace(source, kw.value, repr(kw.value.value * GAIN_FACTOR))
    return None


WRONG: dict[str, Callable[[str], str | None]] = {
    "wrong_mass": wrong_mass, "wrong_length": wrong_length, "wrong_damping": wrong_damping,
    "wrong_initial_angle": wrong_initial_angle, "wrong_joint_type": wrong_joint_type,
    "missing_body": missing_body, "wrong_gain": wrong_gain,
}


# ------------------------------------------------------------------ equal rewrites


def _option_assignment(tree: ast.AST, field: str) -> ast.Assign | None:
    """`spec.option.<field> = ...` or `model.opt.<field> = ...`."""
    return next((n for n in ast.walk(tree) if isinstance(n, ast.Assign) and len(n.targets) == 1
                 and isinstance(n.targets[0], ast.Attribute) and n.targets[0].attr == field
                 and isinstance(n.targets[0].value, ast.Attribute) and n.targets[0].value.attr in ("option", "opt")),
                None)


def _option(root: ET.Element) -> ET.Element:
    option = root.find("option")
    if option is None:
        option = ET.Element("option")
        root.insert(0, option)
    return option


def halved_timestep(source: str) -> str | None:
    """The timestep is halved (MJCF option, or the spec/model option assigned in code); the programs loop on
    simulated time, so they simulate the same duration."""
    tree = ast.parse(source)
    assigned = _option_assignment(tree, "timestep")
    if assigned is not None and isinstance(assigned.value, ast.Constant):
        return _replace(source, assigned.value, repr(assigned.value.value / 2))

    def edit(root: ET.Element) -> bool:
        option = _option(root)
        option.set("timestep", _text([float(option.get("timestep", 0.002)) / 2]))
        return True

    return _edit_mjcf(source, edit)


def other_integrator(source: str) -> str | None:
    """Another integrator stable for the same model: Euler and RK4 become implicitfast, implicitfast becomes
    implicit and implicit implicitfast."""
    tree = ast.parse(source)
    assigned = _option_assignment(tree, "integrator")
    if assigned is not None:
        current = MJSPEC_INTEGRATOR.get(ast.unparse(assigned.value).rsplit("mjINT_", 1)[-1])
        if current is None:
            return None
        new = OTHER_INTEGRATOR[current].upper()
        return _replace(source, assigned.value, f"mujoco.mjtIntegrator.mjINT_{new}")
    if _mjcf_literal(tree) is None:
        timestep = _option_assignment(tree, "timestep")
        if timestep is None:
            return None
        return _replace(source, timestep.value, ast.unparse(timestep.value)
                        + "\nspec.option.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST")

    def edit(root: ET.Element) -> bool:
        option = _option(root)
        option.set("integrator", OTHER_INTEGRATOR[option.get("integrator", "Euler")])
        return True

    return _edit_mjcf(source, edit)


def mjcf_via_mjspec(source: str) -> str | None:
    """`MjModel.from_xml_string(XML)` becomes `MjSpec.from_string(XML).compile()`."""
    tree = ast.parse(source)
    call = next((c for c in _calls(tree, "from_xml_string") if ast.unparse(c.func).endswith("MjModel.from_xml_string")),
                None)
    if call is None:
        return None
    return _replace(source, call, f"mujoco.MjSpec.from_string({ast.unparse(call.args[0])}).compile()")


EQUIVALENT: dict[str, Callable[[str], str | None]] = {
    "halved_timestep": halved_timestep, "other_integrator": other_integrator, "renamed": rename_variables,
    "in_function": in_function, "mjcf_via_mjspec": mjcf_via_mjspec,
}

VARIANTS = Variants(wrong=WRONG, equivalent=EQUIVALENT)
