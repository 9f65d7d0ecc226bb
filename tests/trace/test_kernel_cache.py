"""The just-in-time aligner (numba; used when the install has no ahead-of-time build, or with TWINBENCH_JIT=1)
is cached on disk where any install can write: a fresh process compiles nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import twinbench.trace._kernel as kernel

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCORE_AND_REPORT = f"""
import json
from numba.core.registry import CPUDispatcher
import twinbench.trace._kernel as kernel
from twinbench.trace.io import read_trace
from twinbench.trace.scoring import score_traces
score_traces(read_trace({str(EXAMPLES / "gt.json")!r}), read_trace({str(EXAMPLES / "pred.json")!r}))
used = [d for d in vars(kernel).values() if isinstance(d, CPUDispatcher) and d.signatures]
print(json.dumps({{"cache_dir": kernel.CACHE_DIR, "misses": sum(len(d.stats.cache_misses) for d in used),
                  "hits": sum(len(d.stats.cache_hits) for d in used),
                  "paths": sorted({{d._cache._cache_path for d in used}})}}))
"""


def fresh_process() -> dict:
    proc = subprocess.run([sys.executable, "-c", SCORE_AND_REPORT], capture_output=True, text=True,
                          env={**os.environ, "TWINBENCH_JIT": "1"}, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.splitlines()[-1])


def test_a_second_fresh_process_loads_every_function_from_the_cache():
    fresh_process()  # compiles once if this checkout's cache is missing or stale
    report = fresh_process()
    assert report["misses"] == 0
    assert report["hits"] > 0


def test_a_read_only_install_caches_in_the_twinbench_cache(tmp_path):
    """With the package folder read-only (as a system-wide pip install is), the cache goes to $TWINBENCH_CACHE."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is needed to make the package folder read-only for root")
    package = Path(kernel.__file__).parent
    prefix = ["bwrap", "--dev-bind", "/", "/", "--ro-bind", str(package), str(package)]
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"bubblewrap cannot run here: {probe.stderr.strip()}")
    code = "import twinbench.trace._kernel as k; print(k.CACHE_DIR, k.forward._cache._cache_path)"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TWINBENCH_CACHE": str(tmp_path / "tb")}
    out = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    cache_dir, used = out.stdout.split()
    assert cache_dir == str(tmp_path / "tb" / "numba")
    assert used.startswith(cache_dir)
