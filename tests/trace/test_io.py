"""Trace files: EnvTrace JSON, bare lists and JSONL; every bad input names file, event and field."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.errors import InputError
from twinbench.trace.io import read_trace, write_trace
from twinbench.trace.model import Event, Trace

values = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=5), st.booleans(), st.none())
event_st = st.builds(Event, st.text(min_size=1, max_size=8), st.floats(-1e6, 1e6), values,
                     st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=100, deadline=None)
@given(st.lists(event_st, max_size=20), st.sampled_from(["t.json", "t.jsonl"]))
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
    ],
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


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_trace(tmp_path / "nope.json")
