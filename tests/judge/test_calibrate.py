"""Calibration: cases from references, the agreement report against nominal targets and expert scores."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import numpy as np
import pytest
from judge_fakes import FakeProvider, grade_by_difference
from scipy import stats

from twinbench.analysis import bin_grades, krippendorff_alpha
from twinbench.errors import InputError
from twinbench.judge import Rubric, calibrate, make_cases, read_expert_scores, read_references
from twinbench.judge.calibrate import NOMINAL
from twinbench.store import Store

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "simbench-sample"


def test_references_come_smallest_first_from_a_release_or_a_folder(tmp_path):
    refs = read_references(SAMPLE, limit=2)
    assert list(refs) == ["pendulum/truth1", "pendulum/truth2"]
    (tmp_path / "b.py").write_text("x = 1\n" * 5)
    (tmp_path / "a.py").write_text("x = 1\n")
    assert list(read_references(tmp_path)) == ["a", "b"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no reference programs"):
        read_references(tmp_path / "empty")


def test_report_measures_agreement_with_nominal_targets(tmp_path):
    cases = make_cases(read_references(SAMPLE, limit=1), ["wrong_api", "missing_step"])
    assert [c.level for c in cases] == ["reference", "mild", "severe", "mild", "severe"]
    judge = FakeProvider("fake", grade_by_difference)
    report = asyncio.run(calibrate(Store.open(tmp_path / "s.sqlite"), cases, {"fake": judge}, Rubric.load()))
    grades = np.array([r.grade for r in report.cases])
    targets = np.array([NOMINAL[c.level] for c in cases])
    assert report.graded == 5 and report.ordered is True
    assert report.level_means["reference"] == 100
    assert report.spearman.value == pytest.approx(stats.spearmanr(grades, targets).statistic)
    assert report.kendall.value == pytest.approx(stats.kendalltau(grades, targets).statistic)
    assert report.spearman.lo <= report.spearman.value <= report.spearman.hi
    assert report.mae == pytest.approx(np.mean(np.abs(grades - targets)))
    expected_alpha = krippendorff_alpha(np.vstack([bin_grades(grades), bin_grades(targets)]), "ordinal")
    assert report.krippendorff_alpha_binned == pytest.approx(expected_alpha)
    assert report.kind_means["wrong_api"] is not None and report.judge_run.startswith("judge/ref/calibration/")


def test_expert_scores_replace_the_nominal_targets(tmp_path):
    cases = make_cases(read_references(SAMPLE, limit=1), ["changed_constant"])
    csv_file = tmp_path / "experts.csv"
    csv_file.write_text("case_id,score\n" + "\n".join(f"{c.case_id},{90 - 10 * i}" for i, c in enumerate(cases)))
    expert = read_expert_scores(csv_file, {c.case_id for c in cases})
    judge = FakeProvider("fake", lambda p, k: "[[70]]")
    report = asyncio.run(
        calibrate(Store.open(tmp_path / "s.sqlite"), cases, {"fake": judge}, Rubric.load(), expert=expert)
    )
    assert report.target == "expert" and [r.target for r in report.cases] == [90, 80, 70]
    assert report.mae == pytest.approx(10.0) and report.spearman.value is None  # a constant judge has no rank
    assert report.ordered is False and math.isclose(report.level_means["severe"], 70)


def test_bad_expert_csv_is_a_one_line_error(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("case_id,score\nnope,5\n")
    with pytest.raises(InputError, match="line 2: unknown case id 'nope'"):
        read_expert_scores(bad, {"a:reference"})
    bad.write_text("case_id,score\na:reference,high\n")
    with pytest.raises(InputError, match="'high' is not a number"):
        read_expert_scores(bad, {"a:reference"})
