"""The MuJoCo physics twin (registered as `physics`): programs are plain MuJoCo Python; the trusted side
re-simulates what they did.

Loading the plugin imports nothing of the twin itself (nor MuJoCo): each method imports what it returns.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from twinbench.twins.base import BaseTwin
from twinbench.twins.protocol import Budget, Variants

if TYPE_CHECKING:
    from pydantic import BaseModel

    from twinbench.twins.protocol import Simulator


class PhysicsTwin(BaseTwin):
    """MuJoCo simulations (rigid bodies, flex deformables), replayed on the trusted side from the program's model
    and log."""

    name = "physics"
    description = "MuJoCo simulation, re-simulated from the program's MJCF and log"
    package = __name__
    budget = Budget(default=200_000, unit="simulation steps")
    prompt_version = "physics-v1"

    def simulator(self) -> Simulator:
        from twinbench.twins.physics.twin import PhysicsSimulator

        return PhysicsSimulator()

    def state_schema(self) -> type[BaseModel]:
        from twinbench.twins.physics.config import PhysicsConfig

        return PhysicsConfig

    def api_reference(self) -> str:
        """reference.md with the default limits filled in."""
        from twinbench.twins.physics.config import PhysicsConfig

        cfg = PhysicsConfig()
        text = resources.files(self.package).joinpath("reference.md").read_text("utf-8")
        return text.format(sample_ms=f"{cfg.sample_period * 1000:g}", xml_kb=cfg.caps.xml_bytes // 1024,
                           nbody=cfg.caps.nbody, ngeom=cfg.caps.ngeom, nq=cfg.caps.nq, nflexvert=cfg.caps.nflexvert,
                           max_steps=cfg.max_steps)

    def scoring_defaults(self) -> dict[str, Any]:
        import yaml

        return yaml.safe_load(resources.files(self.package).joinpath("scoring.yaml").read_text("utf-8"))

    def variants(self) -> Variants:
        from twinbench.twins.physics.variants import VARIANTS

        return VARIANTS
