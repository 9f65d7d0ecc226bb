"""Running untrusted programs against a twin: fresh process, OS isolation, trusted-side trace.

The names below load their modules on first use: the zygote, which imports this package to fork programs,
then loads none of the harness's stacks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twinbench.lazy import attributes

if TYPE_CHECKING:
    from twinbench.sandbox.limits import Limits
    from twinbench.sandbox.result import ErrorInfo, Outcome, RunResult
    from twinbench.sandbox.runner import Sandbox, Sandboxes, run_program

__all__ = ["ErrorInfo", "Limits", "Outcome", "RunResult", "Sandbox", "Sandboxes", "run_program"]
__getattr__ = attributes(__name__, {"Limits": "limits", "ErrorInfo": "result", "Outcome": "result",
                                    "RunResult": "result", "Sandbox": "runner", "Sandboxes": "runner",
                                    "run_program": "runner"})
