"""What each kind of pre-flight rule checks on a replayed run; every finding names the program line behind it."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.preflight.channels import DEVICES
from twinbench.twins.beamline.preflight.rules import Condition, Rule
from twinbench.twins.beamline.preflight.timeline import Exposure, Timeline
from twinbench.twins.preflight import Finding, number

EPS = 1e-9
END_KINDS = ("at-end", "no-exposure", "empty-plan")  # about the plan as a whole: only for a plan that ran to its end
Check = Callable[[str, Rule, Timeline], list[Finding]]


def _finding(rule_id: str, rule: Rule, message: str, line: int | None, t: float | None) -> Finding:
    return Finding(rule_id, rule.severity, message, rule.explain, line, t)


def _detectors(x: Exposure) -> str:
    return "+".join(x.detectors)


def _holds(conditions: dict[str, Condition], state: dict[str, Any]) -> bool:
    return all(c.holds(state[DEVICES[d].pv]) for d, c in conditions.items())


def _failed(rule: Rule, state: dict[str, Any]) -> list[str]:
    """`device value (needs ...)` for each requirement `state` breaks, when the rule applies to it."""
    if not _holds(rule.when, state):
        return []
    return [f"{d} {DEVICES[d].show(state[DEVICES[d].pv])} (needs {c.text(d)})"
            for d, c in rule.require.items() if not c.holds(state[DEVICES[d].pv])]


def _context(rule: Rule, state: dict[str, Any]) -> str:
    return ", ".join(f"{d} {DEVICES[d].show(state[DEVICES[d].pv])}" for d in rule.when)


def at_exposure(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    found = []
    for x in tl.exposures:
        if failed := _failed(rule, x.state):
            found.append(_finding(rule_id, rule, f"{_detectors(x)} exposes with {', '.join(failed)}", x.line, x.t))
    return found


def at_end(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    state = {pv: tl.final(pv) for pv in tl.initial}
    failed = _failed(rule, state)
    if not failed:
        return []
    setters = [i for d, c in rule.require.items() if not c.holds(state[DEVICES[d].pv])
               for i in tl.changes(DEVICES[d].pv)[-1:]]
    last = max(setters, default=None)
    context = f" and {_context(rule, state)}" if rule.when else ""
    return [_finding(rule_id, rule, f"the plan ends with {', '.join(failed)}{context}",
                     None if last is None else tl.line(last), None if last is None else tl.events[last].t)]


def always(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    watched = [DEVICES[d].pv for d in (*rule.when, *rule.require)]
    moments = [0, *sorted({i + 1 for pv in watched for i in tl.changes(pv)})]  # before any event, after each
    bad = [i for i in moments if _failed(rule, {pv: tl.value(pv, i) for pv in watched})]
    if not bad:
        return []
    first = bad[0]
    state = {pv: tl.value(pv, first) for pv in watched}
    times = f" ({len(bad)} times)" if len(bad) > 1 else ""
    where = "from the start" if first == 0 else f"at t={number(tl.events[first - 1].t, 3)} s"
    return [_finding(rule_id, rule, f"{', '.join(_failed(rule, state))} {where}{times}",
                     tl.line(first - 1) if first else None, tl.events[first - 1].t if first else 0.0)]


def exposure_time(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    low = rule.params["min_seconds"]
    found = []
    for x in tl.exposures:
        for det in x.detectors:
            seconds = x.value(det, "AcquireTime")
            if seconds <= 0:
                found.append(_finding(rule_id, rule, f"{det} exposes for 0 s (AcquireTime {number(seconds)})",
                                      x.line, x.t))
            elif seconds < low:
                found.append(_finding(rule_id, rule, f"{det} exposes for {number(seconds)} s, under the "
                                                     f"{number(low)} s minimum", x.line, x.t))
    return found


def frame_period(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    readout = rule.params["readout"]
    found = []
    for x in tl.exposures:
        for det in x.detectors:
            frames, seconds, period = (x.value(det, f) for f in ("NumImages", "AcquireTime", "AcquirePeriod"))
            if frames > 1 and period < seconds + readout - EPS:
                found.append(_finding(rule_id, rule, f"{det} takes {frames} frames of {number(seconds)} s every "
                                                     f"{number(period)} s, less than exposure + "
                                                     f"{number(readout)} s readout", x.line, x.t))
    return found


def moving_during_exposure(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    moves = [m for m in tl.moves() if m.arrives - m.t > EPS]
    found = []
    for x in tl.exposures:
        for m in moves:
            if m.t < x.end - EPS and x.t < m.arrives - EPS:
                unit = DEVICES[m.motor].unit
                found.append(_finding(rule_id, rule, f"{m.motor} travels from {number(m.start, 3)} to "
                                                     f"{number(m.target, 3)} {unit} (line {m.line}) while "
                                                     f"{_detectors(x)} exposes", x.line, x.t))
    return found


def _reached(tl: Timeline, start: int, end: int, setpoint: float, tolerance: float) -> bool:
    changes = tl.changes(pvs.LINKAM_TEMP)
    temps = [tl.value(pvs.LINKAM_TEMP, start)]
    temps += [tl.events[i].value for i in changes[bisect.bisect_left(changes, start):bisect.bisect_left(changes, end)]]
    if end == len(tl.events):
        temps.append(tl.final(pvs.LINKAM_TEMP))
    return any(abs(t - setpoint) <= tolerance for t in temps)


def setpoint_reached(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    """Per setpoint (from one setpoint command to the next): exposures taken while the Linkam heads for it, or
    while it sits unheated although the plan set it, when the temperature never gets there."""
    tolerance = rule.params["tolerance"]
    sets = tl.changes(pvs.LINKAM_SETPOINT)
    set_at_start = set(sets)
    heater_on = [i for i in tl.changes(pvs.LINKAM_HEATER) if tl.events[i].value == 1]
    found = []
    for start, end in zip([0, *sets], [*sets, len(tl.events)], strict=True):
        setpoint = tl.value(pvs.LINKAM_SETPOINT, start + 1 if start in set_at_start else 0)
        if _reached(tl, start, end, setpoint, tolerance):
            continue
        unheated = start in set_at_start and tl.value(pvs.LINKAM_HEATER, start) == 0
        waiting = [x for x in tl.exposures if start <= x.index < end and (
            x.state[pvs.LINKAM_HEATER] == 1
            or unheated and not any(start <= i < x.index for i in heater_on))]
        if not waiting:
            continue
        temps = [x.temperature for x in waiting]
        shown = DEVICES["linkam.temperature"].show
        low, high = shown(min(temps)), shown(max(temps))
        span = low if low == high else f"{number(min(temps), 1)} to {high}"
        count = f"{len(waiting)} exposures" if len(waiting) > 1 else "an exposure"
        set_at = f" at line {tl.line(start)}" if start in set_at_start and tl.line(start) else ""
        until = "the plan ends" if end == len(tl.events) else f"the setpoint changes (line {tl.line(end)})"
        off = "; the heater is off" if any(x.state[pvs.LINKAM_HEATER] == 0 for x in waiting) else ""
        found.append(_finding(rule_id, rule, f"{count} at {span} while the Linkam is set to {shown(setpoint)}"
                                             f"{set_at}, which it does not reach before {until}{off}",
                              waiting[0].line, waiting[0].t))
    return found


def no_exposure(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    if tl.exposures or not tl.commanded():
        return []
    return [_finding(rule_id, rule, "the plan never exposes a detector", None, None)]


def empty_plan(rule_id: str, rule: Rule, tl: Timeline) -> list[Finding]:
    if tl.commanded():
        return []
    return [_finding(rule_id, rule, "the plan changes nothing on the instrument", None, None)]


CHECKS: dict[str, Check] = {
    "at-exposure": at_exposure,
    "at-end": at_end,
    "always": always,
    "exposure-time": exposure_time,
    "frame-period": frame_period,
    "moving-during-exposure": moving_during_exposure,
    "setpoint-reached": setpoint_reached,
    "no-exposure": no_exposure,
    "empty-plan": empty_plan,
}
