"""The CMS-like SAXS/GISAXS beamline twin.

`BeamlineTwin` loads on first use: the sandbox imports this package for the program's client (`client`)
without the trusted twin and its config schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twinbench.twins.beamline.twin import BeamlineTwin

__all__ = ["BeamlineTwin"]


def __getattr__(name: str) -> Any:
    if name != "BeamlineTwin":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from twinbench.twins.beamline.twin import BeamlineTwin

    return BeamlineTwin
