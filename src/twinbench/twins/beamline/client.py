"""The namespace a sandboxed program starts with: operator commands, bluesky, ophyd devices, numpy.

Imported by the sandbox before any program runs (so forking a program costs no import time);
`namespace(channel)` is called inside the program's own process.

bluesky, ophyd and numpy take seconds to import and most programs use none of them: their names (RE, bp, bps,
np, numpy and the ophyd devices) are made when the program first reads them (`Namespace.__missing__`). The
harness asks `modules_for(source)` which of them a program's text mentions (or whether it reaches names
without writing them), and the sandbox imports those before the program's process is forked (outside its
limits, kept for every later program), as it always did.
"""

from __future__ import annotations

import ctypes  # noqa: F401  (loaded here: importing it opens a library, which a program's audit hook refuses)
import importlib
import math
import sys
import time
from collections.abc import Callable
from typing import Any

from twinbench.twins.beamline import operator, pvs
from twinbench.twins.link import Channel, Link, patch_time
from twinbench.twins.preload import word_modules

NUMPY = ("numpy",)
BLUESKY = (*NUMPY, "bluesky", "bluesky.plans", "bluesky.plan_stubs", "ophyd", "twinbench.twins.beamline.devices",
           "twinbench.twins.beamline.vloop")
DEVICES = (*pvs.MOTORS, *pvs.DETECTORS)
# Words of a program that reaches its names without writing them: the stacks are loaded first for it too (a
# stack first imported after the program started meets its audit hook, which refuses what ophyd.sim does).
DYNAMIC = ("globals", "locals", "vars", "eval", "exec", "getattr", "__dict__", "__import__", "importlib", "f_globals",
           "__main__", "__builtins__")
_WORDS = {"np": NUMPY, "numpy": NUMPY, "RE": BLUESKY, "bp": BLUESKY, "bps": BLUESKY, "bluesky": BLUESKY,
          "ophyd": BLUESKY, **{name: BLUESKY for name in (*DEVICES, *DYNAMIC)}}
modules_for = word_modules(_WORDS)  # the sandbox loads them first


def _numpy(link: Link) -> dict[str, Any]:
    import numpy

    return {"np": numpy, "numpy": numpy}


def _run_engine(link: Link) -> dict[str, Any]:
    from bluesky import RunEngine

    from twinbench.twins.beamline.vloop import VirtualTimeLoop

    return {"RE": RunEngine({}, loop=VirtualTimeLoop(link))}


def _module(name: str, alias: str) -> Callable[[Link], dict[str, Any]]:
    return lambda link: {alias: importlib.import_module(name)}


def _devices(link: Link) -> dict[str, Any]:
    from twinbench.twins.beamline.devices import make_devices

    return make_devices(link)


LAZY: dict[str, Callable[[Link], dict[str, Any]]] = {
    "np": _numpy, "numpy": _numpy, "RE": _run_engine, "bp": _module("bluesky.plans", "bp"),
    "bps": _module("bluesky.plan_stubs", "bps"), **{name: _devices for name in DEVICES},
}


class Namespace(dict):
    """A program's globals; a name of `LAZY` is made (with those made along with it) the first time it is read."""

    def __init__(self, link: Link, names: dict[str, Any]):
        super().__init__(names)
        self.link = link

    def __missing__(self, name: str) -> Any:
        make = LAZY.get(name)
        if make is None:
            raise KeyError(name)
        for key, value in make(self.link).items():
            self.setdefault(key, value)  # a name the program has bound meanwhile stays its own
        return dict.__getitem__(self, name)


def _limit_error(message: str) -> Exception:
    """ophyd's LimitError; a program that loaded no ophyd cannot tell it from this stand-in of the same name."""
    errors = sys.modules.get("ophyd.utils.errors")
    return errors.LimitError(message) if errors is not None else LimitError(message)


class LimitError(ValueError):
    """A soft limit refused the command (ophyd's LimitError, when ophyd is not loaded)."""


ERRORS: dict[str, Callable[[str], Exception]] = {"safety": _limit_error}


def namespace(channel: Channel) -> dict[str, Any]:
    """Bind everything to a link over `channel` and return the program's globals (with `sam = Sample('test')`)."""
    link = Link(channel, ERRORS)
    patch_time(link)
    operator.connect(link)
    names: dict[str, Any] = {"__name__": "__main__", "time": time, "math": math}
    names |= {obj.__name__: obj for obj in operator.COMMANDS if hasattr(obj, "__name__")}
    names |= {"beam": operator.beam, "sam": operator.Sample("test")}
    return Namespace(link, names)
