"""Digital twins: simulators that a program drives and that record what it did, as plugins.

A twin implements `Twin` and registers under the entry-point group `twinbench.twins`; `get_twin(name)` finds
it. See docs/twin.md, "Writing a twin". The registry's names load it on first use: the sandbox's zygote, which
imports this package, never reads package metadata.
"""

from typing import TYPE_CHECKING

from twinbench.lazy import attributes
from twinbench.twins.base import BaseTwin
from twinbench.twins.protocol import (
    Budget,
    BudgetExceeded,
    CommandError,
    LimitExceeded,
    Network,
    NetworkServer,
    SafetyRefusal,
    Simulator,
    Twin,
    Variant,
    Variants,
)

if TYPE_CHECKING:
    from twinbench.twins.registry import DEFAULT_TWIN, get_twin, resolve_twin, twin_names

__all__ = ["DEFAULT_TWIN", "BaseTwin", "Budget", "BudgetExceeded", "CommandError", "LimitExceeded", "Network",
           "NetworkServer", "SafetyRefusal", "Simulator", "Twin", "Variant", "Variants", "get_twin", "resolve_twin",
           "twin_names"]
__getattr__ = attributes(__name__, dict.fromkeys(["DEFAULT_TWIN", "get_twin", "resolve_twin", "twin_names"],
                                                "registry"))
