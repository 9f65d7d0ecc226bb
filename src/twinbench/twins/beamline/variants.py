"""Beamline program variants for the validity check: wrong ones (a correct scorer must fail them) and
semantically equal rewrites (it must pass them). All are AST transformations of a reference program;
each returns the new source, or None when the transformation does not apply."""

from __future__ import annotations

import ast
import copy

import numpy as np

from twinbench.twins.protocol import Variant, Variants
from twinbench.twins.rewrites import in_function, rename_variables

MOVES = {"xabs": "yabs", "yabs": "xabs", "thabs": "phiabs", "phiabs": "thabs",
         "xr": "yr", "yr": "xr", "thr": "phir", "phir": "thr"}
MOTORS = {"smx": "smy", "smy": "smx", "sth": "srot", "srot": "sth"}
AXIS_NAMES = {"x": "y", "y": "x", "th": "phi", "phi": "th"}
EXPOSURE_FIRST_ARG = {"measure", "snap", "measureTimeSeries"}
EXPOSURE_KEYWORDS = {"exposure_time", "acquire_time"}
PURE_CALLS = ("time.", "np.", "math.", "range", "len", "abs", "round", "list", "enumerate", "float", "int")


def _func_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _exposure_nodes(tree: ast.AST) -> list[ast.expr]:
    """The literal exposure arguments, in source order."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _func_name(node)
        if name in EXPOSURE_FIRST_ARG and node.args:
            found.append(node.args[0])
        if name == "series_measure" and len(node.args) > 1:
            found.append(node.args[1])
        if name == "mv" and len(node.args) > 1 and "acquire_time" in ast.unparse(node.args[0]):
            found.append(node.args[1])
        found += [k.value for k in node.keywords if k.arg in EXPOSURE_KEYWORDS]
    numeric = [n for n in found if isinstance(n, ast.Constant) and isinstance(n.value, int | float)]
    return sorted(numeric, key=lambda n: (n.lineno, n.col_offset))


def _skipped_constants(tree: ast.AST) -> set[int]:
    """Constants a wrong-value variant leaves alone: sleeps and while conditions (polling, not values)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.While):
            skip |= {id(n) for n in ast.walk(node.test)}
        if isinstance(node, ast.Call) and _func_name(node) == "sleep":
            skip |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.Call) and _func_name(node) == "Sample":
            skip |= {id(n) for n in ast.walk(node)}
    return skip


def _changed(value: int | float) -> int | float:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value + 1
    return round(value * 1.5, 6) if value else 0.5


def wrong_axis(source: str) -> str | None:
    """The first move, motor or axis name goes to another axis (x<->y, theta<->phi)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MOVES and isinstance(node.value, ast.Name):
            node.attr = MOVES[node.attr]
            return ast.unparse(tree)
        if isinstance(node, ast.Name) and node.id in MOTORS:
            node.id = MOTORS[node.id]
            return ast.unparse(tree)
        if isinstance(node, ast.Constant) and node.value in AXIS_NAMES:
            node.value = AXIS_NAMES[node.value]
            return ast.unparse(tree)
    return None


def wrong_value(source: str) -> str | None:
    """The first numeric literal that is not an exposure, a sleep or a polling condition changes."""
    tree = ast.parse(source)
    skip = _skipped_constants(tree) | {id(n) for n in _exposure_nodes(tree)}
    constants = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in skip
                 and isinstance(n.value, int | float) and not isinstance(n.value, bool)]
    if not constants:
        return None
    first = min(constants, key=lambda n: (n.lineno, n.col_offset))
    first.value = _changed(first.value)
    return ast.unparse(tree)


def wrong_exposure(source: str) -> str | None:
    """The first exposure time doubles."""
    tree = ast.parse(source)
    nodes = _exposure_nodes(tree)
    if not nodes:
        return None
    nodes[0].value = nodes[0].value * 2
    return ast.unparse(tree)


def _blocks(tree: ast.Module) -> list[list[ast.stmt]]:
    """Statement lists, the module's first, then every nested body in source order."""
    blocks = [tree.body]
    for node in ast.walk(tree):
        if node is not tree:
            blocks += [b for b in (getattr(node, "body", None), getattr(node, "orelse", None))
                       if isinstance(b, list) and b and isinstance(b[0], ast.stmt)]
    return blocks


