"""Synthetic trace pairs for benchmarks and tests, built the way EnvTrace's own benchmark built them.

A reference is either `random` (uniform channels and values over an end station's discrete channels: seven
motors, four detector fields, three thermal-stage settings) or `periodic` (a repeating scan unit: move x,
set exposure, Acquire 1, Acquire 0). The prediction is the
reference with time stretched by 2 % plus 10 ms jitter and a share `edits` of events changed, split
equally into deletions, value changes and random insertions.
"""

from __future__ import annotations

import numpy as np

from twinbench.trace.model import Event, Trace

DISCRETE_CHANNELS = [
    "sample:x", "sample:y", "sample:theta", "sample:phi", "beamstop:x", "beamstop:y", "beamstop:phi",
    "detector:AcquireTime", "detector:AcquirePeriod", "detector:NumImages", "detector:Acquire",
    "stage:setpoint", "stage:rate", "stage:heater",
]
_X, _EXPOSURE, _ACQUIRE = DISCRETE_CHANNELS[0], DISCRETE_CHANNELS[7], DISCRETE_CHANNELS[10]


def reference(n: int, kind: str, rng: np.random.Generator) -> Trace:
    """A reference trace of `n` events, `random` or `periodic`."""
    t = np.cumsum(rng.uniform(0.05, 1.0, n))
    if kind == "random":
        chans = rng.integers(0, len(DISCRETE_CHANNELS), n)
        vals = np.round(rng.uniform(-10, 10, n), 3)
        return Trace([Event(DISCRETE_CHANNELS[c], float(ti), float(v))
                      for c, ti, v in zip(chans, t, vals, strict=True)])
    if kind != "periodic":
        raise ValueError(f"unknown kind {kind!r}")
    events = []
    for i in range(n):
        unit, phase = divmod(i, 4)
        channel, value = [(_X, round(0.1 * unit, 3)), (_EXPOSURE, 1.0), (_ACQUIRE, 1), (_ACQUIRE, 0)][phase]
        events.append(Event(channel, float(t[i]), value))
    return Trace(events)


def perturb(ref: Trace, edits: float, rng: np.random.Generator) -> Trace:
    """The reference, time-stretched and jittered, with a share `edits` of events deleted, changed or inserted."""
    out = []
    for e in ref.events:
        t = e.t * 1.02 + float(rng.normal(0, 0.01))
        r = rng.random()
        if r < edits / 3:
            continue
        if r < 2 * edits / 3:
            out.append(Event(e.channel, t, float(e.value) + 1.0 + float(rng.uniform(0, 5))))
            continue
        out.append(Event(e.channel, t, e.value))
        if r < edits:
            channel = DISCRETE_CHANNELS[int(rng.integers(0, len(DISCRETE_CHANNELS)))]
            out.append(Event(channel, t + 1e-3, float(np.round(rng.uniform(-10, 10), 3))))
    out.sort(key=lambda e: e.t)
    return Trace(out)


def pair(n: int, kind: str, edits: float, seed: int = 0) -> tuple[Trace, Trace]:
    rng = np.random.default_rng(seed)
    ref = reference(n, kind, rng)
    return ref, perturb(ref, edits, rng)
