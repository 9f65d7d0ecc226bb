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


def checked_value(trace: Trace, index: int, plan: _ChannelPlan, config: ScoringConfig) -> Any:
    """The value of a kept event, checked (finite time and value, a number on a numeric channel) and converted
    (to the channel's unit; booleans to text unless they are numbers); InputError names the event and field."""
    t, value, meta = trace.t[index], trace.value[index], trace.meta[index]
    if not math.isfinite(t):
        raise InputError(trace.source, f"timestamp must be finite, got {t}", f"event {index}", "timestamp")
    if plan.unit is not None and meta and "unit" in meta and is_number(value):
        try:
            value = float(value) * unit_factor(str(meta["unit"]), plan.unit)
        except ValueError as exc:
            raise InputError(trace.source, str(exc), f"event {index}", "meta.unit") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(trace.source, f"value must be finite, got {value}", f"event {index}", "value")
    if plan.numeric and not is_number(value):
        raise InputError(trace.source, f"channel {plan.name!r} is numeric but the value is {value!r}",
                         f"event {index}", "value")
    if isinstance(value, bool) and not (plan.numeric or config.bool_is_number):
        value = str(value)  # EnvTrace's package compares booleans as text, so True is not 1
    return value


def _odd_values(values: list[Any], plain: set[type]) -> np.ndarray:
    """Which values need a look one by one: of a type outside `plain`, or a float that is not finite."""
    kinds = list(map(type, values))
    found = set(kinds)
    odd = np.zeros(len(kinds), bool)
    if found - plain:
        odd |= np.fromiter((k not in plain for k in kinds), bool, len(kinds))
    if float in found:
        floats = values if found == {float} else [v if k is float else 0.0 for v, k in zip(values, kinds, strict=True)]
        odd |= ~np.isfinite(np.array(floats, np.float64))
    return odd


def _suspects(trace: Trace, plans: list[_ChannelPlan], code: np.ndarray, config: ScoringConfig) -> list[int]:
    """Kept events whose time or value needs a look one by one (to check, convert or split off), in order:
    those of numeric, continuous or unit-converted channels, non-finite times and floats, and values other
    than numbers and text (booleans too, when they become text)."""
    kept = np.array([p.keep for p in plans], bool)[code]
    closer = np.array([p.numeric or p.continuous or p.unit is not None for p in plans], bool)[code]
    plain = {float, int, str, bool} if config.bool_is_number else {float, int, str}
    odd = _odd_values(trace.value, plain)
    return np.flatnonzero(kept & (closer | odd | ~np.isfinite(np.asarray(trace.t)))).tolist()


def canonicalize(trace: Trace, config: ScoringConfig) -> CanonicalTrace:
    """Bring a trace into canonical form; bad values raise InputError naming the event and field.

    Events of plain channels with finite numbers or text are taken a column at a time; the others (see
    `_suspects`) one by one, in order, so the first bad one is the one named.
    """
    plan_of = _plans(config)
    names = list(dict.fromkeys(trace.channel))
    plans = [plan_of(name) for name in names]
    index_of = {name: k for k, name in enumerate(names)}
    code = np.fromiter(map(index_of.__getitem__, trace.channel), np.int64, len(trace))
    values = trace.value
    continuous = np.zeros(len(trace), bool)
    raw_series: dict[str, list[int]] = {}
    suspects = _suspects(trace, plans, code, config)
    if suspects:
        values = list(values)
    for index in suspects:
        plan = plans[code[index]]
        values[index] = checked_value(trace, index, plan, config)
        if plan.continuous:
            continuous[index] = True
            raw_series.setdefault(plan.name, []).append(index)
    t_all = np.asarray(trace.t, dtype=np.float64)
    kept = np.array([p.keep for p in plans], bool)[code]
    t0 = float(t_all[kept].min()) if kept.any() else 0.0
    end = math.inf if config.horizon is None else config.horizon * (1 + 1e-9)
    series = {}
    for name, found in raw_series.items():
        at = np.array(found)[np.argsort(t_all[found], kind="stable")]
        st, sv = t_all[at] - t0, np.array([float(values[i]) for i in at.tolist()])
        if st[0] <= end:
            series[name] = Series(st[st <= end], sv[st <= end])
    discrete = np.flatnonzero(kept & ~continuous)
    discrete = discrete[t_all[discrete] - t0 <= end]
    t = t_all[discrete] - t0
    order = np.argsort(t, kind="stable")
    step = _steps(t[order], config.simultaneity_eps)
    canonical = [p.name for p in plans]
    place = {name: i for i, name in enumerate(sorted(set(canonical)))}
    rank = np.array([place[name] for name in canonical], np.int64)[code[discrete]]
    origin = discrete[_order_within_steps(order, step, rank)]
    return CanonicalTrace(
        channel=[canonical[c] for c in code[origin].tolist()], value=[values[i] for i in origin.tolist()],
        t=t_all[origin] - t0, origin=origin, step=step, series=series, source=trace.source,
    )


def _steps(t: np.ndarray, eps: float | None) -> np.ndarray:
    """Step number of each (time-sorted) event: a new step starts after a gap of more than `eps`."""
    if eps is None or len(t) == 0:
        return np.arange(len(t))
    return np.concatenate(([0], np.cumsum(np.diff(t) > eps)))


def _order_within_steps(order: np.ndarray, step: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Sort the events of every step by channel (`rank`: each event's channel's place in name order); the
    values of one channel keep their order."""
    if len(step) < 2:
        return order
    key = step * (int(rank.max()) + 1) + rank[order]
    return order[np.argsort(key, kind="stable")]


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
