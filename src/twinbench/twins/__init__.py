"""Digital twins: simulators that a program drives and that record what it did."""

from twinbench.twins.protocol import BudgetExceeded, CommandError, SafetyRefusal, Twin, get_twin

__all__ = ["BudgetExceeded", "CommandError", "SafetyRefusal", "Twin", "get_twin"]
