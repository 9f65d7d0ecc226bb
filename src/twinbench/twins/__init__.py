"""Digital twins: simulators that a program drives and that record what it did, as plugins.

A twin implements `Twin` and registers under the entry-point group `twinbench.twins`; `get_twin(name)` finds
it. See docs/twin.md, "Writing a twin".
"""

from twinbench.twins.base import BaseTwin
from twinbench.twins.protocol import (
    Budget,
    BudgetExceeded,
    CommandError,
    LimitExceeded,
    SafetyRefusal,
    Simulator,
    Twin,
    Variant,
    Variants,
)
from twinbench.twins.registry import DEFAULT_TWIN, get_twin, resolve_twin, twin_names

__all__ = ["DEFAULT_TWIN", "BaseTwin", "Budget", "BudgetExceeded", "CommandError", "LimitExceeded", "SafetyRefusal",
           "Simulator", "Twin", "Variant", "Variants", "get_twin", "resolve_twin", "twin_names"]
