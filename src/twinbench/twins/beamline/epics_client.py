"""The namespace of a program that reaches the beamline over EPICS Channel Access (`twinbench check --epics`).

Nothing of twinbench: an unmodified pyepics, ophyd or bluesky program, with the environment of a client that
searches 127.0.0.1 of its sandbox only, where the harness serves the twin on the default port (5064). The
program sends no commands to the harness; the server records what it does. pyepics is imported with this
module, once per sandbox (it starts no thread until its first call: a fork is safe).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from typing import Any

from twinbench.twins.beamline.pvs import LOOPBACK
from twinbench.twins.preload import word_modules

with contextlib.suppress(ImportError):  # a program importing it meets the error itself
    import epics

# A CA client loads libca (ctypes) and opens sockets; the sandbox's namespaces bound what it reaches.
AUDIT_ALLOWS = ("ctypes.", "socket.")
# Loaded before the program's process is forked when its text names them. Never ophyd: importing it starts
# libca's threads, which a fork does not carry over.
_WORDS = {"np": ("numpy",), "numpy": ("numpy",), "bluesky": ("numpy", "bluesky", "bluesky.plans",
                                                             "bluesky.plan_stubs")}
modules_for = word_modules(_WORDS)
M_ARENA_MAX = -8  # mallopt: how many malloc arenas threads share


def namespace(channel: Any) -> dict[str, Any]:
    """A plain `__main__`, with the client environment set for the libraries the program imports."""
    os.environ.update(LOOPBACK)
    # libca, ophyd and bluesky start a dozen threads; a malloc arena of each one's own would reserve 64 MB of
    # address space, counted against the program's memory limit. One arena for all.
    ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1)
    if "epics" in globals():  # libca's path, found before the audit hook (pyepics runs `file` to find it)
        os.environ["PYEPICS_LIBCA"] = epics.ca.find_libca()
    return {"__name__": "__main__"}
