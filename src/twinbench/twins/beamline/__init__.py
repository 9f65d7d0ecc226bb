"""The CMS-like SAXS/GISAXS beamline twin (registered as `beamline`).

Loading the plugin imports nothing of the twin itself: each method imports what it returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twinbench.twins.base import BaseTwin
from twinbench.twins.protocol import Budget, Network, Variants

if TYPE_CHECKING:
    from pydantic import BaseModel

    from twinbench.twins.preflight import PlanRun, Preflight
    from twinbench.twins.protocol import Simulator


class Beamline(BaseTwin):
    """An end station like NSLS-II CMS (11-BM) in virtual time: motors, Pilatus detectors, a Linkam stage."""

    name = "beamline"
    description = "SAXS/GISAXS end station like NSLS-II CMS (11-BM), in virtual time"
    package = __name__
    budget = Budget(default=12 * 3600.0, unit="virtual seconds")
    prompt_version = "beamline-v1"
    networks = {"epics": Network(client=f"{__name__}.epics_client", server=f"{__name__}.epics_server:SandboxServer")}

    def simulator(self) -> Simulator:
        from twinbench.twins.beamline.twin import BeamlineSimulator

        return BeamlineSimulator()

    def state_schema(self) -> type[BaseModel]:
        from twinbench.twins.beamline.config import BeamlineConfig

        return BeamlineConfig

    def api_reference(self) -> str:
        from twinbench.twins.beamline.apiref import api_reference

        return api_reference()

    def scoring_defaults(self) -> dict[str, Any]:
        from twinbench.twins.beamline.scoring import DEFAULTS

        return DEFAULTS

    def preflight(self, run: PlanRun) -> Preflight:
        from twinbench.twins.beamline.preflight import preflight

        return preflight(run)

    def variants(self) -> Variants:
        from twinbench.twins.beamline.variants import VARIANTS

        return VARIANTS
