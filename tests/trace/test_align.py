"""The optimal aligner: provably minimum cost, valid, and value-aware."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import agree, brute_force, edited, events, trace_of

from twinbench.trace import align as align_mod
from twinbench.trace.align import DEL, INS, MATCH, MISMATCH, SUB, align_difflib, align_optimal
from twinbench.trace.canonical import canonicalize
from twinbench.trace.config import ScoringConfig
from twinbench.trace.model import Event

CONFIG = ScoringConfig.build("default", {"simultaneity_eps": None, "continuous_channels": {}})


def _canon(evs):
    return canonicalize(trace_of(evs), CONFIG)


def _check_valid(al, gt, pred):
    """Every event appears exactly once, in order; pairs only join one channel; kinds tell the truth."""
    assert [g for g in al.gt.tolist() if g >= 0] == list(range(len(gt)))
    assert [p for p in al.pred.tolist() if p >= 0] == list(range(len(pred)))
    for g, p, k in zip(al.gt.tolist(), al.pred.tolist(), al.kind.tolist(), strict=True):
        if k == MATCH:
            assert gt[g].channel == pred[p].channel and agree(gt[g].value, pred[p].value)
        elif k == SUB:
            assert gt[g].channel == pred[p].channel and not agree(gt[g].value, pred[p].value)
        elif k == DEL:
            assert g >= 0 and p < 0
        elif k == INS:
            assert g < 0 and p >= 0
        else:
            pytest.fail(f"optimal aligner produced kind {k}")


@settings(max_examples=600, deadline=None)
@given(events(), events())
def test_cost_equals_brute_force_minimum(gt, pred):
    al = align_optimal(_canon(gt), _canon(pred), CONFIG.comparators)
    assert (al.cost, al.counts()["match"]) == brute_force(gt, pred)
    _check_valid(al, gt, pred)


def test_among_minimum_cost_alignments_the_most_matches_win():
    """Two substitutions and delete-match-insert both cost 2; only the second matches anything."""
    gt = [Event("a", 0, 0), Event("a", 0, 1)]
    pred = [Event("a", 0, 1), Event("a", 0, 2)]
    al = align_optimal(_canon(gt), _canon(pred), CONFIG.comparators)
    assert al.cost == 2 and al.counts()["match"] == 1
    assert al.kind.tolist() == [DEL, MATCH, INS]


def _assert_optimal_with(gt, pred, stride: int, band: int) -> None:
    """Align with a given checkpoint stride and first-pass band; the cost must be the brute-force minimum."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(align_mod, "CHECKPOINT_STRIDE", stride)
        mp.setattr(align_mod, "BAND_HALF_WIDTH", band)
        al = align_optimal(_canon(gt), _canon(pred), CONFIG.comparators)
    assert (al.cost, al.counts()["match"]) == brute_force(gt, pred)
    _check_valid(al, gt, pred)


@settings(max_examples=300, deadline=None)
@given(events(max_size=24, channels=["a", "b"], values=(0, 1)), events(max_size=24, channels=["a", "b"], values=(0, 1)),
       st.sampled_from([1, 2, 3, 5]), st.sampled_from([0, 1, 2, 3]))
def test_checkpoints_and_band_keep_it_optimal(gt, pred, stride, band):
    """Small strides exercise the segment recomputation; a narrow band gives a loose upper bound."""
    _assert_optimal_with(gt, pred, stride, band)


_WORDY = {"channels": ["a", "b", "c"], "values": (0, 1, 0.0006, 0.0012, "on")}


@st.composite
def _long_pairs(draw):
    gt = draw(events(min_size=60, max_size=400, **_WORDY))
    pred = draw(st.one_of(edited(gt, **_WORDY), events(min_size=0, max_size=400, **_WORDY)))
    return gt, pred


@settings(max_examples=200, deadline=None)
@given(_long_pairs(), st.booleans(), st.sampled_from([1, 7, 64]), st.sampled_from([0, 5, 70]))
def test_many_words_stay_optimal(pair, swap, stride, band):
    """Hundreds of rows, similar or unrelated: carries cross machine words, bands start and end mid-word;
    0.0006 agrees with both 0 and 0.0012, which do not agree with each other (tolerance is not an equivalence)."""
    gt, pred = pair[::-1] if swap else pair
    _assert_optimal_with(gt, pred, stride, band)


