"""The beamline's pre-flight summary: the exposures, the temperature profile in segments, the devices that changed."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass
from typing import Any

from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.preflight.channels import BY_PV, DETECTOR_LABELS, DEVICES, SAMPLE_AXES
from twinbench.twins.beamline.preflight.timeline import Exposure, Timeline
from twinbench.twins.preflight import Table, number

HOLD = 0.05  # deg C: a segment that moves less than this is a hold
SAME_RATE = 0.02  # consecutive ramps within 2 % of each other's rate are one segment
SHORT_HOLD = 5.0  # seconds: a shorter hold between commands is left out of the profile
AT_SETPOINT = 0.5  # deg C: an exposure further than this from the setpoint, heater on, is taken while ramping
LINKAM_STATE = (pvs.LINKAM_SETPOINT, pvs.LINKAM_RATE, pvs.LINKAM_HEATER)


@dataclass
class Segment:
    """A stretch of the temperature profile between two changes of the Linkam's state or arrivals."""

    start: float
    end: float
    kind: str
    low: float
    high: float
    rate: float  # deg C per minute, signed

    def row(self) -> list[str]:
        rate = "" if self.kind == "hold" else number(self.rate, 1)
        return [f"{number(self.start, 1)}-{number(self.end, 1)}", self.kind, number(self.low, 1),
                number(self.high, 1), rate]


def _show(pv: str, value: Any) -> str:
    return BY_PV[pv].show(value) if pv in BY_PV else number(value)


def _exposure_row(x: Exposure, axes: list[str]) -> list[str]:
    det = x.detectors[0]
    seconds = number(round(x.value(det, "AcquireTime"), 3))
    frames = x.value(det, "NumImages")
    temperature = x.temperature
    trend = ""
    if x.state[pvs.LINKAM_HEATER] == 1 and abs(temperature - x.state[pvs.LINKAM_SETPOINT]) > AT_SETPOINT:
        trend = " ↑" if x.state[pvs.LINKAM_SETPOINT] > temperature else " ↓"
    return [str(x.line or "-"), number(x.t, 1), "+".join(DETECTOR_LABELS[d] for d in x.detectors),
            seconds + (f" ×{frames}" if frames > 1 else ""),
            *(number(x.state[pvs.MOTORS[a]], 3) for a in axes), number(temperature, 1) + trend]


def exposures_table(tl: Timeline) -> Table | None:
    if not tl.exposures:
        return None
    axes = [a for a in SAMPLE_AXES if a != "srot" or any(x.state[pvs.MOTORS[a]] for x in tl.exposures)]
    return Table(f"Exposures ({len(tl.exposures)})", ["line", "t (s)", "det", "exp (s)", *axes, "T (°C)"],
                 [_exposure_row(x, axes) for x in tl.exposures], name_column=None)


def exposure_data(x: Exposure) -> dict[str, Any]:
    det = x.detectors[0]
    return {"line": x.line, "t": x.t, "end": x.end, "detectors": list(x.detectors),
            "exposure": x.value(det, "AcquireTime"), "period": x.value(det, "AcquirePeriod"),
            "frames": x.value(det, "NumImages"), "positions": {a: x.state[pvs.MOTORS[a]] for a in SAMPLE_AXES},
            "temperature": x.temperature, "setpoint": x.state[pvs.LINKAM_SETPOINT],
            "heater": x.state[pvs.LINKAM_HEATER], "shutter": x.state[pvs.SHUTTER],
            "transmission": x.state[pvs.TRANSMISSION]}


class _Temperatures:
    """The measured temperature as recorded (it posts only changes): value at any time, samples in a span."""

    def __init__(self, tl: Timeline):
        changes = tl.changes(pvs.LINKAM_TEMP)
        self.times = [0.0] + [tl.events[i].t for i in changes] + [tl.run.duration]
        self.values = [tl.initial[pvs.LINKAM_TEMP]] + [tl.events[i].value for i in changes]
        self.values.append(tl.final(pvs.LINKAM_TEMP))

    def at(self, t: float) -> float:
        return self.values[max(bisect.bisect_right(self.times, t) - 1, 0)]

    def between(self, start: float, end: float) -> list[tuple[float, float]]:
        """The samples strictly inside (start, end)."""
        lo, hi = bisect.bisect_right(self.times, start), bisect.bisect_left(self.times, end)
        return list(zip(self.times[lo:hi], self.values[lo:hi], strict=True))


def _linkam_used(tl: Timeline) -> bool:
    """Whether the stage's temperature changed or the plan set the Linkam."""
    return bool(tl.changes(pvs.LINKAM_TEMP)) or any(tl.changes(pv) for pv in LINKAM_STATE)


def _breaks(tl: Timeline) -> list[float]:
    """Times the profile may change its course: a setpoint, rate or heater command, or an arrival at the setpoint."""
    times = {0.0, tl.run.duration}
    times |= {tl.events[i].t for pv in LINKAM_STATE for i in tl.changes(pv)}
    for i in tl.changes(pvs.LINKAM_TEMP):
        if tl.value(pvs.LINKAM_HEATER, i) == 1 and abs(tl.events[i].value - tl.value(pvs.LINKAM_SETPOINT, i)) < 5e-4:
            times.add(tl.events[i].t)
    return sorted(t for t in times if t <= tl.run.duration)


