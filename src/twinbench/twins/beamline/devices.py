"""ophyd devices bound to the twin, for bluesky plans: motors, detectors, signals on PVs."""

from __future__ import annotations

from typing import Any

from ophyd import Component as Cpt
from ophyd import Device, Signal
from ophyd.sim import SoftPositioner
from ophyd.status import Status

from twinbench.twins.beamline import pvs
from twinbench.twins.link import Link


def _done() -> Status:
    status = Status()
    status.set_finished()
    return status


class TwinMotor(SoftPositioner):
    """A motor record on the twin: `set` moves at the motor's velocity; the twin checks soft limits."""

    def __init__(self, pv: str, *, name: str, link: Link):
        self._link, self.pv = link, pv
        super().__init__(name=name, egu="mm" if name[-1] in "xyz" else "deg", source=pv)

    @property
    def position(self) -> float:
        return self._link.call("read", pv=self.pv)

    def _setup_move(self, position: float, status: Any) -> None:
        self._run_subs(sub_type=self.SUB_START)
        self._link.call("put", pv=self.pv, value=float(position))
        self._done_moving()


class TwinSignal(Signal):
    """One PV of a device on the twin; `put` and `set` complete when the twin has done the write."""

    def __init__(self, pv: str, **kwargs: Any):
        self.pv = pv
        super().__init__(**kwargs)

    def get(self, **kwargs: Any) -> Any:
        return self.root._link.call("read", pv=self.pv)

    def put(self, value: Any, **kwargs: Any) -> None:
        old = self._readback
        self._readback = self.root._link.call("put", pv=self.pv, value=value)
        self._run_subs(sub_type=self.SUB_VALUE, old_value=old, value=self._readback)

    def set(self, value: Any, **kwargs: Any) -> Status:
        self.put(value)
        return _done()


class Cam(Device):
    """The areaDetector camera fields the beamline uses."""

    acquire_time = Cpt(TwinSignal, "AcquireTime", kind="config")
    acquire_period = Cpt(TwinSignal, "AcquirePeriod", kind="config")
    num_images = Cpt(TwinSignal, "NumImages", kind="config")
    acquire = Cpt(TwinSignal, "Acquire", kind="omitted")


class TwinDetector(Device):
    """A Pilatus detector: `trigger` exposes (Acquire 1, then 0 after the frames); reads the beam total."""

    cam = Cpt(Cam, "cam1:")
    stats1_total = Cpt(Signal, value=0.0, kind="hinted")

    def __init__(self, prefix: str, *, name: str, link: Link):
        self._link = link
        super().__init__(prefix, name=name)

    def trigger(self) -> Status:
        self.stats1_total.put(self._link.call("expose", detectors=[self.name]))
        return _done()


def make_devices(link: Link) -> dict[str, Any]:
    """Every ophyd device of the station, by its beamline name."""
    devices: dict[str, Any] = {name: TwinMotor(pv, name=name, link=link) for name, pv in pvs.MOTORS.items()}
    for name, prefix in pvs.DETECTORS.items():
        devices[name] = TwinDetector(prefix.removesuffix("cam1:"), name=name, link=link)
    return devices
