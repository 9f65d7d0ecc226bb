"""Perturbations of known kind and severity on the sample's reference scripts."""

from __future__ import annotations

import ast
import difflib
from pathlib import Path

import pytest

from twinbench.judge import KINDS, SEVERITIES, perturb

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "simbench-sample"
REFERENCES = sorted(SAMPLE.glob("demo_data/*/cleaned_truth1.py"))


def changed_lines(a: str, b: str) -> int:
    return sum(1 for line in difflib.ndiff(a.splitlines(), b.splitlines()) if line[:1] in "+-")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_parses_differs_and_severe_changes_more(kind):
    for path in REFERENCES:
        code = path.read_text()
        mild, severe = (perturb(code, kind, s) for s in SEVERITIES)
        assert mild is not None and severe is not None, path
        for new, what in (mild, severe):
            ast.parse(new)
            assert new.strip() != code.strip() and what
        assert changed_lines(code, severe[0]) > changed_lines(code, mild[0]), (path, kind)


def test_changes_are_of_the_named_kind():
    code = "import m\nx = m.make(2.5)\nm.run(x)\nprint(x)\nfor i in range(3):\n    m.step(i)\n"
    renamed, what = perturb(code, "wrong_api", "mild", seed=1)
    assert renamed.count("Ex(") == 1 and what.split(" -> ")[1].split()[0] + "(" in renamed
    constants = perturb(code, "changed_constant", "severe")[0]
    assert "(-250.0)" in constants and "(-300)" in constants
    assert "print" not in perturb(code, "missing_output", "severe")[0]
    moved = perturb(code, "swapped_order", "severe")[0].splitlines()
    assert moved.index("for i in range(3):") < moved.index("x = m.make(2.5)")


def test_same_seed_same_variant_and_nothing_when_not_applicable():
    code = REFERENCES[0].read_text()
    assert perturb(code, "missing_step", "mild", seed=3) == perturb(code, "missing_step", "mild", seed=3)
    assert perturb("x = 1\n", "wrong_api", "mild") is None
    assert perturb("x = 1\n", "missing_output", "mild") is None
