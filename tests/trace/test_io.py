"""Trace files: EnvTrace JSON, bare lists, JSONL and the binary `.npz` form; every bad input names file, event
and field."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.errors import InputError
from twinbench.trace.io import _validated, read_trace, write_trace
from twinbench.trace.model import Event, Trace

values = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=5), st.booleans(), st.none())
event_st = st.builds(Event, st.text(min_size=1, max_size=8), st.floats(-1e6, 1e6), values,
                     st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=100, deadline=None)
@given(st.lists(event_st, max_size=20), st.sampled_from(["t.json", "t.jsonl", "t.npz"]))
def test_round_trip(tmp_path_factory, events, name):
    path = tmp_path_factory.mktemp("io") / name
    write_trace(Trace(events), path)
    back = read_trace(path)
    assert back.events == events
    assert back.source == str(path)


def test_reads_bare_list_and_t_alias(tmp_path):
    path = tmp_path / "bare.json"
    events = [{"channel": "x", "timestamp": 1.5, "value": 2}, {"channel": "y", "t": 2, "value": "a"}]
    path.write_text(json.dumps(events))
    trace = read_trace(path)
    assert [(e.channel, e.t, e.value) for e in trace] == [("x", 1.5, 2), ("y", 2.0, "a")]


@pytest.mark.parametrize(
    ("text", "suffix", "expected"),
    [
        ('{"events": [{"channel": "x", "timestamp": 1', ".json", "malformed JSON at line 1"),
        ('{"events": [{"channel": "x", "value": 1}]}', ".json", "event 0: field 'timestamp'"),
        ('{"events": [{"channel": "x", "timestamp": 0}, {"timestamp": 1}]}', ".json", "event 1: field 'channel'"),
        ('{"events": [{"channel": "x", "timestamp": NaN}]}', ".json", "event 0: field 'timestamp'"),
        ('{"events": [{"channel": "x", "timestamp": 0, "value": Infinity}]}', ".json", "event 0: field 'value'"),
        ('{"events": [{"channel": 5, "timestamp": 0}]}', ".json", "event 0: field 'channel'"),
        ('{"events": [7]}', ".json", "event 0: expected an object"),
        ('{"schema_version": "9", "events": []}', ".json", "field 'schema_version'"),
        ('{"evts": []}', ".json", "field 'events'"),
        ('{"channel": "x", "timestamp": 0}\n{"channel": "x", "timestamp": "soon"}\n', ".jsonl",
         "event 1: field 'timestamp'"),
        ('{"channel": "x", "timestamp": 0}\n{oops\n', ".jsonl", "line 2: malformed JSON"),
        ('[{"channel": "x", "t": 0, "value": {"a": [1, NaN]}}]', ".json", "event 0: field 'value': must be finite"),
        ('[{"channel": "x", "t": 0, "meta": {"u": [-Infinity]}}]', ".json", "event 0: field 'meta': must be finite"),
        ('[{"channel": "x", "t": 0, "value": ' + "9" * 400 + "}]", ".json", "event 0: field 'value': integer too"),
        ('[{"channel": "x", "t": ' + "9" * 400 + "}]", ".json", "event 0: field 'timestamp'"),
        ('[{"channel": "x", "t": true}]', ".json", "event 0: field 'timestamp'"),
        ('[{"channel": "x", "t": 0, "meta": [1]}]', ".json", "event 0: field 'meta': must be an object"),
        ('[{"channel": "x", "t": 0, "value": ' + "[" * 100_000 + "]" * 100_000 + "}]", ".json",
         "event 0: field 'value': nested more than 64 levels deep"),
        ('{"channel": "x", "t": 0}\n{"channel": "x", "t": 1, "value": [NaN]}\n', ".jsonl", "event 1: field 'value'"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_bad_input_names_file_item_and_field(tmp_path, text, suffix, expected):
    path = tmp_path / f"bad{suffix}"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_trace(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_non_utf8_file_names_the_byte(tmp_path):
    path = tmp_path / "bin.json"
    path.write_bytes(b'[{"channel": "\xff"}]')
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_trace(path)


@settings(max_examples=100, deadline=None)
@given(st.lists(event_st, max_size=20), st.sampled_from(["t.json", "t.npz"]))
def test_columns_hold_the_events(tmp_path_factory, events, name):
    path = tmp_path_factory.mktemp("io") / name
    write_trace(Trace(events), path)
    trace = read_trace(path)
    assert np.asarray(trace.t).dtype == np.float64 and list(trace.t) == [e.t for e in events]
    assert trace.channel == [e.channel for e in events]
    assert trace.value == [e.value for e in events]
    assert trace.meta == [e.meta for e in events]


json_values = st.recursive(values, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3),
                                                                                             inner, max_size=3),
                           max_leaves=8)
raw_events = st.lists(st.fixed_dictionaries(
    {"channel": st.one_of(st.text(max_size=3), st.integers(), st.none())},
    optional={"timestamp": st.one_of(st.floats(), st.integers(), st.booleans(), st.text(max_size=2)),
              "t": st.floats(allow_nan=False), "value": st.one_of(json_values, st.floats()),
              "meta": st.one_of(st.none(), st.dictionaries(st.text(max_size=2), json_values, max_size=2),
                                st.integers())}), max_size=8)


@settings(max_examples=300, deadline=None)
@given(raw_events)
def test_column_checks_agree_with_event_by_event_validation(tmp_path_factory, raws):
    """The fast column-at-a-time path accepts exactly what event-by-event validation accepts, and yields the
    same trace; what it refuses is refused with the same one-line message."""
    path = tmp_path_factory.mktemp("io") / "t.json"
    path.write_text(json.dumps(raws))
    try:
        expected = _validated(json.loads(path.read_text()), str(path))
    except InputError as exc:
        with pytest.raises(InputError) as err:
            read_trace(path)
        assert str(err.value) == str(exc)
    else:
        assert read_trace(path) == expected


def _names(*names: str) -> np.ndarray:
    return np.frombuffer(json.dumps(names).encode(), np.uint8)


@pytest.mark.parametrize(
    ("arrays", "expected"),
    [
        ({"channel": np.zeros(1, np.int32), "t": np.zeros(1)}, "field 'channels': not a twinbench trace: no array"),
        ({"channels": np.zeros(1), "channel": np.zeros(1, np.int32), "t": np.zeros(1), "value": np.zeros(1)},
         "array 'channels': malformed JSON"),
        ({"channels": _names('x'), "channel": np.ones(1, np.int32), "t": np.zeros(1), "value": np.zeros(1)},
         "field 'channel': must be int32 indices"),
        ({"channels": _names('x'), "channel": np.zeros(2, np.int32), "t": np.zeros(1), "value": np.zeros(2)},
         "field 't': must be float64"),
        ({"channels": _names('x'), "channel": np.zeros(1, np.int32), "t": np.array([np.nan]),
          "value": np.zeros(1)}, "event 0: field 'timestamp': must be a finite number"),
        ({"channels": _names('x', ''), "channel": np.array([0, 1], np.int32), "t": np.zeros(2),
          "value": np.zeros(2)}, "event 1: field 'channel': must be a non-empty string"),
        ({"channels": _names('x'), "channel": np.zeros(2, np.int32), "t": np.zeros(2),
          "value": np.array([1.0, np.inf])}, "event 1: field 'value': must be finite"),
        ({"channels": _names('x'), "channel": np.zeros(1, np.int32), "t": np.zeros(1),
          "value": np.frombuffer(b"[1, 2]", np.uint8)}, "field 'value': must list one entry per event"),
        ({"channels": _names('x'), "channel": np.zeros(1, np.int32), "t": np.zeros(1),
          "value": np.frombuffer(b"[1", np.uint8)}, "array 'value': malformed JSON"),
        ({"channels": _names('x'), "channel": np.zeros(1, np.int32), "t": np.zeros(1), "value": np.zeros(1),
          "meta": np.frombuffer(b"[[1]]", np.uint8)}, "event 0: field 'meta': must be an object"),
        ({"channels": _names('x'), "channel": np.zeros(1, np.int32), "t": np.zeros(1),
          "value": np.array([None])}, "not a readable .npz trace"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_binary_trace_names_file_item_and_field(tmp_path, arrays, expected):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(InputError) as err:
        read_trace(path)
    message = str(err.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message


def test_binary_file_that_is_not_a_zip_is_an_input_error(tmp_path):
    path = tmp_path / "t.npz"
    path.write_text("[]")
    with pytest.raises(InputError, match="not a readable .npz trace"):
        read_trace(path)


@pytest.mark.parametrize("name", ["nope.json", "nope.jsonl", "nope.npz"])
def test_missing_file_is_an_input_error(tmp_path, name):
    with pytest.raises(InputError, match="cannot read: No such file"):
        read_trace(tmp_path / name)
