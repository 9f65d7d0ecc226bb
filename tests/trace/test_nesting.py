"""The bracket scanner shared by the input checks: depth of JSON documents, strings and keys aside."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from twinbench.nesting import brackets, max_depth

# Strings full of brackets, quotes and escapes: none of them may count.
tricky = st.text(alphabet='[]{}"\\:ab \n', max_size=6)
documents = st.recursive(st.one_of(st.none(), st.integers(), tricky),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky, inner, max_size=3),
                         max_leaves=12)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@given(documents, st.sampled_from([None, 1]))
def test_max_depth_is_the_depth_of_the_document(value, indent):
    assert max_depth(json.dumps(value, indent=indent)) == depth(value)


@given(st.dictionaries(tricky, st.integers(), max_size=4))
def test_keys_come_at_the_depth_of_their_object_as_written(obj):
    text = json.dumps([obj])
    keys = [(d, key) for d, token, key in brackets(text) if token == ":"]
    assert keys == [(2, json.dumps(k)[1:-1]) for k in obj]


def test_a_quote_that_closes_no_string_on_its_line_hides_nothing():
    assert max_depth('"[[" [') == 1
    assert max_depth('"[\n[') == 2