def _segment(temps: _Temperatures, start: float, end: float, heater: bool) -> Segment:
    inside = temps.between(start, end)
    ends = [(start, temps.at(start)), *inside, (end, temps.at(end))]
    values = [v for _, v in ends]
    first, last = (inside[0], inside[-1]) if len(inside) >= 2 and inside[-1][0] > inside[0][0] else (ends[0], ends[-1])
    rate = (last[1] - first[1]) / (last[0] - first[0]) * 60 if last[0] > first[0] else 0.0
    change = values[-1] - values[0]
    if max(values) - min(values) < HOLD:
        kind = "hold"
    elif heater:
        kind = "ramp up" if change > 0 else "ramp down"
    else:
        kind = "warming (heater off)" if change > 0 else "cooling (heater off)"
    return Segment(start, end, kind, min(values), max(values), rate)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for s in segments:
        last = merged[-1] if merged else None
        same_ramp = last is not None and s.kind.startswith("ramp") and abs(s.rate - last.rate) <= SAME_RATE * abs(
            last.rate)
        if last is not None and s.kind == last.kind and (same_ramp or not s.kind.startswith("ramp")):
            span = last.end - last.start + s.end - s.start
            rate = (last.rate * (last.end - last.start) + s.rate * (s.end - s.start)) / span if span else s.rate
            merged[-1] = Segment(last.start, s.end, s.kind, min(last.low, s.low), max(last.high, s.high), rate)
        else:
            merged.append(s)
    return merged


def temperature_segments(tl: Timeline) -> list[Segment]:
    """The temperature profile as holds, ramps and passive cooling, with range and mean rate; empty when the
    Linkam did nothing."""
    if not _linkam_used(tl):
        return []
    temps = _Temperatures(tl)
    breaks = _breaks(tl)
    switches = tl.changes(pvs.LINKAM_HEATER)
    times, states = [tl.events[i].t for i in switches], [tl.events[i].value for i in switches]
    segments = []
    for start, end in zip(breaks, breaks[1:], strict=False):
        k = bisect.bisect_right(times, start)
        heater = (states[k - 1] if k else tl.initial[pvs.LINKAM_HEATER]) == 1
        segments.append(_segment(temps, start, end, heater))
    kept = _merge([s for s in segments if s.end > s.start])
    longer = [s for s in kept if s.kind != "hold" or s.end - s.start >= SHORT_HOLD]
    return _merge(longer) if longer else kept


def temperature_table(segments: list[Segment]) -> Table | None:
    if not segments:
        return None
    return Table("Temperature (°C)", ["t (s)", "segment", "min", "max", "°C/min"], [s.row() for s in segments],
                 name_column=1)


def temperature_fact(tl: Timeline) -> str | None:
    if not _linkam_used(tl):
        return None
    temps = _Temperatures(tl).values
    show = DEVICES["linkam.temperature"].show
    heater = _show(pvs.LINKAM_HEATER, tl.final(pvs.LINKAM_HEATER))
    extremes = [f"{word} {show(v)}" for word, v in (("min", min(temps)), ("max", max(temps)))
                if show(v) not in (show(temps[0]), show(temps[-1]))]
    span = f" ({', '.join(extremes)})" if extremes else ""
    return (f"Temperature: {show(temps[0])} → {show(temps[-1])}{span}; at the end the heater is {heater}, "
            f"setpoint {_show(pvs.LINKAM_SETPOINT, tl.final(pvs.LINKAM_SETPOINT))}")


def exposures_fact(tl: Timeline) -> str:
    if not tl.exposures:
        return "Exposures: none"
    total = sum(x.value(x.detectors[0], "AcquireTime") * x.value(x.detectors[0], "NumImages") for x in tl.exposures)
    detectors = sorted({d for x in tl.exposures for d in x.detectors})
    return f"Exposures: {len(tl.exposures)}, {number(round(total, 3))} s of exposure on {', '.join(detectors)}"


def calls_fact(tl: Timeline) -> str | None:
    calls: dict[str, list[int | None]] = {}
    for i, e in enumerate(tl.events):
        if e.channel.startswith("sam."):
            calls.setdefault(e.channel, []).append(tl.line(i))
    if not calls:
        return None
    return "Calls: " + ", ".join(f"{name} ×{len(lines)} (line {', '.join(str(n) for n in dict.fromkeys(lines) if n)})"
                                 for name, lines in calls.items())


def changed_devices(tl: Timeline) -> list[dict[str, Any]]:
    """Each device the run changed (the detectors' Acquire aside: the exposures say it), from start to end."""
    rows = []
    for d in DEVICES.values():
        if d.name.endswith(".Acquire") or not tl.changes(d.pv):
            continue
        rows.append({"device": d.name, "pv": d.pv, "unit": d.unit, "start": tl.initial[d.pv], "end": tl.final(d.pv)})
    return rows


def final_table(changed: list[dict[str, Any]]) -> Table | None:
    if not changed:
        return None
    return Table("Devices that changed", ["device", "start", "end"],
                 [[c["device"], _show(c["pv"], c["start"]), _show(c["pv"], c["end"])] for c in changed])


def segments_data(segments: list[Segment]) -> list[dict[str, Any]]:
    return [asdict(s) for s in segments]
