"""The bubblewrap command keeps the package visible wherever it is installed, /tmp included."""

from __future__ import annotations

import os

import twinbench
from twinbench.sandbox import bwrap


def test_package_dir_is_bound_after_the_private_tmp(monkeypatch):
    here = os.path.dirname(os.path.dirname(os.path.realpath(twinbench.__file__)))
    assert here in bwrap.python_roots() or any(here.startswith(r + os.sep) for r in bwrap.python_roots())
    monkeypatch.setattr(bwrap, "python_roots", lambda: ["/tmp/checkout/src"])
    args = bwrap.command("bwrap", 64)
    tmpfs = args.index("--tmpfs")
    bind = [i for i, a in enumerate(args) if a == "--ro-bind" and args[i + 1] == "/tmp/checkout/src"]
    assert bind and bind[0] > tmpfs  # mounted on top of the private /tmp, not hidden by it
