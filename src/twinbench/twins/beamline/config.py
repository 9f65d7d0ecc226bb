"""A task's initial state and safety limits, validated; every field has the beamline's rest value."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from twinbench.twins.beamline.preflight.rules import PreflightConfig
from twinbench.twins.beamline.pvs import MOTORS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class MotorConfig(_Strict):
    """Position (motor units), speed (units per second) and soft limits of one axis."""

    position: float = 0.0
    velocity: float = Field(1.0, gt=0)
    low: float = -50.0
    high: float = 50.0


DEFAULT_MOTORS = {
    "smx": MotorConfig(velocity=2.0, low=-50, high=50),
    "smy": MotorConfig(velocity=1.0, low=-25, high=25),
    "sth": MotorConfig(velocity=1.0, low=-10, high=10),
    "srot": MotorConfig(velocity=10.0, low=-360, high=360),
    "bsx": MotorConfig(velocity=2.0, low=-30, high=30),
    "bsy": MotorConfig(velocity=2.0, low=-30, high=30),
    "bsphi": MotorConfig(velocity=10.0, low=-180, high=180),
}


class LinkamConfig(_Strict):
    """Thermal stage: state, safe range, and physics (deg C, deg C per minute, seconds).

    The range is a Linkam HFSX350 stage with liquid-nitrogen cooling (-196 to 350 deg C) on a T96
    controller (0.01 to 150 deg C per minute); a task narrows it for a cell that cannot take it.
    """

    temperature: float = 25.0
    setpoint: float = 25.0
    rate: float = Field(10.0, gt=0)
    heater: bool = False
    min_temperature: float = -196.0
    max_temperature: float = 350.0
    min_rate: float = Field(0.01, gt=0)
    max_rate: float = Field(150.0, gt=0)
    ambient: float = 25.0
    cooling_time_constant: float = Field(300.0, gt=0)
    sample_period: float = Field(1.0, ge=0.1, description="seconds between TEMP samples (at most 10 Hz)")


class DetectorConfig(_Strict):
    """Exposure limits of both detectors."""

    max_exposure: float = Field(600.0, gt=0)
    max_images: int = Field(10000, gt=0)


class BeamConfig(_Strict):
    """Shutter (0 closed, 1 open), transmission (0..1), energy (keV), direct-beam flux."""

    shutter: int = Field(0, ge=0, le=1)
    transmission: float = Field(1.0, ge=0, le=1)
    energy: float = Field(13.5, gt=0)
    flux: float = Field(1e6, gt=0)


class SampleSurface(_Strict):
    """Where the sample truly is, found by `sam.align()`: height (mm) and tilt (deg) of the surface."""

    height: float = 0.0
    tilt: float = 0.0
    edge_width: float = Field(0.05, gt=0)
    rocking_width: float = Field(0.05, gt=0)


class ControlConfig(_Strict):
    """The control system: every command a program sends (a read, a write, a trigger, a call; not a sleep)
    costs one Channel Access round trip of `round_trip` seconds, so a loop that polls a reading sees
    the instrument's time pass, as on the real beamline."""

    round_trip: float = Field(0.002, ge=0, le=1)


class BeamlineConfig(_Strict):
    """Initial state and limits for one task; `motors` entries override the defaults axis by axis."""

    motors: dict[str, MotorConfig] = Field(default_factory=lambda: dict(DEFAULT_MOTORS))
    linkam: LinkamConfig = Field(default_factory=LinkamConfig)
    detector: DetectorConfig = Field(default_factory=DetectorConfig)
    beam: BeamConfig = Field(default_factory=BeamConfig)
    sample: SampleSurface = Field(default_factory=SampleSurface)
    control: ControlConfig = Field(default_factory=ControlConfig)
    preflight: PreflightConfig = Field(default_factory=PreflightConfig, description="changes to the pre-flight "
                                       "rules `twinbench check` applies (the twin itself ignores them)")

    @model_validator(mode="before")
    @classmethod
    def _merge_motors(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("motors"), dict):
            unknown = set(data["motors"]) - set(MOTORS)
            if unknown:
                raise ValueError(f"unknown motors {sorted(unknown)}; known: {sorted(MOTORS)}")
            merged = {k: m.model_dump() for k, m in DEFAULT_MOTORS.items()}
            for k, override in data["motors"].items():
                merged[k].update(override if isinstance(override, dict) else {"position": override})
            data = {**data, "motors": merged}
        return data
