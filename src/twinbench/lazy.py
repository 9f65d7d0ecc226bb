"""Package names whose module is imported on first use (PEP 562): the sandbox's zygote imports those packages
and then loads none of the harness's stacks."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def attributes(package: str, modules: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: each name of `modules` from its module (a submodule of `package`),
    imported when the name is first read."""

    def __getattr__(name: str) -> Any:
        if name not in modules:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{modules[name]}"), name)

    return __getattr__
