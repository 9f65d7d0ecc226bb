"""Perturbed variants of a reference program, each of a known kind and severity, for judge calibration."""

from __future__ import annotations

import ast
import random
from collections.abc import Callable
from typing import Literal

Kind = Literal["wrong_api", "changed_constant", "missing_step", "swapped_order", "missing_output"]
Severity = Literal["mild", "severe"]
KINDS: tuple[Kind, ...] = ("wrong_api", "changed_constant", "missing_step", "swapped_order", "missing_output")
SEVERITIES: tuple[Severity, ...] = ("mild", "severe")
_OUTPUT_HINTS = ("print(", "vis", "irrlicht", "render", "plot", "camera", "log", "write(")


def _statements(tree: ast.Module) -> list[ast.stmt]:
    """Simple statements at module level and inside loop/if/with/function bodies, in source order."""
    out: list[ast.stmt] = []
    for node in ast.walk(tree):
        for body in (getattr(node, "body", None), getattr(node, "orelse", None)):
            if isinstance(body, list):
                out.extend(s for s in body if isinstance(s, ast.Expr | ast.Assign | ast.AugAssign | ast.AnnAssign))
    return sorted(out, key=lambda s: s.lineno)


def _blank(lines: list[str], stmt: ast.stmt) -> None:
    """Turn a statement into `pass` (keeps every block non-empty and line numbers stable)."""
    indent = lines[stmt.lineno - 1][: stmt.col_offset]
    lines[stmt.lineno - 1] = indent + "pass"
    for i in range(stmt.lineno, stmt.end_lineno):
        lines[i] = ""


def _pick(items: list, k: int, rng: random.Random) -> list:
    return sorted(rng.sample(items, min(k, len(items))), key=lambda n: (n.lineno, n.col_offset))


def _wrong_api(tree, lines, severity, rng) -> str | None:
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.lineno == n.func.end_lineno
    ]
    chosen = _pick(calls, 1 if severity == "mild" else 3, rng)
    for call in reversed(chosen):  # right to left keeps earlier offsets valid on a shared line
        attr = call.func
        line = lines[attr.end_lineno - 1].encode()
        end = attr.end_col_offset
        start = end - len(attr.attr.encode())
        lines[attr.end_lineno - 1] = (line[:start] + (attr.attr + "Ex").encode() + line[end:]).decode()
    return ", ".join(f"{c.func.attr} -> {c.func.attr}Ex (line {c.lineno})" for c in chosen) or None


def _changed_constant(tree, lines, severity, rng) -> str | None:
    consts = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and type(n.value) in (int, float) and n.value != 0 and n.lineno == n.end_lineno
    ]
    chosen = _pick(consts, 1 if severity == "mild" else 3, rng)
    factor = 2 if severity == "mild" else -100
    for c in reversed(chosen):
        line = lines[c.lineno - 1].encode()
        value = c.value * factor
        new = (repr(value) if value >= 0 else f"({value!r})").encode()
        lines[c.lineno - 1] = (line[: c.col_offset] + new + line[c.end_col_offset :]).decode()
    return ", ".join(f"{c.value!r} x {factor} (line {c.lineno})" for c in chosen) or None


def _missing(tree, lines, severity, rng, only_output: bool) -> str | None:
    stmts = [s for s in _statements(tree) if not isinstance(s.value if isinstance(s, ast.Expr) else None, ast.Constant)]
    is_output = [
        s for s in stmts if any(h in ast.get_source_segment("\n".join(lines), s).lower() for h in _OUTPUT_HINTS)
    ]
    pool = is_output if only_output else [s for s in stmts if s not in is_output] or stmts
    if severity == "mild":  # one small step: a single-line statement when there is one
        pool = [s for s in pool if s.lineno == s.end_lineno] or pool
    chosen = pool if only_output and severity == "severe" else _pick(pool, 1 if severity == "mild" else 3, rng)
    for s in chosen:
        _blank(lines, s)
    return ", ".join(f"line {s.lineno}" for s in chosen) or None


def _swapped_order(tree, lines, severity, rng) -> str | None:
    if severity == "severe":  # the first main loop moves before the first setup statement of its block
        for body in _bodies(tree):
            loops = [s for s in body if isinstance(s, ast.For | ast.While)]
            setup = [s for s in body if not isinstance(s, _NOT_SETUP)]
            if loops and setup and setup[0] is not loops[0]:
                loop, first = loops[0], setup[0]
                block = lines[loop.lineno - 1 : loop.end_lineno]
                del lines[loop.lineno - 1 : loop.end_lineno]
                lines[first.lineno - 1 : first.lineno - 1] = block
                return f"loop at line {loop.lineno} moved before line {first.lineno}"
    pairs = [
        (a, b)
        for body in _bodies(tree)
        for a, b in zip(body, body[1:], strict=False)
        if a.lineno == a.end_lineno and b.lineno == b.end_lineno == a.lineno + 1 and not isinstance(a, _NOT_SETUP)
    ]
    chosen = _pick([a for a, _ in pairs], 1 if severity == "mild" else 3, rng)
    for a in chosen:
        lines[a.lineno - 1], lines[a.lineno] = lines[a.lineno], lines[a.lineno - 1]
    return ", ".join(f"lines {a.lineno} and {a.lineno + 1} swapped" for a in chosen) or None


_NOT_SETUP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)


def _bodies(tree: ast.Module) -> list[list[ast.stmt]]:
    return [n.body for n in ast.walk(tree) if isinstance(getattr(n, "body", None), list)]


_PERTURBERS: dict[Kind, Callable] = {
    "wrong_api": _wrong_api,
    "changed_constant": _changed_constant,
    "missing_step": lambda t, ls, sev, rng: _missing(t, ls, sev, rng, only_output=False),
    "swapped_order": _swapped_order,
    "missing_output": lambda t, ls, sev, rng: _missing(t, ls, sev, rng, only_output=True),
}


def perturb(code: str, kind: Kind, severity: Severity, seed: int = 0) -> tuple[str, str] | None:
    """(perturbed code, what changed), or None when the program offers nothing of that kind.

    Mild touches one place (one call renamed, one constant doubled, one statement dropped, two adjacent lines
    swapped, one output statement dropped); severe touches three (constants x -100), moves the main loop before
    the setup, or drops every output statement. The result always parses and always differs from the input.
    """
    tree = ast.parse(code)
    lines = code.splitlines()
    what = _PERTURBERS[kind](tree, lines, severity, random.Random(f"{seed}:{kind}:{severity}"))
    new = "\n".join(lines) + "\n"
    if what is None or new.strip() == code.strip():
        return None
    ast.parse(new)
    return new, what
