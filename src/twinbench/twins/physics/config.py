"""The physics twin's settings, taken from a task's `initial_state`: sampling, budgets and model limits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from twinbench.twins.physics import mjcf


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelCaps(_Strict):
    """The largest model the trusted side compiles and simulates (over any of them: the run ends as `budget`)."""

    xml_bytes: int = Field(mjcf.MAX_XML_BYTES, gt=0, le=4 << 20)
    elements: int = Field(mjcf.MAX_ELEMENTS, gt=0, le=100_000)
    nbody: int = Field(200, gt=0)
    ngeom: int = Field(500, gt=0)
    nq: int = Field(300, gt=0)
    nv: int = Field(300, gt=0)
    nu: int = Field(100, ge=0)
    na: int = Field(100, ge=0)
    nsensordata: int = Field(1000, ge=0)
    neq: int = Field(100, ge=0)
    ntendon: int = Field(100, ge=0)
    nflexvert: int = Field(mjcf.MAX_FLEX_NODES, ge=0, le=100_000,
                           description="flex nodes, counted in the XML before compiling and in the compiled model")
    nmeshvert: int = Field(100_000, ge=0)
    ntexdata: int = Field(16 << 20, ge=0, description="texture bytes")
    narena: int = Field(64 << 20, gt=0, description="bytes of MjData arena (constraints, contacts)")


class PhysicsConfig(_Strict):
    """How a run is recorded and bounded. A step budget replaces the virtual-time budget of other twins."""

    sample_period: float = Field(0.01, ge=1e-3, le=10.0, description="simulated seconds between samples")
    max_steps: int = Field(200_000, gt=0, description="mj_step calls over all simulations (then `timeout`)")
    max_models: int = Field(4, gt=0, le=64)
    max_sims: int = Field(4, gt=0, le=64, description="MjData objects that step")
    cpu_seconds: float = Field(10.0, gt=0, description="harness CPU the re-simulation may use (then `budget`)")
    max_events: int = Field(1_000_000, gt=0, description="recorded events (then `budget`)")
    caps: ModelCaps = ModelCaps()
