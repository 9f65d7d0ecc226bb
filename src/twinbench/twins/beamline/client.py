"""The namespace a sandboxed program starts with: operator commands, bluesky, ophyd devices, numpy.

Imported by the sandbox before any program runs (so forking a program costs no import time);
`namespace(channel)` is called inside the program's own process.
"""

from __future__ import annotations

import math
import time
from typing import Any

import bluesky.plan_stubs as bps
import bluesky.plans as bp
import numpy as np
from bluesky import RunEngine
from ophyd.utils.errors import LimitError

from twinbench.twins.beamline import operator
from twinbench.twins.beamline.devices import make_devices
from twinbench.twins.beamline.vloop import VirtualTimeLoop
from twinbench.twins.link import Channel, Link, patch_time

ERRORS: dict[str, type[Exception]] = {"safety": LimitError}


def namespace(channel: Channel) -> dict[str, Any]:
    """Bind everything to a link over `channel` and return the program's globals (with `sam = Sample('test')`)."""
    link = Link(channel, ERRORS)
    patch_time(link)
    operator.connect(link)
    names: dict[str, Any] = {"__name__": "__main__", "time": time, "np": np, "numpy": np, "math": math}
    names |= {"RE": RunEngine({}, loop=VirtualTimeLoop(link)), "bp": bp, "bps": bps}
    names |= make_devices(link)
    names |= {obj.__name__: obj for obj in operator.COMMANDS if hasattr(obj, "__name__")}
    names |= {"beam": operator.beam, "sam": operator.Sample("test")}
    return names
