"""Running untrusted programs against a twin: fresh process, OS isolation, trusted-side trace.

The names below load their modules on first use: the zygote, which imports this package to fork programs,
then loads none of the harness's stacks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twinbench.sandbox.limits import Limits
    from twinbench.sandbox.result import ErrorInfo, Outcome, RunResult
    from twinbench.sandbox.runner import Sandbox, run_program

__all__ = ["ErrorInfo", "Limits", "Outcome", "RunResult", "Sandbox", "run_program"]
_MODULES = {"Limits": "limits", "ErrorInfo": "result", "Outcome": "result", "RunResult": "result",
            "Sandbox": "runner", "run_program": "runner"}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
