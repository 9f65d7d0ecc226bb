"""The frame layer: whatever bytes arrive, the trusted side gets plain bounded data or a ProtocolError."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinbench.sandbox import frames, messages
from twinbench.sandbox.frames import FrameReader, FrameTooLarge, ProtocolError

PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63) + 1, 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


def _depth(value) -> int:
    if isinstance(value, dict | list):
        items = value.values() if isinstance(value, dict) else value
        return 1 + max((_depth(v) for v in items), default=0)
    return 0


@given(PLAIN)
def test_plain_values_round_trip(value):
    if _depth(value) <= frames.MAX_DEPTH:
        assert FrameReader().feed(frames.encode(value)) == [value]


@given(st.binary(max_size=200))
def test_any_bytes_are_plain_data_or_a_protocol_error(data):
    try:
        decoded = FrameReader().feed(data)
    except ProtocolError:
        return
    for value in decoded:
        frames.check_plain(value)


@given(st.text(max_size=200))
def test_any_text_frame_body_is_plain_data_or_a_protocol_error(text):
    try:
        value = frames.decode(text.encode())
    except ProtocolError:
        return
    frames.check_plain(value)


@pytest.mark.parametrize("body", [
    b"1e999", b"-1e400", b"NaN", b"[Infinity]", b"1" * 30, b"-" + b"9" * 4500, b"[" * 30000 + b"]" * 30000,
    json.dumps({"a": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}).encode(), b"\xff", b'{"a": 1',
])
def test_out_of_range_deep_or_malformed_values_are_refused(body):
    with pytest.raises(ProtocolError):
        frames.decode(body)


def test_a_frame_over_the_budget_is_too_large_and_over_the_protocol_is_garbage():
    with pytest.raises(FrameTooLarge):
        FrameReader(100).feed(frames.encode("x" * 200))
    with pytest.raises(ProtocolError) as info:
        FrameReader(100).feed(b"\xff\xff\xff\xffjunk")
    assert not isinstance(info.value, FrameTooLarge)


@pytest.mark.parametrize("frame", [
    [1], {"op": "x"}, {"op": 1, "args": {}}, {"op": "", "args": {}}, {"op": "sleep", "args": [1]},
    {"op": "sleep", "args": {}, "t": 0}, {"op": "done", "args": {"status": "error", "type": "E"}},
    {"op": "done", "args": {"status": "error", "type": 1, "message": "m"}},
    {"op": "done", "args": {"status": "forbidden"}}, {"op": "done", "args": {"status": "ok", "type": "E"}},
    {"op": "done", "args": {"status": "ok", "extra": 1}}, {"op": "audit", "args": {"event": 1}},
    {"op": "done", "args": {"status": "error", "type": "E", "message": "m", "line": "3"}},
])
def test_malformed_messages_are_protocol_errors(frame):
    with pytest.raises(ProtocolError):
        messages.parse(frame)


def test_well_formed_messages_parse():
    assert messages.parse({"op": "sleep", "args": {"seconds": 1}}) == ("sleep", {"seconds": 1})
    op, done = messages.parse({"op": "done", "args": {"status": "error", "type": "E", "message": "", "line": 2}})
    assert op == "done" and (done.type, done.line) == ("E", 2)
    assert messages.parse({"op": "done", "args": {"status": "ok"}})[1].status == "ok"
    assert math.isfinite(frames.decode(b"1e308"))