def missing_step(source: str) -> str | None:
    """The last statement of the first block with two or more statements disappears."""
    tree = ast.parse(source)
    for block in _blocks(tree):
        if len(block) >= 2:
            del block[-1]
            return ast.unparse(tree)
    tree.body = [ast.Pass()]
    return ast.unparse(tree)


def extra_step(source: str) -> str | None:
    """The statement holding the first exposure runs twice; without one, an extra 0.5 mm height step."""
    tree = ast.parse(source)
    exposures = {id(n) for n in _exposure_nodes(tree)}
    for block in _blocks(tree):
        for i, stmt in enumerate(block):
            if isinstance(stmt, ast.Expr) and any(id(n) in exposures for n in ast.walk(stmt)):
                block.insert(i + 1, copy.deepcopy(stmt))
                return ast.unparse(tree)
    tree.body.append(ast.parse("sam.yr(0.5)").body[0])
    return ast.unparse(tree)


def _acts(stmt: ast.stmt) -> bool:
    """Whether a statement commands the instrument (calls something other than time, maths and builtins)."""
    return any(isinstance(n, ast.Call) and not ast.unparse(n.func).startswith(PURE_CALLS) for n in ast.walk(stmt))


def swapped_order(source: str) -> str | None:
    """The first two adjacent, different statements that both command the instrument (module first, then
    nested blocks) trade places."""
    tree = ast.parse(source)
    for block in _blocks(tree):
        for i in range(len(block) - 1):
            if ast.dump(block[i]) != ast.dump(block[i + 1]) and _acts(block[i]) and _acts(block[i + 1]):
                block[i], block[i + 1] = block[i + 1], block[i]
                return ast.unparse(tree)
    return None


WRONG: dict[str, Variant] = {
    "wrong_value": wrong_value, "wrong_axis": wrong_axis, "missing_step": missing_step,
    "extra_step": extra_step, "swapped_order": swapped_order, "wrong_exposure": wrong_exposure,
}


def renamed(source: str) -> str | None:
    """Every variable the program assigns gets another name (`sam`, the operator's sample, keeps its own)."""
    return rename_variables(source, keep={"sam"})


def _literal(node: ast.expr) -> object:
    """The value of a constant expression: literals, arithmetic, range / np.linspace / np.arange."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_literal(node.operand)  # type: ignore[operator]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        left, right = _literal(node.left), _literal(node.right)
        ops = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}
        return ops[type(node.op)](left, right).item()
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Call) and not node.keywords:
        name = ast.unparse(node.func)
        funcs = {"range": range, "np.linspace": np.linspace, "np.arange": np.arange}
        if name in funcs:
            return [v.item() if hasattr(v, "item") else v for v in funcs[name](*[_literal(a) for a in node.args])]
    raise ValueError("not a constant")


def unrolled(source: str) -> str | None:
    """The first top-level `for` over a constant iterable becomes one copy of its body per value."""
    tree = ast.parse(source)
    for i, stmt in enumerate(tree.body):
        if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and not stmt.orelse:
            try:
                values = _literal(stmt.iter)
            except (ValueError, TypeError):
                continue
            if not isinstance(values, list) or not values:
                continue
            body: list[ast.stmt] = []
            for v in values:
                body.append(ast.parse(f"{stmt.target.id} = {v!r}").body[0])
                body += copy.deepcopy(stmt.body)
            tree.body[i:i + 1] = body
            return ast.unparse(tree)
    return None


EQUIVALENT: dict[str, Variant] = {
    "renamed": renamed, "unrolled": unrolled, "in_function": in_function,
}

VARIANTS = Variants(wrong=WRONG, equivalent=EQUIVALENT, budget=6 * 3600.0)
