"""JSON embedded in a page stays data, whatever text a model wrote into it."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from twinbench.report.html import script_json

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(VALUES)
def test_embedded_json_has_no_angle_bracket_and_reads_back_the_same(value):
    text = script_json(value)
    assert "<" not in text
    assert json.loads(text) == value


def test_a_closing_script_tag_in_an_answer_cannot_end_the_element():
    text = script_json({"answer": "</script><script>alert(1)</script>"})
    assert "</script" not in text.lower()
    assert json.loads(text)["answer"] == "</script><script>alert(1)</script>"


def test_non_finite_numbers_become_null():
    assert json.loads(script_json([float("nan"), float("inf"), 1.5])) == [None, None, 1.5]
