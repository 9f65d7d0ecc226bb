"""Rewrites that keep any Python program's meaning, for every twin's validity variants: AST transformations
that return the new source, or None when they do not apply."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def rename_variables(source: str, keep: set[str] | frozenset[str] = frozenset()) -> str | None:
    """Every variable the program assigns gets another name, except `keep` and names that are also a
    function's parameter."""
    tree = ast.parse(source)
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    assigned -= set(keep) | {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    if not assigned:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in assigned:
            node.id = f"renamed_{node.id}"
    return ast.unparse(tree)


def _outside_functions(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes under `node` that are not inside a function or class it defines."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            yield from _outside_functions(child)


def in_function(source: str) -> str | None:
    """The program (two statements or more) becomes a helper function, defined and then called."""
    tree = ast.parse(source)
    if len(tree.body) < 2 or any(isinstance(n, ast.Global | ast.Nonlocal | ast.Return)
                                 for n in _outside_functions(tree)):
        return None
    return "def run_task():\n" + "\n".join("    " + line for line in ast.unparse(tree).splitlines()) + "\nrun_task()"
