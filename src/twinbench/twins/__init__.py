"""Digital twins: simulators that a program drives and that record what it did."""

from twinbench.twins.protocol import BudgetExceeded, CommandError, LimitExceeded, SafetyRefusal, Twin, get_twin

__all__ = ["BudgetExceeded", "CommandError", "LimitExceeded", "SafetyRefusal", "Twin", "get_twin"]
