"""The API reference a model is shown, generated from the operator commands' own docstrings."""

from __future__ import annotations

import inspect
from typing import Any

from twinbench.twins.beamline import operator, pvs

HEADER = """\
# Beamline control API (pre-loaded; do not import)

Python with `numpy` as `np`, `time` (virtual clock: `time.sleep` advances beamline time) and `math`.
`sam = Sample('test')` already exists. Bluesky: `RE`, `bp` (plans), `bps` (plan stubs).
"""


def _signature(name: str, obj: Any) -> str:
    sig = str(inspect.signature(obj)).replace("(self, ", "(").replace("(self)", "()")
    return f"{name}{sig}"


def _entry(name: str, obj: Any) -> str:
    return f"- `{_signature(name, obj)}`: {inspect.cleandoc(obj.__doc__ or '').replace(chr(10), ' ')}"


def _methods(cls: type, owner: str) -> list[str]:
    return [
        _entry(f"{owner}.{name}", fn)
        for name, fn in vars(cls).items()
        if inspect.isfunction(fn) and not name.startswith("_")
    ]


def api_reference() -> str:
    """Markdown text: every command with its signature and docstring, and the ophyd devices with PVs."""
    lines = [HEADER, "## Sample", inspect.cleandoc(operator.Sample.__doc__ or ""), ""]
    lines.append(_entry("Sample", operator.Sample.__init__).replace("Sample(self, ", "Sample("))
    lines.append(f"- `SampleGISAXS_Generic(name)`: {operator.SampleGISAXS_Generic.__doc__}")
    lines += _methods(operator.Sample, "sam")
    lines += ["", "## Detectors, beam and scans"]
    lines += [_entry("detselect", operator.detselect), _entry("fit_scan", operator.fit_scan)]
    lines += [_entry("wsam", operator.wsam)]
    lines += _methods(operator.Beam, "beam")
    lines += ["", "## ophyd devices (for bluesky plans, e.g. `RE(bp.scan([pilatus2M], smx, 0, 1, 5))`)"]
    lines += [f"- `{name}`: motor `{pv}`" for name, pv in pvs.MOTORS.items()]
    lines += [
        f"- `{name}`: detector `{prefix}` (AcquireTime, AcquirePeriod, NumImages, Acquire)"
        for name, prefix in pvs.DETECTORS.items()
    ]
    return "\n".join(lines) + "\n"
