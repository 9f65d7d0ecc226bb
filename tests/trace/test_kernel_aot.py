"""The aligner's core built ahead of time gives exactly what numba's just-in-time build gives, and a fresh
process that scores loads neither numba nor LLVM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import edited, events, trace_of

from twinbench.trace import _kernel, kernel
from twinbench.trace import align as align_mod
from twinbench.trace.canonical import canonicalize
from twinbench.trace.config import ScoringConfig
from twinbench.trace.synthetic import pair

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = ScoringConfig.build("default", {"simultaneity_eps": None, "continuous_channels": {}})


@pytest.fixture(scope="module")
def aot():
    """The ahead-of-time build of this checkout (`pip install -e .` makes it; so does
    `python -m twinbench.trace._kernel_build` from src/)."""
    try:
        from twinbench.trace import _kernel_aot
    except ImportError:
        pytest.fail("twinbench.trace._kernel_aot is not built: run `pip install -e .`")
    assert _kernel_aot.source_stamp() == kernel.source_stamp(), "_kernel_aot is stale: run `pip install -e .`"
    return _kernel_aot


def _align_with(core, gt, pred, stride: int = 64, band: int = 128):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(align_mod, "_core", lambda: core)
        mp.setattr(align_mod, "CHECKPOINT_STRIDE", stride)
        mp.setattr(align_mod, "BAND_HALF_WIDTH", band)
        al = align_mod.align_optimal(gt, pred, CONFIG.comparators)
    return al.gt.tolist(), al.pred.tolist(), al.kind.tolist()


_WORDY = {"channels": ["a", "b", "c"], "values": (0, 1, 0.0006, 0.0012, "on", 2.5)}


@st.composite
def _pairs(draw):
    gt = draw(events(min_size=0, max_size=300, **_WORDY))
    pred = draw(st.one_of(edited(gt, **_WORDY), events(min_size=0, max_size=300, **_WORDY)))
    return canonicalize(trace_of(gt), CONFIG), canonicalize(trace_of(pred), CONFIG)


@settings(max_examples=300, deadline=None)
@given(_pairs(), st.sampled_from([1, 5, 64]), st.sampled_from([0, 3, 128]))
def test_ahead_of_time_rows_equal_just_in_time_rows(aot, pair_, stride, band):
    """Every row (gt index, pred index, kind): both passes, checkpoints, the most-matches pass."""
    gt, pred = pair_
    assert _align_with(aot, gt, pred, stride, band) == _align_with(_kernel, gt, pred, stride, band)


@pytest.mark.parametrize(("kind", "edits"), [("random", 0.02), ("periodic", 0.3)])
def test_synthetic_pairs_align_identically(aot, kind, edits):
    cfg = ScoringConfig.build("default")
    gt, pred = pair(3000, kind, edits, seed=5)
    cg, cp = canonicalize(gt, cfg), canonicalize(pred, cfg)
    assert _align_with(aot, cg, cp) == _align_with(_kernel, cg, cp)


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.sampled_from([0, 1, 2]), st.floats(0, 1), st.floats(0, 2))
def test_numbers_agree_identically(aot, x, y, mode, atol, rtol):
    assert aot.numbers_agree(x, y, mode, atol, rtol) is bool(_kernel.numbers_agree(x, y, mode, atol, rtol))


def test_a_stale_build_or_twinbench_jit_selects_numba(aot, monkeypatch):
    assert kernel.load() is aot
    monkeypatch.setenv("TWINBENCH_JIT", "1")
    assert kernel.load() is _kernel
    monkeypatch.delenv("TWINBENCH_JIT")
    monkeypatch.setattr(kernel, "source_stamp", lambda: aot.source_stamp() + 1)
    assert kernel.load() is _kernel


SCORE = f"""
import json, sys
from twinbench.trace.io import read_trace
from twinbench.trace.scoring import score_traces
result = score_traces(read_trace({str(EXAMPLES / "gt.json")!r}), read_trace({str(EXAMPLES / "pred.json")!r}))
print(json.dumps({{"score": result.full_score,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("numba", "llvmlite", "scipy"))}}))
"""


def test_a_fresh_process_scores_without_numba_and_as_numba_does(aot):
    runs = {}
    for jit in ("0", "1"):
        proc = subprocess.run([sys.executable, "-c", SCORE], capture_output=True, text=True, timeout=600,
                              env={**os.environ, "TWINBENCH_JIT": jit})
        assert proc.returncode == 0, proc.stderr[-2000:]
        runs[jit] = json.loads(proc.stdout)
    assert runs["0"]["loaded"] == []
    assert "numba" in runs["1"]["loaded"]
    assert runs["0"]["score"] == runs["1"]["score"] and np.isfinite(runs["0"]["score"])