@pytest.mark.parametrize(("n", "m"), [(3000, 0), (0, 3000), (3000, 7), (40, 5000)])
def test_very_unequal_lengths_stay_linear(n, m):
    """D ~ |n - m| here; an O(D^2) method took 30 min for 100k events against nothing."""
    gt = [Event("x", 0, float(i)) for i in range(n)]
    pred = [Event("x", 0, float(i)) for i in range(m)]
    cfg = ScoringConfig.build("default", {"simultaneity_eps": None})
    al = align_optimal(canonicalize(trace_of(gt), cfg), canonicalize(trace_of(pred), cfg), cfg.comparators)
    assert al.cost == abs(n - m)
    assert al.counts()["match"] == min(n, m)


def test_different_channels_never_pair():
    gt = [Event("motor:x", 0, 1.0)]
    pred = [Event("motor:y", 0, 1.0)]
    al = align_optimal(_canon(gt), _canon(pred), CONFIG.comparators)
    assert sorted(al.kind.tolist()) == [DEL, INS]


def test_value_change_is_a_substitution_not_two_gaps():
    gt = [Event("x", 0, 1.0), Event("x", 0, 2.0), Event("x", 0, 3.0)]
    pred = [Event("x", 0, 1.0), Event("x", 0, 2.5), Event("x", 0, 3.0)]
    al = align_optimal(_canon(gt), _canon(pred), CONFIG.comparators)
    assert al.kind.tolist() == [MATCH, SUB, MATCH]


def test_repetitive_scan_is_aligned_by_value():
    """A deleted first point must not shift the whole scan (difflib's channel-only failure)."""
    unit = lambda x: [Event("x", 0, x), Event("acq", 0, 1), Event("acq", 0, 0)]  # noqa: E731
    gt = [e for x in range(20) for e in unit(float(x))]
    pred = gt[3:]
    al = align_optimal(_canon(gt), _canon(pred), CONFIG.comparators)
    assert al.counts()["match"] == len(pred) and al.counts()["missing"] == 3


def test_difflib_aligner_counts_cross_channel_pairs_as_mismatch():
    gt = [Event("motor:x", 0, 1.0), Event("det", 0, 1)]
    pred = [Event("motor:y", 0, 1.0), Event("det", 0, 1)]
    al = align_difflib(_canon(gt), _canon(pred), CONFIG.comparators)
    assert al.kind.tolist() == [MISMATCH, MATCH]
    assert al.cost == 2


def test_large_pair_aligns_to_the_edit_count():
    from twinbench.trace.synthetic import pair

    gt, pred = pair(20_000, "periodic", 0.02, seed=3)
    cfg = ScoringConfig.build("default", {"simultaneity_eps": None})
    al = align_optimal(canonicalize(gt, cfg), canonicalize(pred, cfg), cfg.comparators)
    edits = abs(len(gt) - len(pred))
    assert edits <= al.cost <= 0.03 * len(gt)
    assert np.all(np.diff(al.gt[al.gt >= 0]) == 1)


def _row_by_row_cost(gt, pred, tol: float = 1e-3) -> int:
    """The full O(nm) table for numeric traces, one numpy row at a time (independent of the aligner)."""
    gch = np.array([e.channel for e in gt])
    pch = np.array([e.channel for e in pred])
    gv = np.array([float(e.value) for e in gt])
    pv = np.array([float(e.value) for e in pred])
    m = len(pred)
    cols = np.arange(m + 1)
    prev = cols.astype(np.int64)
    for i in range(1, len(gt) + 1):
        same = pch == gch[i - 1]
        diag = np.where(same, prev[:-1] + (np.abs(pv - gv[i - 1]) > tol), np.iinfo(np.int64).max // 2)
        best = np.minimum(np.r_[i, diag], prev + 1)  # diagonal or from above; then runs of insertions:
        prev = cols + np.minimum.accumulate(best - cols)
    return int(prev[-1])


@pytest.mark.parametrize("kind", ["random", "periodic"])
@pytest.mark.parametrize("edits", [0.02, 0.3])
def test_synthetic_pairs_cost_the_full_table_minimum(kind, edits):
    """Realistic pairs of 1,500 events: many words, two passes, checkpoints; cost equals the full table's."""
    from twinbench.trace.synthetic import pair

    gt, pred = pair(1500, kind, edits, seed=11)
    cfg = ScoringConfig.build("default", {"simultaneity_eps": None})
    cg, cp = canonicalize(gt, cfg), canonicalize(pred, cfg)
    al = align_optimal(cg, cp, cfg.comparators)
    ordered = lambda c: [Event(ch, 0.0, v) for ch, v in zip(c.channel, c.value, strict=True)]  # noqa: E731
    assert al.cost == _row_by_row_cost(ordered(cg), ordered(cp))
    _check_valid(al, ordered(cg), ordered(cp))
