"""The beamline's operator commands (CMS style), as a program sees them.

These run inside the sandboxed program: each one sends commands to the trusted twin, which moves the
devices, keeps the clock and records the trace. The docstrings here are the API reference models are shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from twinbench.twins.beamline import pvs
from twinbench.twins.link import Link

AXES = {"x": "smx", "y": "smy", "th": "sth", "phi": "srot"}
DEFAULT_EXPOSURE = 1.0


class _Session:
    link: Link | None = None
    detectors: list[str] = ["pilatus2M"]


_session = _Session()


def connect(link: Link) -> None:
    """Bind the commands to a twin (done by the sandbox before the program starts)."""
    _session.link = link


def _link() -> Link:
    if _session.link is None:
        raise RuntimeError("not connected to a twin")
    return _session.link


def _put(pv: str, value: Any) -> Any:
    return _link().call("put", pv=pv, value=value)


def _read(pv: str) -> Any:
    return _link().call("read", pv=pv)


def _motor_pv(axis: str) -> str:
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}; use one of {list(AXES)}")
    return pvs.MOTORS[AXES[axis]]


def _expose(exposure_time: float | None, num_images: int = 1, period: float | None = None) -> float:
    exposure = DEFAULT_EXPOSURE if exposure_time is None else float(exposure_time)
    for det in _session.detectors:
        _put(pvs.cam(det, "AcquireTime"), exposure)
        _put(pvs.cam(det, "AcquirePeriod"), exposure + pvs.READOUT if period is None else float(period))
        _put(pvs.cam(det, "NumImages"), num_images)
    return _link().call("expose", detectors=list(_session.detectors))


def _wait(seconds: float | None) -> None:
    if seconds:
        _link().call("sleep", seconds=float(seconds))


def _scan(pv: str, positions: Iterable[float], count_time: float) -> list[float]:
    values = []
    for p in positions:
        _put(pv, p)
        _wait(count_time)
        values.append(_read(pvs.BEAM_INTENSITY))
    return values


def _fit(positions: Sequence[float], values: Sequence[float], fit: str) -> float | None:
    """Where the scan peaks ('max', 'com') or where it crosses half its maximum ('HMi'); None if flat."""
    top, bottom = max(values), min(values)
    if top - bottom <= 1e-9 * max(abs(top), 1.0):
        return None
    if fit == "max":
        return positions[values.index(top)]
    half = (top + bottom) / 2
    if fit == "com":
        weights = [max(v - half, 0.0) for v in values]
        return sum(p * w for p, w in zip(positions, weights, strict=True)) / sum(weights)
    if fit == "HMi":
        pairs = list(zip(positions, values, strict=True))
        for (p0, v0), (p1, v1) in zip(pairs, pairs[1:], strict=False):
            if (v0 - half) * (v1 - half) <= 0 and v0 != v1:
                return p0 + (half - v0) * (p1 - p0) / (v1 - v0)
        return None
    raise ValueError(f"unknown fit {fit!r}; use 'HMi', 'max' or 'com'")


def fit_scan(motor: Any, span: float, num: int = 11, detectors: Any = None, fit: str = "HMi") -> float:
    """Scan `motor` over `span` centred on its position (`num` points, 0.1 s counts on the beam monitor),
    move to the fitted position ('HMi' half-maximum edge, 'max' peak, 'com' centroid) and return it.
    If the signal is flat the motor goes back to where it started."""
    pv = getattr(motor, "pv", None) or pvs.MOTORS.get(str(motor))
    if pv is None:
        raise ValueError(f"{motor!r} is not a motor of this beamline")
    start = _read(pv)
    positions = [start - span / 2 + span * i / (num - 1) for i in range(num)] if num > 1 else [start]
    found = _fit(positions, _scan(pv, positions, 0.1), fit)
    target = start if found is None else round(found, 6)
    _put(pv, target)
    return target


class Sample:
    """A sample on the stage. Absolute moves (`xabs`...) are relative to the sample's origin, which is
    zero for every axis until `setOrigin` or `align` sets it. Axes: 'x', 'y' (height), 'th' (incident
    angle), 'phi' (rotation)."""

    def __init__(self, name: str, **md: Any):
        self.name = name
        self.md = md
        self.origin = {axis: 0.0 for axis in AXES}
        self._clock_start = _link().now if _session.link is not None else 0.0

    def _abs(self, axis: str, value: float) -> None:
        _put(_motor_pv(axis), self.origin[axis] + float(value))

    def _rel(self, axis: str, delta: float) -> None:
        pv = _motor_pv(axis)
        _put(pv, _read(pv) + float(delta))

    def xabs(self, value: float) -> None:
        """Move x to `value` mm from the origin."""
        self._abs("x", value)

    def yabs(self, value: float) -> None:
        """Move the height y to `value` mm from the origin."""
        self._abs("y", value)

    def thabs(self, value: float) -> None:
        """Set the incident angle theta to `value` degrees from the origin."""
        self._abs("th", value)

    def phiabs(self, value: float) -> None:
        """Rotate phi to `value` degrees from the origin."""
        self._abs("phi", value)

    def xr(self, delta: float) -> None:
        """Move x by `delta` mm."""
        self._rel("x", delta)

    def yr(self, delta: float) -> None:
        """Move the height y by `delta` mm."""
        self._rel("y", delta)

    def thr(self, delta: float) -> None:
        """Change theta by `delta` degrees."""
        self._rel("th", delta)

    def phir(self, delta: float) -> None:
        """Rotate phi by `delta` degrees."""
        self._rel("phi", delta)

    def setOrigin(self, axes: str | Sequence[str], positions: Sequence[float] | None = None) -> None:
        """Make the current motor positions (or `positions`) the origin of `axes`, e.g. ['x', 'y']."""
        axes = [axes] if isinstance(axes, str) else list(axes)
        values = [_read(_motor_pv(a)) for a in axes] if positions is None else [float(p) for p in positions]
        if len(values) != len(axes):
            raise ValueError("give one position per axis")
        pairs = sorted(zip(axes, values, strict=True))  # the order axes are named in does not matter
        args = {"axes": [a for a, _ in pairs], "positions": [v for _, v in pairs]}
        _link().call("call", name="sam.setOrigin", args=args)
        self.origin.update(zip(axes, values, strict=True))

    def gotoOrigin(self, axes: Sequence[str] | None = None) -> None:
        """Move the given axes (default all) to the sample origin."""
        for axis in axes or list(AXES):
            self._abs(axis, 0.0)

    def _position(self, axis: str, verbosity: int) -> float:
        value = _read(_motor_pv(axis)) - self.origin[axis]
        if verbosity >= 3:
            print(f"{self.name}.{axis} = {value:.3f}")
        return value

    def x(self, verbosity: int = 3) -> float:
        """Return (and print) the x position in sample coordinates, mm from the origin (a query: moves nothing)."""
        return self._position("x", verbosity)

    def y(self, verbosity: int = 3) -> float:
        """Return (and print) the height y in sample coordinates, mm from the origin (a query)."""
        return self._position("y", verbosity)

    def th(self, verbosity: int = 3) -> float:
        """Return (and print) the incident angle theta, degrees from the origin (a query)."""
        return self._position("th", verbosity)

    def phi(self, verbosity: int = 3) -> float:
        """Return (and print) the rotation phi, degrees from the origin (a query)."""
        return self._position("phi", verbosity)

    xpos, ypos, thpos, phipos = x, y, th, phi  # the beamline's other spelling of the same queries

    def reset_clock(self) -> None:
        """Start the sample's clock at zero now (for time-resolved series)."""
        self._clock_start = _link().now

    def clock(self) -> float:
        """Seconds of beamline time since the sample was created or `reset_clock()` was called."""
        return _link().now - self._clock_start

    def pos(self, verbosity: int = 3) -> dict[str, float]:
        """Report the sample motor positions (a query: moves nothing) and return them by axis."""
        positions = {axis: _read(_motor_pv(axis)) for axis in AXES}
        if verbosity >= 3:
            print("  ".join(f"{axis} = {v:.3f}" for axis, v in positions.items()))
        return positions

    def measure(self, exposure_time: float | None = None, extra: str | None = None, **md: Any) -> None:
        """Expose the selected detectors once for `exposure_time` s (default 1 s) and save the frame:
        sets AcquireTime and AcquirePeriod (exposure + 0.1 s), then Acquire 1 and back to 0."""
        _expose(exposure_time)

    def snap(self, exposure_time: float | None = None, extra: str | None = None, **md: Any) -> None:
        """Expose like `measure` without saving the frame."""
        _expose(exposure_time)

    def measureTimeSeries(
        self,
        exposure_time: float | None = None,
        num_frames: int = 10,
        wait_time: float | None = None,
        **md: Any,
    ) -> None:
        """Repeat `num_frames` times: measure for `exposure_time` s, then wait `wait_time` s."""
        for _ in range(int(num_frames)):
            self.measure(exposure_time)
            _wait(wait_time)

    def series_measure(
        self,
        num_frames: int,
        exposure_time: float | None = None,
        exposure_period: float | None = None,
        wait_time: float | None = None,
        **md: Any,
    ) -> None:
        """Fast multi-frame acquisition: one trigger of `num_frames` frames (NumImages) every
        `exposure_period` s, then NumImages back to 1 and an optional wait."""
        exposure = DEFAULT_EXPOSURE if exposure_time is None else float(exposure_time)
        period = exposure + pvs.READOUT if exposure_period is None else float(exposure_period)
        _expose(exposure, int(num_frames), period)
        for det in _session.detectors:
            _put(pvs.cam(det, "NumImages"), 1)
        _wait(wait_time)

    def measureSpots(
        self,
        num_spots: int = 4,
        translation_amount: float = 0.2,
        axis: str = "y",
        exposure_time: float | None = None,
    ) -> None:
        """Measure, then step `translation_amount` along `axis`; `num_spots` times."""
        for _ in range(int(num_spots)):
            self.measure(exposure_time)
            self._rel(axis, translation_amount)

    def measureIncidentAngle(self, angle: float, exposure_time: float | None = None, **md: Any) -> None:
        """Set theta to origin + `angle` degrees, then measure."""
        self.thabs(angle)
        self.measure(exposure_time)

    def measureIncidentAngles(
        self, angles: Sequence[float] = (0.08, 0.12, 0.15), exposure_time: float | None = None, **md: Any
    ) -> None:
        """`measureIncidentAngle` for each angle in `angles`."""
        for angle in angles:
            self.measureIncidentAngle(angle, exposure_time)

    def align(self, step: int | None = None, reflection_angle: float = 0.12, verbosity: int = 3) -> None:
        """Align against the direct beam: scan the height to the half-cut edge, rock theta to its peak
        (coarse then fine scans, 0.1 s per point), and make the result the y and theta origin."""
        _link().call("call", name="sam.align", args={"step": step, "reflection_angle": reflection_angle})
        for axis, fit, spans in (("y", "HMi", (2.0, 0.2)), ("th", "max", (1.0, 0.1))):
            for span in spans:
                fit_scan(AXES[axis], span, num=21, fit=fit)
        self.setOrigin(["y", "th"])

    def setLinkamRate(self, rate: float) -> None:
        """Set the Linkam ramp rate in deg C per minute."""
        _put(pvs.LINKAM_RATE, float(rate))

    def setLinkamTemperature(self, temperature: float) -> None:
        """Set the Linkam target temperature (deg C); the stage ramps there while the heater is on."""
        _put(pvs.LINKAM_SETPOINT, float(temperature))

    def setLinkamOn(self) -> None:
        """Switch the Linkam heater on."""
        _put(pvs.LINKAM_HEATER, 1)

    def setLinkamOff(self) -> None:
        """Switch the Linkam heater off (the stage cools passively towards room temperature)."""
        _put(pvs.LINKAM_HEATER, 0)

    def linkamTemperature(self) -> float:
        """The measured stage temperature (deg C)."""
        return _read(pvs.LINKAM_TEMP)


