"""The beamline's devices as pre-flight rules and summaries name them: PV, unit, display precision, states."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from twinbench.twins.beamline import pvs
from twinbench.twins.preflight import number


@dataclass(frozen=True)
class Device:
    """One PV under a short name; `digits` is the precision values are shown with (None: six significant digits),
    `states` names the values of a two-state device."""

    name: str
    pv: str
    unit: str = ""
    digits: int | None = 3
    states: dict[int, str] = field(default_factory=dict)

    def show(self, value: Any) -> str:
        """The value as a user reads it: a state name, or the number at the device's precision with its unit."""
        if self.states and value in self.states:
            return self.states[value]
        return f"{number(value, self.digits)} {self.unit}".rstrip()


def _devices() -> dict[str, Device]:
    devices = [Device(name, pv, "deg" if name in ("sth", "srot", "bsphi") else "mm") for name, pv in pvs.MOTORS.items()]
    for det in pvs.DETECTORS:
        devices += [Device(f"{det}.AcquireTime", pvs.cam(det, "AcquireTime"), "s"),
                    Device(f"{det}.AcquirePeriod", pvs.cam(det, "AcquirePeriod"), "s"),
                    Device(f"{det}.NumImages", pvs.cam(det, "NumImages"), digits=0),
                    Device(f"{det}.Acquire", pvs.cam(det, "Acquire"), digits=0, states={0: "done", 1: "acquiring"})]
    devices += [
        Device("linkam.temperature", pvs.LINKAM_TEMP, "°C", 1),
        Device("linkam.setpoint", pvs.LINKAM_SETPOINT, "°C", 1),
        Device("linkam.rate", pvs.LINKAM_RATE, "°C/min", 2),
        Device("linkam.heater", pvs.LINKAM_HEATER, digits=0, states={0: "off", 1: "on"}),
        Device("shutter", pvs.SHUTTER, digits=0, states={0: "closed", 1: "open"}),
        Device("transmission", pvs.TRANSMISSION, digits=None),
        Device("energy", pvs.ENERGY, "keV", 3),
    ]
    return {d.name: d for d in devices}


DEVICES = _devices()
BY_PV = {d.pv: d for d in DEVICES.values()}
SAMPLE_AXES = ("smx", "smy", "sth", "srot")
DETECTOR_LABELS = {"pilatus2M": "2M", "pilatus800": "800k"}
