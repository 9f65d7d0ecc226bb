"""Canonical form of a trace, the input of alignment and metrics.

Aliases are applied, ignored channels dropped, continuous channels split off as time series, times
zeroed at the first kept event, values converted to each channel's declared unit, and events written
within `simultaneity_eps` seconds of the previous one gathered into one step whose events are put in
channel order (the values of one channel keep theirs), so the order of simultaneous puts to different
channels never changes the alignment, on either side.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from twinbench.errors import InputError
from twinbench.trace.config import ScoringConfig
from twinbench.trace.model import Trace
from twinbench.trace.patterns import any_match


@dataclass(slots=True)
class Series:
    """One continuous channel: times (s, zeroed) and values."""

    t: np.ndarray
    v: np.ndarray


@dataclass(slots=True)
class CanonicalTrace:
    """Discrete events in canonical order as parallel columns, and the continuous series.

    `origin[i]` is the event's index in the source trace, `step[i]` the number of its step.
    """

    channel: list[str]
    value: list[Any]
    t: np.ndarray
    origin: np.ndarray
    step: np.ndarray
    series: dict[str, Series] = field(default_factory=dict)
    source: str | None = None

    def __len__(self) -> int:
        return len(self.channel)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not (isinstance(value, float) and not math.isfinite(value))


def value_key(value: Any) -> tuple[int, float, str]:
    """Sort key and identity of a value: numbers by magnitude, everything else by its JSON text."""
    if is_number(value):
        return (0, float(value), "")
    return (1, 0.0, value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str))


@lru_cache(maxsize=256)
def unit_factor(src: str, dst: str) -> float:
    """Multiplier from unit `src` to unit `dst` (pint's definitions)."""
    import pint

    try:
        return float(pint.UnitRegistry().Quantity(1.0, src).to(dst).magnitude)
    except Exception as exc:  # pint raises several unrelated types for unknown or incompatible units
        raise ValueError(f"cannot convert {src!r} to {dst!r}: {exc}") from None


@dataclass(slots=True, frozen=True)
class _ChannelPlan:
    name: str
    keep: bool
    numeric: bool
    continuous: bool
    unit: str | None


def _plans(config: ScoringConfig):
    cache: dict[str, _ChannelPlan] = {}

    def plan(raw: str) -> _ChannelPlan:
        found = cache.get(raw)
        if found is None:
            name = config.aliases.get(raw, raw)
            continuous = config.continuous_for(name) is not None
            ignored = config.is_ignored(raw) or config.is_ignored(name)
            dropped = ignored and (config.ignore_continuous or not continuous)
            found = _ChannelPlan(name, not dropped, config.is_numeric_channel(name), continuous,
                                 config.comparators.for_channel(name).unit)
            cache[raw] = found
        return found

    return plan


def canonicalize(trace: Trace, config: ScoringConfig) -> CanonicalTrace:
    """Bring a trace into canonical form; bad values raise InputError naming the event and field."""
    plan_of = _plans(config)
    channels: list[str] = []
    values: list[Any] = []
    times: list[float] = []
    origins: list[int] = []
    raw_series: dict[str, list[tuple[float, float]]] = {}
    t_first = math.inf
    for index, event in enumerate(trace.events):
        plan = plan_of(event.channel)
        if not plan.keep:
            continue
        t, value = event.t, event.value
        if not math.isfinite(t):
            raise InputError(trace.source, f"timestamp must be finite, got {t}", f"event {index}", "timestamp")
        if plan.unit is not None and event.meta and "unit" in event.meta and is_number(value):
            try:
                value = float(value) * unit_factor(str(event.meta["unit"]), plan.unit)
            except ValueError as exc:
                raise InputError(trace.source, str(exc), f"event {index}", "meta.unit") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(trace.source, f"value must be finite, got {value}", f"event {index}", "value")
        if plan.numeric and not is_number(value):
            raise InputError(trace.source, f"channel {plan.name!r} is numeric but the value is {value!r}",
                             f"event {index}", "value")
        if isinstance(value, bool) and not (plan.numeric or config.bool_is_number):
            value = str(value)  # EnvTrace's package compares booleans as text, so True is not 1
        t_first = min(t_first, t)
        if plan.continuous:
            raw_series.setdefault(plan.name, []).append((t, float(value)))
            continue
        channels.append(plan.name)
        values.append(value)
        times.append(t)
        origins.append(index)
    t0 = t_first if math.isfinite(t_first) else 0.0
    end = math.inf if config.horizon is None else config.horizon * (1 + 1e-9)
    series = {}
    for name, points in raw_series.items():
        points.sort(key=lambda p: p[0])
        st, sv = np.array([p[0] for p in points]) - t0, np.array([p[1] for p in points])
        if st[0] <= end:
            series[name] = Series(st[st <= end], sv[st <= end])
    t = np.asarray(times, dtype=np.float64) - t0
    if config.horizon is not None:
        kept = np.flatnonzero(t <= end).tolist()
        channels, values, origins = [channels[i] for i in kept], [values[i] for i in kept], [origins[i] for i in kept]
        t = t[kept]
    order = np.argsort(t, kind="stable")
    step = _steps(t[order], config.simultaneity_eps)
    order = np.asarray(_order_within_steps(order, step, channels), dtype=np.int64)
    return CanonicalTrace(
        channel=[channels[i] for i in order], value=[values[i] for i in order], t=t[order],
        origin=np.asarray(origins, dtype=np.int64)[order], step=step, series=series, source=trace.source,
    )


def _steps(t: np.ndarray, eps: float | None) -> np.ndarray:
    """Step number of each (time-sorted) event: a new step starts after a gap of more than `eps`."""
    if eps is None or len(t) == 0:
        return np.arange(len(t))
    return np.concatenate(([0], np.cumsum(np.diff(t) > eps)))


def _order_within_steps(order: np.ndarray, step: np.ndarray, channels: list[str]) -> list[int]:
    """Sort the events of every multi-event step by channel; the values of one channel keep their order."""
    out = order.tolist()
    if len(step) < 2:
        return out
    starts = np.flatnonzero(np.diff(step)) + 1
    bounds = np.concatenate(([0], starts, [len(step)]))
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if b - a > 1:
            out[a:b] = sorted(out[a:b], key=channels.__getitem__)
    return out


def without_extra_channels(pred: CanonicalTrace, gt: CanonicalTrace, patterns: list[str]) -> CanonicalTrace:
    """`pred` without its channels that match one of `patterns` and that `gt` never uses."""
    known = set(gt.channel) | set(gt.series)

    def extra(channel: str) -> bool:
        return channel not in known and any_match(patterns, channel)

    keep = [i for i, channel in enumerate(pred.channel) if not extra(channel)]
    if len(keep) == len(pred) and not any(extra(ch) for ch in pred.series):
        return pred
    return CanonicalTrace(
        channel=[pred.channel[i] for i in keep], value=[pred.value[i] for i in keep], t=pred.t[keep],
        origin=pred.origin[keep], step=pred.step[keep],
        series={ch: s for ch, s in pred.series.items() if not extra(ch)}, source=pred.source,
    )