class SampleGISAXS_Generic(Sample):  # noqa: N801  (the beamline's own name)
    """The beamline's GISAXS sample class; same commands as `Sample`."""


def detselect(detectors: Any, suffix: str | None = None) -> list[str]:
    """Choose the detectors for the following measurements: `pilatus2M` (SAXS), `pilatus800` (WAXS)
    or a list of both."""
    items = detectors if isinstance(detectors, list | tuple) else [detectors]
    names = [getattr(d, "name", d) for d in items]
    unknown = [n for n in names if n not in pvs.DETECTORS]
    if unknown or not names:
        raise ValueError(f"unknown detectors {unknown}; use {sorted(pvs.DETECTORS)}")
    _session.detectors = names
    return names


class Beam:
    """Shutter and beam settings."""

    def on(self) -> None:
        """Open the shutter."""
        _put(pvs.SHUTTER, 1)

    def off(self) -> None:
        """Close the shutter."""
        _put(pvs.SHUTTER, 0)

    def energy(self, verbosity: int = 3) -> float:
        """The X-ray energy in keV."""
        return _read(pvs.ENERGY)

    def setTransmission(self, transmission: float) -> None:
        """Set the attenuator transmission, between 0 and 1."""
        _put(pvs.TRANSMISSION, float(transmission))

    def transmission(self) -> float:
        """The attenuator transmission."""
        return _read(pvs.TRANSMISSION)


beam = Beam()


def wsam() -> dict[str, float]:
    """Print the sample motor positions (a query: moves nothing) and return them by motor name."""
    positions = {AXES[axis]: _read(_motor_pv(axis)) for axis in AXES}
    print("  ".join(f"{name} = {v:.3f}" for name, v in positions.items()))
    return positions


COMMANDS = [Sample, SampleGISAXS_Generic, detselect, beam, fit_scan, wsam]
