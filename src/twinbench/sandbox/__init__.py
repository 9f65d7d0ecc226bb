"""Running untrusted programs against a twin: fresh process, OS isolation, trusted-side trace."""

from twinbench.sandbox.limits import Limits
from twinbench.sandbox.result import ErrorInfo, Outcome, RunResult
from twinbench.sandbox.runner import Sandbox, run_program

__all__ = ["ErrorInfo", "Limits", "Outcome", "RunResult", "Sandbox", "run_program"]
