"""Correlations, bootstrap CIs, AUROC, paired differences, turn deltas (scores and passes) and Krippendorff's alpha."""

from __future__ import annotations

import itertools
import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from twinbench.analysis import (
    auroc,
    auroc_ci,
    bin_grades,
    correlation,
    correlation_ci,
    krippendorff_alpha,
    paired_difference_ci,
    pass_change,
    turn_delta,
)

values = st.lists(st.integers(0, 6), min_size=3, max_size=25)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_correlations_equal_scipy_including_ties(data):
    x = np.array(data.draw(values), float)
    y = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(x), max_size=len(x))), float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        assert all(math.isnan(correlation(x, y, m)) for m in ("spearman", "kendall", "pearson"))
        return
    assert correlation(x, y, "spearman") == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    assert correlation(x, y, "kendall") == pytest.approx(stats.kendalltau(x, y).statistic, abs=1e-12)
    assert correlation(x, y, "pearson") == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=2, max_size=30))
def test_auroc_is_the_pairwise_probability(pairs):
    scores = np.array([p[0] for p in pairs], float)
    labels = np.array([p[1] for p in pairs])
    pos, neg = scores[labels], scores[~labels]
    if not len(pos) or not len(neg):
        assert math.isnan(auroc(scores, labels))
        return
    brute = np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a, b in itertools.product(pos, neg)])
    assert auroc(scores, labels) == pytest.approx(brute)


def test_bootstrap_ci_brackets_the_value_is_seeded_and_narrows_with_n():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = x + rng.normal(size=400)
    small = correlation_ci(x[:30], y[:30], "spearman", 1000, seed=1)
    assert small.lo < small.value < small.hi and small.n == 30
    assert correlation_ci(x[:30], y[:30], "spearman", 1000, seed=1) == small
    large = correlation_ci(x, y, "spearman", 1000, seed=1)
    assert large.hi - large.lo < small.hi - small.lo
    assert correlation_ci(x, y, "kendall", 0).lo is None


def test_auroc_ci_and_the_paired_difference():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 200).astype(float)
    good, weak = y + rng.normal(0, 0.5, 200), y + rng.normal(0, 3, 200)
    roc = auroc_ci(good, y > 0, 500)
    assert roc.lo < roc.value < roc.hi and roc.value > 0.8
    diff = paired_difference_ci(good, weak, y, "spearman", 500)
    assert diff.value == pytest.approx(correlation(good, y, "spearman") - correlation(weak, y, "spearman"))
    assert diff.lo > 0


def test_turn_delta_matches_scipy_and_counts_shares():
    before = [10, 20, 30, 40, 50, 60]
    after = [15, 18, 30, 55, 70, 61]
    d = turn_delta(before, after, 1, 2)
    deltas = np.subtract(after, before)
    assert d.mean == pytest.approx(deltas.mean()) and d.median == pytest.approx(np.median(deltas))
    assert d.share_improving == pytest.approx(4 / 6) and d.share_declining == pytest.approx(1 / 6)
    assert d.wilcoxon_p == pytest.approx(stats.wilcoxon(deltas).pvalue)
    assert turn_delta([1, 2], [1, 2], 2, 3).wilcoxon_p is None
    assert turn_delta([], [], 1, 2).n == 0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=40))
def test_pass_change_is_the_rate_difference_with_an_exact_mcnemar_p_symmetric_in_direction(pairs):
    before, after = [b for b, _ in pairs], [a for _, a in pairs]
    change = pass_change(before, after, 1, 2)
    assert change.n == len(pairs) and change.gained + change.lost <= len(pairs)
    back = pass_change(after, before, 2, 1)
    assert (back.gained, back.lost) == (change.lost, change.gained) and back.mcnemar_p == change.mcnemar_p
    if not pairs:
        assert change.change is None and change.mcnemar_p is None
        return
    assert change.change == pytest.approx(np.mean(after) - np.mean(before), abs=1e-12)
    assert back.change == pytest.approx(-change.change, abs=1e-12)
    discordant = sum(b != a for b, a in pairs)
    assert change.gained + change.lost == discordant
    expected = stats.binomtest(change.gained, discordant, 0.5).pvalue if discordant else 1.0
    assert 0 < change.mcnemar_p <= 1 and change.mcnemar_p == pytest.approx(expected, rel=1e-12)


def test_krippendorff_alpha_and_binning():
    assert list(bin_grades([0, 19.9, 20, 99, 100, float("nan")])[:5]) == [0, 0, 1, 4, 4]
    assert math.isnan(bin_grades([float("nan")])[0])
    ratings = np.array([[1, 2, 3, 3, 4, np.nan], [1, 2, 3, 4, 4, 2]], float)
    assert krippendorff_alpha(ratings, "ordinal") == pytest.approx(
        krippendorff.alpha(reliability_data=ratings, level_of_measurement="ordinal")
    )
    assert krippendorff_alpha(np.array([[1, 2, 3], [1, 2, 3]], float)) == pytest.approx(1.0)
    assert math.isnan(krippendorff_alpha(np.array([[2, 2], [2, 2]], float)))
